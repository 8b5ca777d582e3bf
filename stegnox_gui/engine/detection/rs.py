"""RS analysis (Fridrich, Goljan & Du 2001): regular/singular groups under LSB flipping, with the
quadratic payload estimate. Groups are 4 adjacent samples in rows and in columns, mask [0, 1, 1, 0].
Groups touching saturated values (0, 1, 254, 255) are left out: clipped areas bias RS upwards."""
from __future__ import annotations

import numpy as np

from stegnox_gui.engine.detection.estimate import ChannelEstimate, smaller_root

MIN_GROUPS = 2000


def _groups(tiles: np.ndarray) -> tuple[np.ndarray, ...]:
    """The four members of every group (horizontal and vertical runs of 4), as four 1-D int16 arrays."""
    n, h, w = tiles.shape
    hor = tiles[:, :, : w - w % 4].reshape(-1, 4)
    ver = tiles.transpose(0, 2, 1)[:, :, : h - h % 4].reshape(-1, 4)
    g = np.concatenate([hor, ver])
    sat = ((g <= 1) | (g >= 254)).any(axis=1)
    g = g[~sat]
    return tuple(np.ascontiguousarray(g[:, i]) for i in range(4))


def _rs_counts(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> tuple[float, ...]:
    """R_M, S_M, R_-M, S_-M for groups (a, b, c, d) under mask [0, 1, 1, 0]."""
    f0 = np.abs(b - a) + np.abs(c - b) + np.abs(d - c)
    sb, sc = 1 - 2 * (b & 1), 1 - 2 * (c & 1)  # F1 moves 2k -> 2k+1 (+1), 2k+1 -> 2k (-1)
    bp, cp = b + sb, c + sc
    bn, cn = b - sb, c - sc  # F-1 moves the other way
    fp = np.abs(bp - a) + np.abs(cp - bp) + np.abs(d - cp)
    fn = np.abs(bn - a) + np.abs(cn - bn) + np.abs(d - cn)
    n = float(a.size)
    return (np.count_nonzero(fp > f0) / n, np.count_nonzero(fp < f0) / n,
            np.count_nonzero(fn > f0) / n, np.count_nonzero(fn < f0) / n)


def rs_estimate(name: str, tiles: np.ndarray) -> ChannelEstimate:
    a, b, c, d = _groups(tiles)
    if a.size < MIN_GROUPS:
        return ChannelEstimate(name, None, {"groups": int(a.size)}, "too few unsaturated groups")
    rm, sm, rn, sn = _rs_counts(a, b, c, d)
    rm1, sm1, rn1, sn1 = _rs_counts(*(x ^ 1 for x in (a, b, c, d)))
    d0, d1, dn0, dn1 = rm - sm, rm1 - sm1, rn - sn, rn1 - sn1
    stats = {"groups": int(a.size), "R_M": rm, "S_M": sm, "R_-M": rn, "S_-M": sn}
    if rm + sm < 0.05 or rn + sn < 0.05:
        return ChannelEstimate(name, None, stats, "too few usable (non-flat) groups")
    z = smaller_root(2 * (d1 + d0), dn0 - dn1 - d1 - 3 * d0, d0 - dn0)
    if z is None or abs(z - 0.5) < 1e-9:
        return ChannelEstimate(name, None, stats, "degenerate RS quadratic")
    p = z / (z - 0.5)
    if not np.isfinite(p):
        return ChannelEstimate(name, None, stats, "degenerate RS quadratic")
    return ChannelEstimate(name, float(p), stats)
