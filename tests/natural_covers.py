"""Test helpers: natural-looking cover images and an independent, naive LSB embedder.

Covers are multi-scale smoothed noise fields with gradients, texture, sensor noise and a few
saturated areas, so their low bit planes behave like a photo's (noise plus flat patches), not like
flat colours. The embedder is a plain per-pixel Python loop written from zsteg's layout rules; it
shares no code with the engine's vectorised extractor it checks.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import ndimage


def natural_rgb(height: int = 192, width: int = 256, seed: int = 0, channels: int = 3) -> np.ndarray:
    """A photo-like uint8 image (height x width x channels); a fresh copy each call."""
    return _natural(height, width, seed, channels).copy()


@lru_cache(maxsize=32)
def _natural(height: int, width: int, seed: int, channels: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = np.zeros((height, width, channels), dtype=np.float64)
    for scale, weight in ((48, 70.0), (12, 25.0), (3, 8.0)):
        small = rng.normal(size=(height // scale + 2, width // scale + 2, channels))
        big = ndimage.zoom(small, (scale, scale, 1), order=3)[:height, :width]
        img += weight * big
    yy, xx = np.mgrid[0:height, 0:width]
    img += (60 * yy / height - 30 * xx / width)[..., None]
    img += rng.normal(0, 1.8, size=img.shape)  # sensor noise
    img += 128 + rng.uniform(-40, 40, size=(1, 1, channels))
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def natural_gray(height: int = 192, width: int = 256, seed: int = 0) -> np.ndarray:
    return natural_rgb(height, width, seed, channels=1)[..., 0]


def _pixel_order(h: int, w: int, order: str) -> list[tuple[int, int]]:
    """(y, x) coordinates in zsteg order: first letter is the inner axis; upper case runs backwards."""
    xs = list(range(w))[::-1] if "X" in order else list(range(w))
    ys = list(range(h))[::-1] if "Y" in order else list(range(h))
    if order[0] in "xX":
        return [(y, x) for y in ys for x in xs]
    return [(y, x) for x in xs for y in ys]


def _selected(n: int, selection: str) -> list[int]:
    if selection == "all":
        return list(range(n))
    if selection == "prime":
        return [i for i in range(2, n) if all(i % d for d in range(2, int(i ** 0.5) + 1))]
    raise ValueError(selection)


def embed(channels: dict[str, np.ndarray], payload: bytes, *, chans: str = "rgb", planes: tuple[int, ...] = (0,),
          bit_order: str = "lsb", order: str = "xy", selection: str = "all") -> None:
    """Write `payload` into `channels` (a dict of 2-D uint8 arrays, modified in place) in one layout."""
    names = [chans] if chans in ("gray", "index") else list(chans)
    bits: list[int] = []
    for byte in payload:
        group = [(byte >> (7 - i)) & 1 for i in range(8)]  # "lsb": first bit is the byte's top bit
        bits.extend(group if bit_order == "lsb" else group[::-1])
    h, w = channels[names[0]].shape
    coords = _pixel_order(h, w, order)
    pos = 0
    for index in _selected(len(coords), selection):
        if pos >= len(bits):
            break
        y, x = coords[index]
        for name in names:
            for plane in planes:
                if pos >= len(bits):
                    break
                value = int(channels[name][y, x])
                value = (value & ~(1 << plane)) | (bits[pos] << plane)
                channels[name][y, x] = value
                pos += 1
    if pos < len(bits):
        raise ValueError("payload does not fit")
