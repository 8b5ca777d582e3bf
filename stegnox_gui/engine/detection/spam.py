"""First-order SPAM features (Pevny, Bas & Fridrich 2010): transition probabilities of neighbouring pixel
differences, truncated to [-T, T], averaged over the 4 straight and the 4 diagonal directions (2 x 81
values). +-1 embedding (LSB matching) adds independent noise that these transition statistics register,
while the structural detectors (RS, SPA, WS) are blind to it by design."""
from __future__ import annotations

import numpy as np

T = 4
K = 2 * T + 1


def _joint(d1: np.ndarray, d2: np.ndarray) -> np.ndarray:
    """Counts of the difference pairs (d1, d2), already clipped to [-T, T], as a K x K matrix."""
    return np.bincount(((d1 + T) * K + (d2 + T)).ravel(), minlength=K * K).reshape(K, K).astype(np.float64)


def _conditional(joint: np.ndarray) -> np.ndarray:
    rows = joint.sum(axis=1, keepdims=True)
    return np.divide(joint, rows, out=np.zeros_like(joint), where=rows > 0)


def _both_ways(joint: np.ndarray) -> list[np.ndarray]:
    """Transition matrices of a direction and of its reverse: walking back, the pair (d1, d2) is seen as
    (-d2, -d1), so the reverse joint is the forward one flipped on both axes and transposed."""
    return [_conditional(joint), _conditional(joint[::-1, ::-1].T)]


def spam_features(tiles: np.ndarray) -> np.ndarray:
    """162 features of a (n, h, w) int16 array of tiles (or one image as n = 1)."""
    x = tiles.astype(np.int16)
    d = np.clip(x[:, :, :-1] - x[:, :, 1:], -T, T)  # along rows
    straight = _both_ways(_joint(d[:, :, :-1], d[:, :, 1:]))
    d = np.clip(x[:, :-1, :] - x[:, 1:, :], -T, T)  # along columns
    straight += _both_ways(_joint(d[:, :-1, :], d[:, 1:, :]))
    d = np.clip(x[:, :-1, :-1] - x[:, 1:, 1:], -T, T)  # main diagonal
    diag = _both_ways(_joint(d[:, :-1, :-1], d[:, 1:, 1:]))
    d = np.clip(x[:, :-1, 1:] - x[:, 1:, :-1], -T, T)  # anti-diagonal
    diag += _both_ways(_joint(d[:, :-1, 1:], d[:, 1:, :-1]))
    return np.concatenate([np.mean(straight, axis=0).ravel(), np.mean(diag, axis=0).ravel()])
