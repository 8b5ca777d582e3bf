"""Images the detectors cannot judge (flat, gradients, screenshots, tiny, saturated, noise, JPEG, palette)
give honest 'cannot decide' or clean statistics: never NaN, never a false alarm."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from stegnox_gui.engine import verdict
from stegnox_gui.engine.detection.simulate import lsb_replace
from stegnox_gui.engine.image_data import load_image
from stegnox_gui.engine.method import RunContext
from stegnox_gui.engine.methods import chi_square, lsb_matching, rs_analysis, sample_pairs, weighted_stego
from tests.detect_helpers import clean_pngs, cover_array

DETECTORS = [chi_square.METHOD, rs_analysis.METHOD, sample_pairs.METHOD, weighted_stego.METHOD, lsb_matching.METHOD]


def _screenshot(w: int = 320, h: int = 240) -> Image.Image:
    img = Image.new("RGB", (w, h), (236, 236, 236))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w, 22], fill=(30, 60, 140))
    for y in range(34, h - 8, 14):
        d.text((8, y), "File  Edit  View  0123456789 the quick brown fox", fill=(10, 10, 10))
    d.line([0, h - 1, w - 1, 24], fill=(220, 0, 0), width=2)
    return img


def _gradient(w: int = 384, h: int = 256) -> Image.Image:
    x = np.linspace(0, 255, w)[None, :].repeat(h, 0)
    y = np.linspace(0, 255, h)[:, None].repeat(w, 1)
    return Image.fromarray(np.stack([x, y, (x + y) / 2], -1).astype(np.uint8))


def _saturated() -> Image.Image:
    rng = np.random.default_rng(1)
    a = np.clip(rng.normal(250, 20, (256, 256, 3)), 0, 255).astype(np.uint8)
    return Image.fromarray(a)


def _photo_doubled() -> Image.Image:  # values scaled by two: an unnatural, all-even LSB plane
    a = cover_array(clean_pngs("RGB")[0]).astype(np.int32)
    return Image.fromarray(np.clip(a // 2 * 2, 0, 255).astype(np.uint8))


def _noise() -> Image.Image:
    return Image.fromarray(np.random.default_rng(2).integers(0, 256, (256, 256, 3), dtype=np.uint8))


CASES = {
    "flat_white": lambda: Image.new("RGB", (256, 256), "white"),
    "flat_black_gray": lambda: Image.new("L", (300, 200), 0),
    "gradient": _gradient,
    "screenshot": _screenshot,
    "tiny_1x1": lambda: Image.new("RGB", (1, 1), (1, 2, 3)),
    "tiny_5x7": lambda: Image.fromarray(np.arange(105, dtype=np.uint8).reshape(5, 7, 3)),
    "small_40x40": lambda: Image.fromarray(np.random.default_rng(3).integers(90, 110, (40, 40, 3), dtype=np.uint8)),
    "saturated": _saturated,
    "doubled_values": _photo_doubled,
    "noise": _noise,
    "rgba_flat_alpha": lambda: Image.new("RGBA", (128, 128), (10, 200, 30, 0)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_nan_and_no_false_alarm(case, tmp_path):
    path = tmp_path / f"{case}.png"
    CASES[case]().save(path)
    image = load_image(path)
    findings = []
    for m in DETECTORS:
        if m.applies_to(image):
            findings += m.run(image, RunContext())
    for f in findings:
        json.dumps(f.data, allow_nan=False)  # raises on NaN/inf
        assert not f.hidden, (case, f.summary)
        assert 0.0 <= f.confidence <= 1.0
    v = verdict.fuse(findings)
    assert v.verdict == "clean", (case, v.message)


def test_undecided_detector_says_why(tmp_path):
    path = tmp_path / "flat.png"
    Image.new("RGB", (256, 256), (128, 128, 128)).save(path)
    f = weighted_stego.METHOD.run(load_image(path), RunContext())[0]
    assert not f.data["decided"] and "cannot decide" in f.summary and "flat" in f.summary
    assert f.data["payload_bpc"] is None


def test_decoded_jpeg_is_reported_but_never_alarms(tmp_path):
    arr = lsb_replace(cover_array(clean_pngs("RGB")[1]), 0.4, seed=1)  # LSBs do not survive JPEG anyway
    path = tmp_path / "photo.jpg"
    Image.fromarray(arr).save(path, quality=95)
    image = load_image(path)
    findings = [f for m in DETECTORS for f in m.run(image, RunContext())]
    assert all(not f.hidden for f in findings)
    assert all(f.data.get("lossy_source") for f in findings)
    assert verdict.fuse(findings).verdict == "clean"


def test_palette_images_are_skipped(tmp_path):
    path = tmp_path / "pal.png"
    Image.fromarray(cover_array(clean_pngs("RGB")[0])).quantize(64).save(path)
    image = load_image(path)
    assert all(not m.applies_to(image) for m in DETECTORS)


def test_large_images_are_sampled_and_still_estimated(tmp_path):
    base = cover_array(clean_pngs("RGB")[0])
    big = np.tile(base, (4, 4, 1))[:1100, :1000]
    big = lsb_replace(big, 0.2, seed=4)
    path = tmp_path / "big.png"
    Image.fromarray(big).save(path)
    f = weighted_stego.METHOD.run(load_image(path), RunContext())[0]
    assert f.data["sampled"] and f.data["samples"] <= 1 << 19
    assert f.hidden and abs(f.data["payload_bpc"] - 0.2) < 0.06
