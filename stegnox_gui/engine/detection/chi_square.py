"""Chi-square attack (Westfeld & Pfitzmann 1999) on value pairs (2k, 2k+1), on the whole channel and on
growing prefixes of the scan order, which locates a sequential message and estimates its length."""
from __future__ import annotations

import numpy as np
from scipy.special import chdtrc  # chi-square survival function; scipy.stats costs ~1.8 s to import

from stegnox_gui.engine.detection.estimate import ChannelEstimate

POINTS = 100  # prefixes evaluated: 1/POINTS, 2/POINTS, ..., 1 of the scan order
MIN_EXPECTED = 5.0  # categories with a smaller expected count are dropped
HIGH_P = 0.05  # a prefix "looks equalised" until its p-value falls below this (p is ~uniform while equalised)


def pair_pvalues(hists: np.ndarray) -> np.ndarray:
    """p-values of Westfeld's test for each row of (k, 256) histograms; NaN where too few categories."""
    h = np.atleast_2d(hists).astype(np.float64)
    even, odd = h[:, 0::2], h[:, 1::2]
    expected = (even + odd) / 2.0
    ok = expected >= MIN_EXPECTED
    stat = np.where(ok, (even - expected) ** 2 / np.where(ok, expected, 1.0), 0.0).sum(axis=1)
    dof = ok.sum(axis=1) - 1
    p = np.full(len(h), np.nan)
    good = dof >= 1
    p[good] = chdtrc(dof[good], stat[good])
    return p


def prefix_histograms(channel: np.ndarray, order: str = "xy", points: int = POINTS) -> np.ndarray:
    """(points, 256) value histograms of the growing prefixes 1/points, ..., 1 of the channel in `order`
    ("xy" rows, "yx" columns); the last row is the whole channel's histogram."""
    n = channel.size
    points = max(1, min(points, n))
    bounds = np.arange(points + 1) * n // points
    if order == "xy":
        flat = channel.ravel()
        hists = [np.bincount(flat[a:b], minlength=256) for a, b in zip(bounds[:-1], bounds[1:])]
    else:
        hists = [_column_range_histogram(channel, a, b) for a, b in zip(bounds[:-1], bounds[1:])]
    return np.cumsum(np.stack(hists), axis=0)


def _column_range_histogram(channel: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Histogram of the values start..stop-1 in column-major order, without transposing the channel (a
    transposed copy of a large image costs more than all the counting)."""
    h = channel.shape[0]
    (c0, r0), (c1, r1) = divmod(start, h), divmod(stop, h)
    if c0 == c1:
        return np.bincount(channel[r0:r1, c0], minlength=256)
    hist = np.bincount(channel[r0:, c0], minlength=256)
    if c1 > c0 + 1:
        hist += np.bincount(channel[:, c0 + 1:c1].ravel(), minlength=256)
    if r1:
        hist += np.bincount(channel[:r1, c1], minlength=256)
    return hist


def prefix_pvalues(channel: np.ndarray, order: str = "xy", points: int = POINTS) -> tuple[np.ndarray, np.ndarray]:
    """(fractions, p-values) for growing prefixes of the channel in `order` ("xy" rows, "yx" columns)."""
    cum = prefix_histograms(channel, order, points)
    return np.arange(1, len(cum) + 1) / len(cum), pair_pvalues(cum)


def equalised_run(fractions: np.ndarray, pvalues: np.ndarray) -> float:
    """The longest prefix (fraction of the scan order) over which every p-value stays >= HIGH_P."""
    high = np.nan_to_num(pvalues, nan=0.0) >= HIGH_P
    if not high[0]:
        return 0.0
    stop = np.argmin(high) if not high.all() else len(high)
    return float(fractions[stop - 1])


def chi_square_estimate(name: str, channel: np.ndarray) -> ChannelEstimate:
    """Whole-channel p-value, and the sequential run length in both scan orders (the longer one wins)."""
    curves = {order: prefix_pvalues(channel, order) for order in ("xy", "yx")}
    whole = float(curves["xy"][1][-1])  # the last prefix is the whole channel
    runs = {order: equalised_run(*curve) for order, curve in curves.items()}
    best = max(runs, key=lambda o: runs[o])
    stats = {"p_value": whole if np.isfinite(whole) else None, "run_fraction": runs[best], "order": best,
             "runs": runs, "run_samples": int(round(runs[best] * channel.size))}
    if not np.isfinite(whole):
        return ChannelEstimate(name, None, stats, "too few distinct values for the chi-square test")
    return ChannelEstimate(name, runs[best], stats)
