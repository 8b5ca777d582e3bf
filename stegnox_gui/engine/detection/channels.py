"""Which channels the detectors look at, sampled to a bounded size, and whether they can decide at all.

Large images are sampled as a grid of square tiles spread evenly over the image (neighbourhoods stay
intact inside a tile, so pair, group and predictor statistics remain valid), which bounds each detector's
cost independently of the image size: the estimators' error on a few hundred thousand samples is already
far below the decision thresholds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stegnox_gui.engine.image_data import ImageData

MAX_SAMPLES = 1 << 18  # per channel: 64 tiles of 64 x 64
TILE = 64
MIN_SAMPLES = 64 * 64  # below this no detector decides
MIN_ACTIVE = 0.25  # fraction of neighbour pairs (rows and columns) that must differ, else flat or synthetic
MAX_SATURATED = 0.5  # fraction of samples at 0 or 255 beyond which a channel is unusable
MAX_PARITY_BIAS = 0.3  # |2 P(odd) - 1| beyond which the LSB plane is not natural (scaled values, few colours)
MAX_NOISE = 6.0  # median |prediction residual| beyond which the channel is noise-like texture
# Natural photos (the calibration covers): activity >= 0.32, median residual <= 3.5.


@dataclass
class Channel:
    """One channel prepared for the detectors: `tiles` is (n, h, w) int16; `reason` says why it is unusable."""

    name: str
    tiles: np.ndarray
    samples: int  # number of values in the whole channel
    sampled: bool  # True when tiles are a subsample of the image
    reason: str | None = None

    @property
    def usable(self) -> bool:
        return self.reason is None


def detection_channels(image: ImageData) -> list[str]:
    """Colour channels (r, g, b) or gray; alpha is never analysed (it is usually flat)."""
    return [n for n in ("r", "g", "b", "gray") if n in image.channels]


def tiles_of(arr: np.ndarray, max_samples: int = MAX_SAMPLES, tile: int = TILE) -> tuple[np.ndarray, bool]:
    """The whole array as one tile, or an even grid of `tile` x `tile` tiles holding at most max_samples."""
    h, w = arr.shape
    if h * w <= max_samples or h < tile or w < tile:
        return arr[None, :, :].astype(np.int16), False
    ny, nx = h // tile, w // tile
    want = max(1, max_samples // (tile * tile))
    if ny * nx <= want:
        ys, xs = np.arange(ny), np.arange(nx)
        grid = [(y, x) for y in ys for x in xs]
    else:
        # an evenly spread subset of the tile grid, in scan order
        idx = np.linspace(0, ny * nx - 1, want).round().astype(int)
        grid = [(i // nx, i % nx) for i in np.unique(idx)]
    blocks = arr[: ny * tile, : nx * tile].reshape(ny, tile, nx, tile).transpose(0, 2, 1, 3)
    out = np.stack([blocks[y, x] for y, x in grid]).astype(np.int16)
    return out, True


def unusable_reason(arr: np.ndarray) -> str | None:
    """Why a channel cannot be analysed (tiny, flat/synthetic, saturated), or None."""
    if arr.size < MIN_SAMPLES or min(arr.shape) < 8:
        return f"too small ({arr.shape[1]}x{arr.shape[0]}; need at least {MIN_SAMPLES} samples)"
    step = max(1, int(np.ceil(arr.size / MAX_SAMPLES)))
    a = arr[::step] if step > 1 and arr.shape[0] >= 3 * step else arr
    saturated = float(np.mean((a == 0) | (a == 255)))
    if saturated > MAX_SATURATED:
        return f"saturated ({saturated:.0%} of values at 0 or 255)"
    active = min(float(np.mean(a[:, 1:] != a[:, :-1])), float(np.mean(arr[1:, ::step] != arr[:-1, ::step])))
    if active < MIN_ACTIVE:
        return f"flat or synthetic ({1 - active:.0%} of neighbours equal)"
    mid = a[(a > 1) & (a < 254)]
    if mid.size and abs(2 * float(np.mean(mid & 1)) - 1) > MAX_PARITY_BIAS:
        return "least significant bits are not natural (values mostly even or mostly odd)"
    h0, w0 = max(0, arr.shape[0] // 2 - 256), max(0, arr.shape[1] // 2 - 256)
    s = arr[h0:h0 + 512, w0:w0 + 512].astype(np.float32)  # a contiguous central block
    if s.shape[0] >= 3 and s.shape[1] >= 3:
        cross = s[:-2, 1:-1] + s[2:, 1:-1] + s[1:-1, :-2] + s[1:-1, 2:]
        diag = s[:-2, :-2] + s[:-2, 2:] + s[2:, :-2] + s[2:, 2:]
        noise = float(np.median(np.abs(s[1:-1, 1:-1] - (2 * cross - diag) / 4)))
        if noise > MAX_NOISE:
            return f"noise-like texture (median prediction residual {noise:.1f})"
    return None


def prepare(image: ImageData, max_samples: int = MAX_SAMPLES) -> list[Channel]:
    """The detection channels of an image, sampled and checked."""
    out = []
    for name in detection_channels(image):
        arr = image.channels[name]
        tiles, sampled = tiles_of(arr, max_samples)
        out.append(Channel(name, tiles, int(arr.size), sampled, unusable_reason(arr)))
    return out
