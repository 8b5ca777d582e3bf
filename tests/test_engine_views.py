"""engine/views.py: the images people look at (bit planes, LSB-enhanced, histograms, ...)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from natural_covers import embed, natural_rgb
from stegnox_gui.engine import views
from stegnox_gui.engine.image_data import load_image


@pytest.fixture
def rgb_image(tmp_path):
    path = tmp_path / "c.png"
    Image.fromarray(natural_rgb(40, 50, seed=9)).save(path)
    return load_image(path)


def test_bit_plane_is_zero_or_255_and_matches_the_bits(rgb_image) -> None:
    r = rgb_image.channels["r"]
    for bit in (0, 3, 7):
        plane = views.channel_plane(rgb_image, "r", bit)
        assert plane.shape == r.shape and plane.dtype == np.uint8
        assert set(np.unique(plane)) <= {0, 255}
        assert np.array_equal(plane == 255, (r >> bit) & 1 == 1)
    assert np.array_equal(views.channel_plane(rgb_image, "g"), rgb_image.channels["g"])


def test_lsb_enhanced_shows_an_embedded_block(tmp_path) -> None:
    arr = natural_rgb(64, 64, seed=10)
    channels = {n: arr[..., i].copy() for i, n in enumerate("rgb")}
    embed(channels, b"\xff" * 48)  # the first 128 pixels' LSBs all set
    path = tmp_path / "s.png"
    Image.merge("RGB", [Image.fromarray(channels[c]) for c in "rgb"]).save(path)
    enhanced = views.lsb_enhanced(load_image(path))
    assert enhanced.shape == (64, 64, 3)
    assert (enhanced[:2] == 255).all()  # the embedded rows are uniformly white
    assert set(np.unique(enhanced)) == {0, 255}


def test_histograms_count_every_pixel(rgb_image) -> None:
    hists = views.histograms(rgb_image)
    assert set(hists) == {"r", "g", "b"}
    for name, h in hists.items():
        assert h.shape == (256,) and h.sum() == 40 * 50
        assert np.array_equal(h, np.bincount(rgb_image.channels[name].ravel(), minlength=256))


def test_palette_gray_and_errors(tmp_path) -> None:
    pal = Image.fromarray(natural_rgb(30, 30, seed=11)).quantize(16)
    pal.save(tmp_path / "p.png")
    image = load_image(tmp_path / "p.png")
    assert "index" in views.available_channels(image)
    assert views.histograms(image)["index"][16:].sum() == 0
    assert views.color_map(image, "index").shape == (30, 30, 3)
    Image.fromarray(natural_rgb(30, 30, seed=12)[..., 0]).save(tmp_path / "g.png")
    gray = load_image(tmp_path / "g.png")
    assert views.lsb_enhanced(gray).shape == (30, 30, 3)
    assert np.array_equal(views.inverted(gray)[..., 0], 255 - gray.channels["gray"])
    with pytest.raises(ValueError, match="No channel"):
        views.channel_plane(gray, "r")
    with pytest.raises(ValueError):
        views.channel_plane(gray, "gray", 8)
