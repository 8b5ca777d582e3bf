"""Chi-square attack (Westfeld & Pfitzmann) on every channel, whole and over growing prefixes of the scan
order (rows "xy" and columns "yx"), to locate sequential LSB embedding and estimate its length.

Natural photos' histograms are smooth, so a short prefix alone often "looks equalised", and the p-value
falls only some way after a message ends. The message is therefore located and confirmed with the Weighted
Stego estimate row by row (column by column) over the chi-square prefix (twice it, or the whole scan when
there is none): a sequential message fills its rows (WS near 1 bit per value there, near 0 on clean rows),
and the change point between the two gives its length to within a row."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from stegnox_gui.engine.detection import calibration as cal
from stegnox_gui.engine.detection.base import LOSSY_FORMATS, channel_label, spatial_detection_applies
from stegnox_gui.engine.detection.channels import detection_channels, unusable_reason
from stegnox_gui.engine.detection.chi_square import chi_square_estimate
from stegnox_gui.engine.detection.ws import ws_rows
from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.method import Finding, Method, RunContext

ROW_LEVEL = 0.8  # typical WS estimate of rows filled by a message (WS underestimates full embedding a little)
# Mean WS over the rows found to hold the message, to accept it: messages measured 0.91-1.09 (calibration
# covers, 2-40 % sequential), clean covers never above 0.5 over 2048 values.
MESSAGE_WS_MIN = 0.75
# ... and that mean must stand out of the row-to-row noise of WS (large on textured images): z-score
MESSAGE_Z_MIN = 8.0
MESSAGE_MIN_ROWS = 3  # measured rows a message must fill
PROFILE_BLOCKS = 4  # wide rows: the row-wise WS profile averages this many spread blocks of columns
PROFILE_BLOCK = 128


def _mad_sigma(x: np.ndarray) -> float:
    return float(1.4826 * np.median(np.abs(x - np.median(x)))) if x.size else 0.0


def _row_profile(a: np.ndarray) -> np.ndarray:
    """WS estimate per interior row; on wide images the mean over a few blocks of columns spread across
    the row (bounded cost, and still every part of the row has a say)."""
    w = a.shape[1]
    if w <= PROFILE_BLOCKS * PROFILE_BLOCK:
        return ws_rows(a)
    starts = np.linspace(0, w - PROFILE_BLOCK, PROFILE_BLOCKS).astype(int)
    blocks = np.array([ws_rows(a[:, s:s + PROFILE_BLOCK]) for s in starts])
    counts = np.sum(~np.isnan(blocks), axis=0)
    sums = np.nansum(blocks, axis=0)
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def message_end(channel: np.ndarray, order: str, fraction: float) -> tuple[float, float, float]:
    """(fraction of the scan order a sequential message fills, mean WS estimate over it, z-score of that
    mean against the row-to-row noise of the WS estimate, measured on the rows after it).

    The end is the change point of the row-wise (column-wise) WS estimate, searched up to twice the
    chi-square prefix: rows inside a message sit near 1 bit per value, clean rows near 0."""
    a = channel if order == "xy" else channel.T
    h = a.shape[0]
    stop = min(h, math.ceil(h * fraction * 2) + 4)
    if stop < 4:
        return 0.0, 0.0, 0.0
    head = min(stop, math.ceil(cal.CHI_MIN_RUN_SAMPLES / max(1, a.shape[1])) + 2)
    first = np.nan_to_num(_row_profile(a[: max(3, head)]), nan=0.0)
    if first.size == 0 or float(first.mean()) < MESSAGE_WS_MIN / 2:
        return 0.0, 0.0, 0.0  # no message starts here: skip the full profile
    rows = np.nan_to_num(_row_profile(a[:stop]), nan=0.0)  # rows 1 .. stop-2
    if rows.size == 0:
        return 0.0, 0.0, 0.0
    gain = np.cumsum(rows - ROW_LEVEL / 2)
    k = int(np.argmax(gain)) + 1  # rows 1..k carry the message
    level = float(np.mean(rows[:k]))
    partial = float(np.clip(rows[k] / max(level, 1e-6), 0, 1)) if k < rows.size else 0.0
    if k < MESSAGE_MIN_ROWS or k * min(a.shape[1], PROFILE_BLOCKS * PROFILE_BLOCK) < cal.CHI_MIN_RUN_SAMPLES:
        return 0.0, 0.0, 0.0  # too little measured evidence (a single odd row at the border, say)
    rest = rows[k + 1:]
    sigma = _mad_sigma(rest) if rest.size >= 8 else _mad_sigma(rows)
    z = level * math.sqrt(k) / max(sigma, 0.05)
    return min(1.0, (k + 1 + partial) / h), level, z


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
            best: tuple[float, float, str] | None = None  # filled fraction, level, order
            for order in ("xy", "yx"):
                # search past the chi-square prefix (p falls late), or the whole scan when there is none
                run = est.stats["runs"][order]
                filled, level, z = message_end(arr, order, run if run * arr.size >= cal.CHI_MIN_RUN_SAMPLES else 1.0)
                if level >= MESSAGE_WS_MIN and z >= MESSAGE_Z_MIN and filled * arr.size >= cal.CHI_MIN_RUN_SAMPLES:
                    if best is None or filled > best[0]:
                        best = (filled, level, order)
            if best is not None:
                filled, level, order = best
                d.update(order=order, message_ws=round(level, 4), sequential_fraction=round(filled, 4))
                confirmed.append((name, filled, level))
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
