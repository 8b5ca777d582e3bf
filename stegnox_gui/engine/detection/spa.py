"""Sample Pairs Analysis (Dumitrescu, Wu & Wang 2003) over horizontal and vertical neighbour pairs;
pairs touching saturated values (0, 1, 254, 255) are left out."""
from __future__ import annotations

import numpy as np

from stegnox_gui.engine.detection.estimate import ChannelEstimate, smaller_root

MIN_PAIRS = 4000


def spa_estimate(name: str, tiles: np.ndarray) -> ChannelEstimate:
    u = np.concatenate([tiles[:, :, :-1].ravel(), tiles[:, :-1, :].ravel()])
    v = np.concatenate([tiles[:, :, 1:].ravel(), tiles[:, 1:, :].ravel()])
    keep = (u > 1) & (u < 254) & (v > 1) & (v < 254)  # saturated pairs bias the estimate upwards
    u, v = u[keep], v[keep]
    total = int(u.size)
    if total < MIN_PAIRS:
        return ChannelEstimate(name, None, {"pairs": total}, "too few pairs")
    even = (v & 1) == 0
    lt, gt = u < v, u > v
    x = int(np.count_nonzero((even & lt) | (~even & gt)))
    y = int(np.count_nonzero((even & gt) | (~even & lt)))
    z = int(np.count_nonzero(u == v))
    w = int(np.count_nonzero(((u >> 1) == (v >> 1)) & (u != v)))
    stats = {"pairs": total, "X": x, "Y": y, "Z": z, "W": w}
    if w + z < 0.01 * total or z > 0.85 * total:
        return ChannelEstimate(name, None, stats, "too few informative pairs (flat or synthetic)")
    p = smaller_root((w + z) / 2, 2 * x - total, y - x)
    if p is None or not np.isfinite(p):
        return ChannelEstimate(name, None, stats, "degenerate SPA quadratic")
    return ChannelEstimate(name, float(p), stats)
