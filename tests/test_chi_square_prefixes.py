"""The chi-square attack's prefix histograms, the counts behind its sequential-run estimate and p-value
curve."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st


@given(h=st.integers(1, 40), w=st.integers(1, 40), points=st.integers(1, 200), seed=st.integers(0, 2**16))
@settings(max_examples=60, deadline=None)
def test_column_order_prefix_histograms_match_a_transposed_scan(h, w, points, seed):
    """The chi-square prefixes in column order ("yx") count exactly what a scan of the transposed channel
    would, at every prefix length (they are computed without transposing)."""
    from stegnox_gui.engine.detection.chi_square import prefix_histograms

    arr = np.random.default_rng(seed).integers(0, 256, (h, w), dtype=np.uint8)
    got = prefix_histograms(arr, "yx", points)
    flat = arr.T.ravel()
    n = min(points, flat.size)
    bounds = np.arange(1, n + 1) * flat.size // n
    want = np.stack([np.bincount(flat[:b], minlength=256) for b in bounds])
    assert np.array_equal(got, want)
    assert np.array_equal(prefix_histograms(arr, "xy", points)[-1], np.bincount(arr.ravel(), minlength=256))
