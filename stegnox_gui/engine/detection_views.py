"""Plain data for the GUI's detection plots (no Qt here): the chi-square p-value along the scan order,
and the per-channel payload estimates of each detector."""
from __future__ import annotations

from typing import Any

from stegnox_gui.engine.detection.channels import detection_channels, prepare
from stegnox_gui.engine.detection.chi_square import POINTS, prefix_pvalues
from stegnox_gui.engine.detection.rs import rs_estimate
from stegnox_gui.engine.detection.spa import spa_estimate
from stegnox_gui.engine.detection.ws import ws_estimate
from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.method import RunContext

ESTIMATORS = {"rs": rs_estimate, "spa": spa_estimate, "ws": ws_estimate}


def _finite(values: Any) -> list[float | None]:
    return [None if v != v else round(float(v), 6) for v in values]  # NaN -> None (JSON-safe)


def chi_square_curve(image: ImageData, channel: str | None = None, order: str = "xy",
                     points: int = POINTS) -> dict[str, Any]:
    """{"x": [fraction of the scan order], "order", "channels": {name: [p-value per prefix or None]}}.

    A sequential message shows as p near 1 from x = 0 up to where it ends, then a fall towards 0.
    Raises ValueError for an unknown channel; gives empty channels when the image has no pixels.
    """
    names = detection_channels(image)
    if channel is not None:
        if channel not in image.channels:
            raise ValueError(f"No channel {channel!r} in this image (has: {', '.join(image.channels) or 'none'})")
        names = [channel]
    out: dict[str, Any] = {"x": [], "order": order, "channels": {}}
    for name in names:
        x, p = prefix_pvalues(image.channels[name], order, points)
        out["x"] = [round(float(v), 6) for v in x]
        out["channels"][name] = _finite(p)
    return out


def payload_estimates(image: ImageData) -> dict[str, Any]:
    """{"channels": {name: {"rs": bpc|None, "spa": ..., "ws": ...}}, "reasons": {name: why undecided},
    "lsb_matching": {"projection", "threshold", "decisive", "payload_bpc"} or None (undecided: its reason is
    in "reasons")} (bpc = bits per channel value)."""
    out: dict[str, Any] = {"channels": {}, "reasons": {}, "lsb_matching": None}
    if image.palette_indices is not None:
        out["reasons"]["image"] = "palette image: LSB detectors do not apply"
        return out
    for ch in prepare(image):
        row: dict[str, float | None] = {}
        if not ch.usable:
            out["reasons"][ch.name] = ch.reason
            out["channels"][ch.name] = {k: None for k in ESTIMATORS}
            continue
        for key, fn in ESTIMATORS.items():
            est = fn(ch.name, ch.tiles)
            row[key] = None if est.payload is None else round(est.payload, 5)
            if est.reason:
                out["reasons"][f"{ch.name}.{key}"] = est.reason
        out["channels"][ch.name] = row
    from stegnox_gui.engine.methods.lsb_matching import METHOD as LSBM  # noqa: PLC0415 (heavy model import)

    if LSBM.applies_to(image):
        d = LSBM.run(image, RunContext())[0].data
        if d.get("decided"):
            out["lsb_matching"] = {"projection": d["projection"], "threshold": d["threshold"],
                                   "decisive": d["decisive"], "payload_bpc": d["payload_bpc"]}
        elif d.get("reason"):
            out["reasons"]["lsb_matching"] = d["reason"]
    return out
