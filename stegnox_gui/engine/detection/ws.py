"""Weighted Stego analysis (Fridrich & Goljan 2004) with Ker & Boehme's (2008) improvements: the KB pixel
predictor, moderated weights 1 / (5 + local variance), and saturated samples (0, 1, 254, 255, a set closed
under LSB flipping) left out, which removes the bias over- and under-exposed areas cause."""
from __future__ import annotations

import numpy as np

from stegnox_gui.engine.detection.estimate import ChannelEstimate

MIN_PIXELS = 3000


def _terms(tiles: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per interior pixel: weight, weighted residual x parity, and the keep mask."""
    s = tiles.astype(np.float32)
    c = s[:, 1:-1, 1:-1]
    n, so, we, ea = s[:, :-2, 1:-1], s[:, 2:, 1:-1], s[:, 1:-1, :-2], s[:, 1:-1, 2:]
    diag = s[:, :-2, :-2] + s[:, :-2, 2:] + s[:, 2:, :-2] + s[:, 2:, 2:]
    cross = n + so + we + ea
    pred = (2.0 * cross - diag) * 0.25
    mean4 = cross * 0.25
    var4 = (n * n + so * so + we * we + ea * ea) * 0.25 - mean4 * mean4
    w = 1.0 / (5.0 + var4)
    ci = tiles[:, 1:-1, 1:-1].astype(np.int16)
    keep = (ci > 1) & (ci < 254)
    w = np.where(keep, w, 0.0)
    parity = (2 * (ci & 1) - 1).astype(np.float32)  # s - s_bar
    return w, w * (c - pred) * parity, keep


def ws_rows(channel: np.ndarray) -> np.ndarray:
    """The WS payload estimate of each interior row of a 2-D channel (NaN where no pixel counts)."""
    w, wr, _ = _terms(channel[None])
    den = w[0].sum(axis=1, dtype=np.float64)
    num = wr[0].sum(axis=1, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, 2.0 * num / np.where(den > 0, den, 1.0), np.nan)


def ws_estimate(name: str, tiles: np.ndarray) -> ChannelEstimate:
    w, wr, keep = _terms(tiles)
    kept = int(np.count_nonzero(keep))
    stats = {"pixels": kept, "excluded_saturated": int(keep.size - kept)}
    if kept < MIN_PIXELS:
        return ChannelEstimate(name, None, stats, "too few unsaturated pixels")
    total = float(w.sum(dtype=np.float64))
    beta = float(wr.sum(dtype=np.float64)) / total
    return ChannelEstimate(name, 2.0 * beta, stats)
