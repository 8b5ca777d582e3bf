"""LSB matching (+-1 embedding) detection: features projected on Fisher discriminants trained on clean
photographs vs simulated LSB matching (`lsbm_model.py`, written by benchmarks/train_lsbm.py).

Colour images: SPAM features and residual co-occurrences (`residuals.py`) of the channels and of the colour
differences R-G and B-G: photographs' colour detail is smooth (demosaicing, JPEG chroma subsampling), while
embedding noise is independent in each channel and shows there most.

Gray images have no second channel to compare with. Their features are where +-1 noise shows most: residual
histograms within classes of local activity (smooth areas, where a clean photo's residual is mostly 0 and
+-1 embedding spreads it), SPAM, and residual co-occurrences.

Noise floor and what the detector cannot decide: +-1 embedding adds at most 0.5 to a value's variance
(1.0 to a colour difference). A cover whose flattest areas already carry much more independent noise than
that (noise-like renders, synthetic noise, very noisy sensors) gives the discriminant nothing to go on;
such images are reported as undecidable instead of being judged by a model trained on photographs. So are
gray images whose flat areas lack the +-1 changes that embedding at the estimated rate would put there
(`implausible_rate`): grain and dithering in renders otherwise look like embedding to the gray model.
"""
from __future__ import annotations

import numpy as np

from stegnox_gui.engine.detection.channels import tiles_of, unusable_reason
from stegnox_gui.engine.detection.residuals import activity_histograms, kb_residual, residual_cooccurrence
from stegnox_gui.engine.detection.spam import spam_features

MAX_SAMPLES = 1 << 17  # per channel; the statistics are stable well below this
FLOOR_QUANTILES = (0.02, 0.05, 0.1, 0.25, 0.5)
FLOOR_BLOCK = 8
# Noise floor (5% quantile of the 8 x 8 blocks' residual variance, in squared grey levels) above which the
# detector cannot decide. Calibration covers: colour differences max 0.95 clean, 1.62 with +-1 embedding at
# rate 1; gray/single channels max 2.34 clean. benchmarks/engine_bench.py's synthetic images (noise with
# independent +-3 noise per channel): colour differences ~4.6.
MAX_COLOUR_FLOOR = 2.5
MAX_GRAY_FLOOR = 3.0
# Flat neighbourhoods (four neighbours equal): +-1 embedding at rate r moves about r / 2 of their centres by
# exactly one grey level, whatever the cover. A gray image whose flat areas show far fewer such changes
# than the estimated rate implies makes the discriminant react to something else (grain, dithering or
# scaled values in renders), and the detector cannot decide. Held-out photos with +-1 embedding at 0.4:
# at least 0.20 of flat centres off by one; the synthetic renders over the gray threshold: 0.003-0.05
# (one at 0.19).
MIN_FLAT_SAMPLES = 256
FLAT_CHANGES_PER_RATE = 0.25
MIN_CHECKED_RATE = 0.1  # the gray model sees almost nothing below this, so a strong reaction implies more


def noise_floor(tiles: np.ndarray) -> np.ndarray:
    """Quantiles FLOOR_QUANTILES of the residual variance of 8 x 8 blocks, scaled to the variance of white
    noise (the predictor's residual has 2.25 times the variance of white noise in the values)."""
    r = kb_residual(tiles.astype(np.float32)) ** 2 / 2.25
    n, h, w = r.shape
    b = FLOOR_BLOCK
    if h < b or w < b:
        return np.quantile(r.ravel(), FLOOR_QUANTILES)
    blocks = r[:, : h // b * b, : w // b * b].reshape(n, h // b, b, w // b, b).mean(axis=(2, 4))
    return np.quantile(blocks.ravel(), FLOOR_QUANTILES)


def flat_changes(tiles: np.ndarray) -> tuple[int, float]:
    """(number of flat neighbourhoods, fraction of their centres exactly one grey level off) of (n, h, w)
    int16 tiles."""
    c = tiles[:, 1:-1, 1:-1]
    left, right, up, down = tiles[:, 1:-1, :-2], tiles[:, 1:-1, 2:], tiles[:, :-2, 1:-1], tiles[:, 2:, 1:-1]
    flat = (left == right) & (up == down) & (left == up)
    n = int(np.count_nonzero(flat))
    return n, float(np.count_nonzero(np.abs(c - left)[flat] == 1)) / max(1, n)


def implausible_rate(analysis: dict, rate: float) -> str | None:
    """Why +-1 embedding at `rate` cannot explain a gray image's discriminant (its flat areas lack the
    changes it would make), or None. Colour images and images with few flat areas are not checked."""
    n, changed = analysis.get("flat") or (0, 0.0)
    rate = max(rate, MIN_CHECKED_RATE)
    if n < MIN_FLAT_SAMPLES or changed >= FLAT_CHANGES_PER_RATE * rate:
        return None
    return (f"the statistics react to something other than +-1 embedding: {changed:.1%} of flat areas' pixels "
            f"are one grey level off, where embedding at {rate:.2f} bits per value or more would make about "
            f"{rate / 2:.0%}")


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
        feats = np.concatenate([activity_histograms(tiles), spam_features(tiles), residual_cooccurrence(tiles)])
        reason = None
        if floor[1] > MAX_GRAY_FLOOR:
            reason = (f"noise-like image (noise floor {floor[1]:.1f} grey levels squared, far more than +-1 "
                      "embedding adds)")
        return {"kind": "gray", "features": feats, "floor": float(floor[1]), "reason": reason,
                "flat": flat_changes(tiles)}
    chans = [pixels[..., i] for i in range(3)]
    for c in chans:
        reason = unusable_reason(c)
        if reason is not None:
            return {"kind": None, "features": None, "floor": None, "reason": reason}
    own_tiles = [tiles_of(c, MAX_SAMPLES)[0] for c in chans]  # int16, the same tile grid for each channel
    r, g, b = own_tiles
    diff_tiles = [r - g, b - g]
    # SPAM of the channels and of the differences, then residual co-occurrences of both, each averaged
    feats = [np.mean([f(t) for t in group], axis=0)
             for f in (spam_features, residual_cooccurrence) for group in (own_tiles, diff_tiles)]
    floor = max(float(noise_floor(t)[1]) for t in diff_tiles)
    reason = None
    if floor > MAX_COLOUR_FLOOR:
        reason = (f"noise-like colour detail (R-G/B-G noise floor {floor:.1f} grey levels squared, more than "
                  "+-1 embedding could add)")
    return {"kind": "color", "features": np.concatenate(feats), "floor": floor, "reason": reason}


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
