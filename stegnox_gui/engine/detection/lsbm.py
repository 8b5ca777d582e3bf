"""LSB matching (+-1 embedding) detection: features projected on Fisher discriminants trained on clean
photographs vs simulated LSB matching (`lsbm_model.py`).

Colour images: SPAM features of the channels and of the colour differences R-G and B-G: photographs'
colour detail is smooth (demosaicing, JPEG chroma subsampling), while embedding noise is independent in
each channel and shows there most.

Gray images have no second channel to compare with, and SPAM features separate poorly there. The gray
model uses where +-1 noise shows most: histograms of the prediction residual and of neighbour differences
within classes of local activity (smooth areas, where a clean photo's residual is mostly 0 and +-1
embedding spreads it), plus the image's noise floor (low quantiles of the residual energy of 8 x 8 blocks:
+-1 embedding at rate r adds r/2 to the variance of every block, flat ones included).

Noise floor and what the detector cannot decide: +-1 embedding adds at most 0.5 to a value's variance
(1.0 to a colour difference). A cover whose flattest areas already carry much more independent noise than
that (noise-like renders, synthetic noise, very noisy sensors) gives the discriminant nothing to go on;
such images are reported as undecidable instead of being judged by a model trained on photographs.
"""
from __future__ import annotations

import numpy as np

from stegnox_gui.engine.detection.channels import tiles_of, unusable_reason
from stegnox_gui.engine.detection.spam import spam_features

MAX_SAMPLES = 1 << 17  # per channel; SPAM statistics are stable well below this
FLOOR_QUANTILES = (0.02, 0.05, 0.1, 0.25, 0.5)
FLOOR_BLOCK = 8
# Noise floor (5% quantile of the 8 x 8 blocks' residual variance, in squared grey levels) above which the
# detector cannot decide. Calibration covers: colour differences max 0.95 clean, 1.62 with +-1 embedding at
# rate 1; gray/single channels max 2.34 clean. benchmarks/engine_bench.py's synthetic images (noise with
# independent +-3 noise per channel): colour differences ~4.6.
MAX_COLOUR_FLOOR = 2.5
MAX_GRAY_FLOOR = 3.0
ACTIVITY_EDGES = (0, 1, 2, 3, 5, 8)


def _kb_residual(x: np.ndarray) -> np.ndarray:
    """Residual of the Ker-Boehme 3 x 3 predictor on (n, h, w) float32 tiles (interior values)."""
    c = x[:, 1:-1, 1:-1]
    cross = x[:, :-2, 1:-1] + x[:, 2:, 1:-1] + x[:, 1:-1, :-2] + x[:, 1:-1, 2:]
    diag = x[:, :-2, :-2] + x[:, :-2, 2:] + x[:, 2:, :-2] + x[:, 2:, 2:]
    return c - (2 * cross - diag) / 4


def noise_floor(tiles: np.ndarray) -> np.ndarray:
    """Quantiles FLOOR_QUANTILES of the residual variance of 8 x 8 blocks, scaled to the variance of white
    noise (the predictor's residual has 2.25 times the variance of white noise in the values)."""
    r = _kb_residual(tiles.astype(np.float32)) ** 2 / 2.25
    n, h, w = r.shape
    b = FLOOR_BLOCK
    if h < b or w < b:
        return np.quantile(r.ravel(), FLOOR_QUANTILES)
    blocks = r[:, : h // b * b, : w // b * b].reshape(n, h // b, b, w // b, b).mean(axis=(2, 4))
    return np.quantile(blocks.ravel(), FLOOR_QUANTILES)


def activity_histograms(tiles: np.ndarray) -> np.ndarray:
    """42 features: for 6 classes of local activity (|x[i, j+1] - x[i, j-1]| + |x[i+1, j] - x[i-1, j]|), the
    fraction of values in the class and the distribution (|r| < 0.5, < 1.5, < 2.5, as three bins) of the
    predictor residual and of the horizontal neighbour difference there."""
    x = tiles.astype(np.float32)
    c = x[:, 1:-1, 1:-1]
    r = np.abs(_kb_residual(x))
    d = np.abs(x[:, 1:-1, 2:] - c)
    act = np.abs(x[:, 1:-1, 2:] - x[:, 1:-1, :-2]) + np.abs(x[:, 2:, 1:-1] - x[:, :-2, 1:-1])
    out = []
    edges = list(ACTIVITY_EDGES) + [np.inf]
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (act >= lo) & (act < hi)
        out.append(float(np.mean(sel)))
        for v in (r, d):
            vv = v[sel]
            if vv.size:
                out += [float(np.mean(vv < 0.5)), float(np.mean((vv >= 0.5) & (vv < 1.5))),
                        float(np.mean((vv >= 1.5) & (vv < 2.5)))]
            else:
                out += [0.0, 0.0, 0.0]
    return np.asarray(out)


def analyse(pixels: np.ndarray) -> dict:
    """{"kind": "color" | "gray", "features": ..., "floor": noise floor, "reason": why undecidable or None}
    of an (h, w) or (h, w, 3+) uint8 array; kind is None when the channels are unusable altogether."""
    if pixels.ndim == 2 or pixels.shape[2] < 3:
        gray = pixels if pixels.ndim == 2 else pixels[..., 0]
        reason = unusable_reason(gray)
        if reason is not None:
            return {"kind": None, "features": None, "floor": None, "reason": reason}
        tiles = tiles_of(gray, MAX_SAMPLES)[0]
        floor = noise_floor(tiles)
        feats = np.concatenate([activity_histograms(tiles), np.log(floor + 0.01)])
        reason = None
        if floor[1] > MAX_GRAY_FLOOR:
            reason = (f"noise-like image (noise floor {floor[1]:.1f} grey levels squared, far more than +-1 "
                      "embedding adds)")
        return {"kind": "gray", "features": feats, "floor": float(floor[1]), "reason": reason}
    chans = [pixels[..., i] for i in range(3)]
    for c in chans:
        reason = unusable_reason(c)
        if reason is not None:
            return {"kind": None, "features": None, "floor": None, "reason": reason}
    own = np.mean([spam_features(tiles_of(c, MAX_SAMPLES)[0]) for c in chans], axis=0)
    r, g, b = (c.astype(np.int16) for c in chans)
    diff_tiles = [tiles_of(d, MAX_SAMPLES)[0] for d in (r - g, b - g)]
    diff = np.mean([spam_features(t) for t in diff_tiles], axis=0)
    floor = max(float(noise_floor(t)[1]) for t in diff_tiles)
    reason = None
    if floor > MAX_COLOUR_FLOOR:
        reason = (f"noise-like colour detail (R-G/B-G noise floor {floor:.1f} grey levels squared, more than "
                  "+-1 embedding could add)")
    return {"kind": "color", "features": np.concatenate([own, diff]), "floor": floor, "reason": reason}


def image_features(pixels: np.ndarray) -> tuple[str, np.ndarray] | None:
    """("color" | "gray", features) of an (h, w) or (h, w, 3+) uint8 array, or None when undecidable."""
    a = analyse(pixels)
    if a["kind"] is None or a["reason"] is not None:
        return None
    return a["kind"], a["features"]


def projection(kind: str, features: np.ndarray) -> float:
    """The discriminant's value for that kind of image (clean covers: mean 0, standard deviation 1)."""
    from stegnox_gui.engine.detection import lsbm_model as m

    model = m.MODELS[kind]
    return float((features - np.asarray(model["mean"])) @ np.asarray(model["weights"]))
