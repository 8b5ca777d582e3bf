"""Chi-square attack (Westfeld & Pfitzmann) on every channel, whole and over growing prefixes of the scan
order (rows "xy" and columns "yx"), to locate sequential LSB embedding and estimate its length.

Natural photos' histograms are smooth, so a short prefix alone often "looks equalised"; the located prefix
is therefore confirmed with the Weighted Stego estimate restricted to it (a sequential message fills its
prefix: WS there is near 1 bit per value, and near 0 on a clean prefix). The p-value falls a little after
the message ends, so the end is refined by a change point in the WS estimate row by row (column by column)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from stegnox_gui.engine.detection import calibration as cal
from stegnox_gui.engine.detection.base import LOSSY_FORMATS, channel_label, spatial_detection_applies
from stegnox_gui.engine.detection.channels import detection_channels, tiles_of, unusable_reason
from stegnox_gui.engine.detection.chi_square import chi_square_estimate
from stegnox_gui.engine.detection.ws import ws_estimate, ws_rows
from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.method import Finding, Method, RunContext

PREFIX_WS_MIN = 0.25  # WS estimate on the located prefix above which it is taken as a sequential message


def message_end(channel: np.ndarray, order: str, fraction: float) -> float:
    """The fraction of the scan order a sequential message fills: the change point of the row-wise
    (column-wise) WS estimate, from its level at the start to zero, searched a little past the prefix."""
    a = channel if order == "xy" else channel.T
    h = a.shape[0]
    stop = min(h, math.ceil(h * fraction * 2) + 4)
    rows = np.nan_to_num(ws_rows(a[:stop]), nan=0.0)  # rows 1 .. stop-2
    if rows.size == 0:
        return fraction
    level = float(np.median(rows[: max(1, rows.size // 4)]))
    if level <= 0.1:
        return fraction
    gain = np.cumsum(rows - level / 2)
    k = int(np.argmax(gain)) + 1  # rows 1..k carry the message
    partial = float(np.clip(rows[k] / level, 0, 1)) if k < rows.size else 0.0
    return min(1.0, (k + 1 + partial) / h)


def prefix_region(channel: np.ndarray, order: str, fraction: float) -> np.ndarray:
    """The whole rows (xy) or columns (yx) covered by the first `fraction` of the scan order."""
    if order == "xy":
        return channel[: max(3, math.ceil(channel.shape[0] * fraction))]
    return channel[:, : max(3, math.ceil(channel.shape[1] * fraction))]


class ChiSquare(Method):
    name = "chi_square"
    title = "Chi-square attack (sequential LSB)"
    role = "detection"
    needs_pixels = True

    def applies_to(self, image: ImageData) -> bool:
        return spatial_detection_applies(image)

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        per: dict[str, Any] = {}
        confirmed: list[tuple[str, float, float]] = []  # channel, run fraction, WS on the prefix
        for name in detection_channels(image):
            arr = image.channels[name]
            reason = unusable_reason(arr)
            if reason:
                per[name] = {"payload": None, "reason": reason}
                continue
            est = chi_square_estimate(name, arr)
            d = est.as_dict()
            best: tuple[float, str, float] | None = None  # WS on the prefix, order, run
            for order, run in est.stats["runs"].items():
                if est.payload is None or run * arr.size < cal.CHI_MIN_RUN_SAMPLES:
                    continue
                region = prefix_region(arr, order, run)
                ws = ws_estimate(name, tiles_of(region)[0]).payload
                if ws is not None and ws >= max(PREFIX_WS_MIN, cal.hidden_threshold("ws", region.size)):
                    if best is None or ws > best[0]:
                        best = (ws, order, run)
            if best is not None:
                ws, order, run = best
                filled = message_end(arr, order, run)
                d.update(order=order, prefix_ws=round(ws, 4), sequential_fraction=round(filled, 4))
                confirmed.append((name, filled, ws))
            per[name] = d
        decided = [n for n, d in per.items() if d.get("payload") is not None]
        lossy = image.format in LOSSY_FORMATS
        data: dict[str, Any] = {"detector": "chi", "channels": per, "decided": bool(decided), "lossy_source": lossy}
        if not decided:
            reasons = sorted({d.get("reason", "undecided") for d in per.values()}) or ["no analysable channel"]
            data.update(payload_bpc=None, payload_bpp=None)
            return [Finding(self.name, "statistic", 0.0, f"Chi-square: cannot decide ({'; '.join(reasons)})",
                            hidden=False, data=data)]
        pvals = [per[n]["p_value"] for n in decided if per[n].get("p_value") is not None]
        if confirmed and not lossy:
            frac = float(np.mean([c[1] for c in confirmed]))
            n_values = sum(image.channels[c[0]].size for c in confirmed)
            bpc = frac * len(confirmed) / len(decided)
            order = per[confirmed[0][0]]["order"]  # the order of the first confirmed channel
            data.update(payload_bpc=round(bpc, 5), payload_bpp=round(frac * len(confirmed), 5),
                        sequential_fraction=round(frac, 4), order=order, estimated_bytes=int(frac * n_values / 8))
            summary = (f"Chi-square: sequential LSB embedding in the first {frac:.0%} of the {order} scan order "
                       f"of {channel_label([c[0] for c in confirmed])} (~{data['estimated_bytes']:,} bytes; "
                       f"WS on that part {np.mean([c[2] for c in confirmed]):.2f})")
            conf = float(min(0.97, 0.85 + 0.1 * min(1.0, np.mean([c[2] for c in confirmed]))))
            return [Finding(self.name, "statistic", conf, summary, hidden=True, data=data,
                            params={"order": order, "channels": channel_label([c[0] for c in confirmed])})]
        data.update(payload_bpc=0.0, payload_bpp=0.0)
        p_text = ", ".join(f"{channel_label([n])} p={per[n]['p_value']:.2g}" for n in decided
                           if per[n].get("p_value") is not None)
        note = " (decoded JPEG pixels: not meaningful)" if lossy else ""
        return [Finding(self.name, "statistic", 0.0,
                        f"Chi-square: no sequential LSB message located ({p_text}){note}", hidden=False, data=data,
                        params={"max_p": max(pvals) if pvals else None})]


METHOD = ChiSquare()
