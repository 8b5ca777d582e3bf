"""Simulated LSB embedding at a known rate, for the detectors' tests, calibration and benchmark.

`rate` is in bits per channel value: that fraction of the values carries one message bit (random bits,
like an encrypted message), so about rate / 2 of them change.
"""
from __future__ import annotations

import numpy as np


def _bits_and_positions(shape: tuple[int, ...], rate: float, rng: np.random.Generator,
                        sequential: bool) -> tuple[np.ndarray, np.ndarray]:
    n = int(np.prod(shape))
    k = int(round(rate * n))
    pos = np.arange(k) if sequential else rng.choice(n, size=k, replace=False)
    return pos, rng.integers(0, 2, size=k, dtype=np.uint8)


def lsb_replace(pixels: np.ndarray, rate: float, seed: int = 0, sequential: bool = False) -> np.ndarray:
    """LSB replacement of `rate` bits per value; sequential = the first values in scan order (channels
    interleaved per pixel, as most tools do), else positions spread at random."""
    rng = np.random.default_rng(seed)
    flat = np.array(pixels, dtype=np.uint8).ravel()
    pos, bits = _bits_and_positions(flat.shape, rate, rng, sequential)
    flat[pos] = (flat[pos] & 0xFE) | bits
    return flat.reshape(np.shape(pixels))


def lsb_match(pixels: np.ndarray, rate: float, seed: int = 0, sequential: bool = False) -> np.ndarray:
    """LSB matching (+-1 embedding): a value whose LSB differs from the bit moves up or down by one at random
    (0 always up, 255 always down)."""
    rng = np.random.default_rng(seed)
    flat = np.array(pixels, dtype=np.int16).ravel()
    pos, bits = _bits_and_positions(flat.shape, rate, rng, sequential)
    vals = flat[pos]
    change = (vals & 1) != bits
    step = np.where(rng.integers(0, 2, size=len(pos)) == 1, 1, -1)
    step = np.where(vals == 0, 1, np.where(vals == 255, -1, step))
    flat[pos] = np.where(change, vals + step, vals)
    return flat.astype(np.uint8).reshape(np.shape(pixels))
