"""Decision thresholds of the LSB detectors, fitted on clean natural photographs (never on the test corpus).

How they were obtained: `benchmarks/make_covers.py --seed 7` built 240 calibration covers (random
crops 240-1024 px of 17 Debian wallpaper photographs, prescaled 0.35-0.9 with Lanczos; 60% RGB, 20% gray,
20% JPEG-decoded pixels saved as PNG) and 36 synthetic images; `benchmarks/calibrate_detectors.py` ran
every detector on them, and on 128 x 128 crops of them for the small-image noise. A detector's image-level
payload estimate is the mean of its channel estimates; the thresholds below sit above the largest clean
value seen (99.9th percentile and more), for images of REFERENCE_SAMPLES values per channel; smaller
images scale them up by sqrt(REFERENCE_SAMPLES / samples), since the estimators' noise grows that way.

Clean covers (240, channel-mean estimate, bits per channel value):
  WS  mean -0.004  99th pct 0.006  max 0.010      RS  mean 0.007  99th pct 0.04  max 0.05
  SPA mean 0.016   99th pct 0.10   max 0.11
"""
from __future__ import annotations

import math

REFERENCE_SAMPLES = 65536  # 256 x 256 values per channel

# image-level payload (bpc) above which a detector alone calls the image stego / suspicious
HIDDEN = {"ws": 0.04, "rs": 0.08, "spa": 0.14}
SUSPICIOUS = {"ws": 0.025, "rs": 0.055, "spa": 0.10}
# fused estimate min(WS, mean(RS, SPA)): all must agree. On clean covers RS and SPA err together (same
# pair statistics) while WS stays tight, so the minimum keeps WS's precision and needs RS/SPA's consent.
# Clean: max 0.015 (99th pct 0.0095) at full size, max 0.08 (99.9th pct 0.071) on 128 px crops.
FUSED_HIDDEN = 0.035
FUSED_SUSPICIOUS = 0.025

# chi-square locates sequential embedding: a prefix is only trusted when it holds at least this many
# values per channel, and the WS estimate on that prefix confirms it (HIDDEN["ws"] scaled to its size).
CHI_MIN_RUN_SAMPLES = 2048


def size_factor(samples: int) -> float:
    """How much the thresholds grow for an image with fewer values per channel than the reference."""
    return max(1.0, math.sqrt(REFERENCE_SAMPLES / max(1, samples)))


def hidden_threshold(detector: str, samples: int) -> float:
    return HIDDEN[detector] * size_factor(samples)


def suspicious_threshold(detector: str, samples: int) -> float:
    return SUSPICIOUS[detector] * size_factor(samples)
