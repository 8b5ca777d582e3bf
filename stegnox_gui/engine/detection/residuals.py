"""Statistics of pixel prediction residuals where +-1 embedding shows: the features of the LSB-matching
detector besides SPAM (`lsbm.py`).

A clean photograph's smooth areas predict well from their neighbours (residuals mostly 0 or +-1 quarter
steps), and neighbouring residuals are correlated. +-1 embedding adds independent noise: it widens the
residuals most where activity is lowest and breaks their correlation, which the joint distribution of three
neighbouring quantised residuals (a small version of Fridrich & Kodovsky's rich-model co-occurrences)
registers.
"""
from __future__ import annotations

import numpy as np

# Local activity |x[i, j+1] - x[i, j-1]| + |x[i+1, j] - x[i-1, j]| classes (lower edges) and the residual
# magnitude bins counted in each class (values above the last edge are left out: they are what the class's
# fraction and the other bins imply).
ACTIVITY_EDGES = (1, 2, 3, 4, 5, 6, 8, 11, 15)
RESIDUAL_EDGES = (0.3, 0.8, 1.3, 2.3)
COOC_T = 2  # co-occurrences of residuals rounded and clipped to [-T, T]


def kb_residual(x: np.ndarray) -> np.ndarray:
    """Residual of the Ker-Boehme 3 x 3 predictor on (n, h, w) float32 tiles (interior values)."""
    c = x[:, 1:-1, 1:-1]
    cross = x[:, :-2, 1:-1] + x[:, 2:, 1:-1] + x[:, 1:-1, :-2] + x[:, 1:-1, 2:]
    diag = x[:, :-2, :-2] + x[:, :-2, 2:] + x[:, 2:, :-2] + x[:, 2:, 2:]
    return c - (2 * cross - diag) / 4


def activity_histograms(tiles: np.ndarray) -> np.ndarray:
    """250 features of (n, h, w) tiles: for 10 classes of local activity, the fraction of values in the
    class and, within it, the distribution over RESIDUAL_EDGES of six residual magnitudes (the 3 x 3
    predictor's, the right and lower neighbour differences, the horizontal and vertical second differences
    and the 4-neighbour Laplacian)."""
    x = tiles.astype(np.float32)
    c = x[:, 1:-1, 1:-1]
    left, right, up, down = x[:, 1:-1, :-2], x[:, 1:-1, 2:], x[:, :-2, 1:-1], x[:, 2:, 1:-1]
    residuals = (kb_residual(x), right - c, down - c, (left + right - 2 * c) / 2, (up + down - 2 * c) / 2,
                 (left + right + up + down - 4 * c) / 4)
    classes = np.digitize(np.abs(right - left) + np.abs(down - up), ACTIVITY_EDGES).ravel()
    n_cls, n_bin = len(ACTIVITY_EDGES) + 1, len(RESIDUAL_EDGES) + 1
    per_class = np.bincount(classes, minlength=n_cls).astype(np.float64)
    columns = [per_class[:, None] / max(1, classes.size)]
    for r in residuals:
        bins = np.digitize(np.abs(r).ravel(), RESIDUAL_EDGES)
        joint = np.bincount(classes * n_bin + bins, minlength=n_cls * n_bin).reshape(n_cls, n_bin)
        columns.append(np.divide(joint[:, :-1], per_class[:, None], out=np.zeros((n_cls, n_bin - 1)),
                                 where=per_class[:, None] > 0))
    return np.concatenate(columns, axis=1).ravel()


def residual_cooccurrence(tiles: np.ndarray) -> np.ndarray:
    """125 features: the joint distribution of three horizontally or vertically adjacent 3 x 3 predictor
    residuals, rounded and clipped to [-2, 2], pooled with its sign-mirrored image."""
    k = 2 * COOC_T + 1
    r = np.clip(np.rint(kb_residual(tiles.astype(np.float32))), -COOC_T, COOC_T).astype(np.intp) + COOC_T
    h = np.bincount((r[:, :, :-2] * k * k + r[:, :, 1:-1] * k + r[:, :, 2:]).ravel(), minlength=k ** 3)
    h = h + np.bincount((r[:, :-2, :] * k * k + r[:, 1:-1, :] * k + r[:, 2:, :]).ravel(), minlength=k ** 3)
    h = (h + h[::-1]).astype(np.float64)
    return h / max(1.0, float(h.sum()))
