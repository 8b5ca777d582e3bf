"""detection_views: plain data for the GUI's chi-square curve and payload-estimate plots."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from stegnox_gui.engine.detection.simulate import lsb_replace
from stegnox_gui.engine.detection_views import chi_square_curve, payload_estimates
from stegnox_gui.engine.image_data import load_image
from tests.detect_helpers import clean_pngs, cover_array


@pytest.fixture
def seq_image(tmp_path):
    arr = lsb_replace(cover_array(clean_pngs("RGB")[0]), 0.3, seed=1, sequential=True)
    path = tmp_path / "seq.png"
    Image.fromarray(arr).save(path)
    return load_image(path)


def test_chi_square_curve_shows_where_a_sequential_message_ends(seq_image):
    c = chi_square_curve(seq_image)
    json.dumps(c, allow_nan=False)
    assert set(c["channels"]) == {"r", "g", "b"} and len(c["x"]) == 100
    assert c["x"][0] > 0 and c["x"][-1] == 1.0
    for p in c["channels"].values():
        assert len(p) == len(c["x"])
        inside = [v for x, v in zip(c["x"], p) if 0.05 <= x <= 0.25]
        assert min(inside) > 0.05  # equalised pairs while inside the message
        assert p[-1] < 1e-3  # the clean remainder rejects equal pairs


def test_chi_square_curve_for_one_channel_and_unknown_channel(seq_image):
    assert set(chi_square_curve(seq_image, "g")["channels"]) == {"g"}
    with pytest.raises(ValueError, match="No channel"):
        chi_square_curve(seq_image, "a")


def test_payload_estimates_per_channel_and_detector(seq_image):
    est = payload_estimates(seq_image)
    json.dumps(est, allow_nan=False)
    for ch in "rgb":
        row = est["channels"][ch]
        assert set(row) == {"rs", "spa", "ws"}
        assert all(0.15 < v < 0.45 for v in row.values()), row
    lsbm = est["lsb_matching"]
    assert lsbm["decisive"] and isinstance(lsbm["projection"], float) and lsbm["threshold"] > 0


def test_payload_estimates_explain_undecided_channels(tmp_path):
    path = tmp_path / "flat.png"
    Image.new("L", (200, 200), 7).save(path)
    est = payload_estimates(load_image(path))
    assert est["channels"]["gray"] == {"rs": None, "spa": None, "ws": None}
    assert "flat" in est["reasons"]["gray"] or "saturated" in est["reasons"]["gray"]
