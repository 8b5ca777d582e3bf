"""LSB matching (+-1 embedding) detection: SPAM features projected on a Fisher discriminant trained on clean
photographs vs simulated LSB matching (`lsbm_model.py`). Colour images add the SPAM features of the
colour differences R-G and B-G: photographs' colour detail is smooth (demosaicing, JPEG chroma
subsampling), while embedding noise is independent in each channel and shows there most."""
from __future__ import annotations

import numpy as np

from stegnox_gui.engine.detection.channels import tiles_of, unusable_reason
from stegnox_gui.engine.detection.spam import spam_features

MAX_SAMPLES = 1 << 17  # per channel; SPAM statistics are stable well below this


def image_features(pixels: np.ndarray) -> tuple[str, np.ndarray] | None:
    """("color" | "gray", features) of an (h, w) or (h, w, 3+) uint8 array, or None when unusable."""
    if pixels.ndim == 2 or pixels.shape[2] < 3:
        gray = pixels if pixels.ndim == 2 else pixels[..., 0]
        if unusable_reason(gray) is not None:
            return None
        return "gray", spam_features(tiles_of(gray, MAX_SAMPLES)[0])
    chans = [pixels[..., i] for i in range(3)]
    if any(unusable_reason(c) is not None for c in chans):
        return None
    own = np.mean([spam_features(tiles_of(c, MAX_SAMPLES)[0]) for c in chans], axis=0)
    r, g, b = (c.astype(np.int16) for c in chans)
    diff = np.mean([spam_features(tiles_of(d, MAX_SAMPLES)[0]) for d in (r - g, b - g)], axis=0)
    return "color", np.concatenate([own, diff])


def projection(kind: str, features: np.ndarray) -> float:
    """The discriminant's value for that kind of image (clean covers: mean 0, standard deviation 1)."""
    from stegnox_gui.engine.detection import lsbm_model as m

    model = m.MODELS[kind]
    return float((features - np.asarray(model["mean"])) @ np.asarray(model["weights"]))
