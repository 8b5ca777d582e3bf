"""Images people look at, computed on demand from an ImageData (StegSolve-style views). Plain numpy, no Qt.

Every function returns a new uint8 array: 2-D (height x width) for one plane, or height x width x 3.
"""
from __future__ import annotations

import numpy as np

from stegnox_gui.engine.image_data import ImageData

INDEX_CHANNEL = "index"  # palette indices of a P image, viewable like a channel


def available_channels(image: ImageData) -> list[str]:
    """Channel names the views accept for this image ('r','g','b','a','gray', and 'index' for palettes)."""
    names = list(image.channels)
    if image.palette_indices is not None:
        names.append(INDEX_CHANNEL)
    return names


def _channel(image: ImageData, channel: str) -> np.ndarray:
    if channel == INDEX_CHANNEL and image.palette_indices is not None:
        return image.palette_indices
    try:
        return image.channels[channel]
    except KeyError:
        raise ValueError(f"No channel {channel!r} in this image; it has {', '.join(available_channels(image))}") from None


def channel_plane(image: ImageData, channel: str, bit: int | None = None) -> np.ndarray:
    """One channel as a gray image; with `bit` (0 = least significant .. 7) that bit plane as 0/255."""
    values = _channel(image, channel)
    if bit is None:
        return values.copy()
    if not 0 <= bit <= 7:
        raise ValueError(f"bit must be 0..7, not {bit}")
    plane = (values >> np.uint8(bit)) & np.uint8(1)
    return plane * np.uint8(255)


def _rgb_channels(image: ImageData) -> list[np.ndarray]:
    if "gray" in image.channels:
        g = image.channels["gray"]
        return [g, g, g]
    if not image.channels:
        raise ValueError("The image has no decoded pixels")
    return [image.channels[c] for c in "rgb"]


def lsb_enhanced(image: ImageData, bits: int = 1) -> np.ndarray:
    """The lowest `bits` bits of R, G, B scaled to the full 0..255 range (H x W x 3): hidden LSB data
    shows as noise or blocks against the cover's natural structure."""
    if not 1 <= bits <= 8:
        raise ValueError(f"bits must be 1..8, not {bits}")
    mask = np.uint8((1 << bits) - 1)
    lut = np.round(np.arange(256) / max(1, int(mask)) * 255).clip(0, 255).astype(np.uint8)
    return np.stack([lut[c & mask] for c in _rgb_channels(image)], axis=-1)


def rgb_image(image: ImageData) -> np.ndarray:
    """The image as displayed, H x W x 3 (gray repeated; alpha dropped)."""
    return np.stack(_rgb_channels(image), axis=-1)


def inverted(image: ImageData) -> np.ndarray:
    """The colour-inverted image (H x W x 3), as StegSolve's 'Colour Inversion (Xor)'."""
    return np.uint8(255) - rgb_image(image)


def color_map(image: ImageData, channel: str, seed: int = 0) -> np.ndarray:
    """One channel through a random colour map (H x W x 3): values that differ by one get unrelated
    colours, so small value changes (LSB edits, hidden palette tricks) become visible."""
    values = _channel(image, channel)
    rng = np.random.default_rng(seed)
    lut = rng.integers(0, 256, size=(256, 3), dtype=np.uint8)
    return lut[values]


def histograms(image: ImageData) -> dict[str, np.ndarray]:
    """256 counts per channel (int64), keyed like the channels ('index' for palette indices)."""
    result = {}
    for name in available_channels(image):
        result[name] = np.bincount(_channel(image, name).ravel(), minlength=256).astype(np.int64)
    return result
