"""engine/jpeg_dct.py against libjpeg (through Pillow), and the stegpy JPEG layout."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from scipy.fft import idctn

from natural_covers import natural_gray, natural_rgb
from stegnox_gui.engine.jpeg_dct import UnsupportedJpeg, read_dct
from stegnox_gui.engine.methods.dct_payload import stegpy_stream

ZIGZAG = np.array([0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27,
                   20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58,
                   59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63])


def _jpeg(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", **kw)
    return buf.getvalue()


def _reconstruct(coefs: np.ndarray, q: np.ndarray, h: int, w: int) -> np.ndarray:
    natural = np.zeros(coefs.shape[:2] + (64,))
    natural[..., ZIGZAG] = coefs * q
    blocks = idctn(natural.reshape(coefs.shape[:2] + (8, 8)), axes=(2, 3), norm="ortho") + 128
    full = blocks.transpose(0, 2, 1, 3).reshape(coefs.shape[0] * 8, coefs.shape[1] * 8)
    return np.clip(np.round(full[:h, :w]), 0, 255)


def _luma_of(raw: bytes) -> np.ndarray:
    img = Image.open(io.BytesIO(raw))
    if img.mode != "L":
        img.draft("YCbCr", img.size)
        img = img.convert("YCbCr") if img.mode != "YCbCr" else img
        return np.asarray(img, dtype=float)[..., 0]
    return np.asarray(img, dtype=float)


@pytest.mark.parametrize("case", ["gray", "color420", "color444", "restarts", "odd_size"])
def test_coefficients_rebuild_libjpegs_pixels(case) -> None:
    h, w = (77, 101) if case == "odd_size" else (96, 128)
    if case == "gray":
        raw = _jpeg(Image.fromarray(natural_gray(h, w, seed=1)), quality=85)
    else:
        kw = {"quality": 80, "subsampling": 0 if case == "color444" else 2}
        if case == "restarts":
            kw["restart_marker_blocks"] = 3
        raw = _jpeg(Image.fromarray(natural_rgb(h, w, seed=2)), **kw)
    dct = read_dct(raw)
    assert dct.complete and (dct.width, dct.height) == (w, h)
    y = dct.components[0]
    rebuilt = _reconstruct(y.coefs, dct.qtables[y.tq], h, w)
    assert np.abs(rebuilt - _luma_of(raw)).max() <= 2


def test_early_stop_decodes_the_first_blocks_only() -> None:
    raw = _jpeg(Image.fromarray(natural_rgb(256, 256, seed=3)), quality=90)
    full = read_dct(raw)
    head = read_dct(raw, max_blocks=5)
    assert not head.complete
    assert np.array_equal(head.components[0].coefs[0, :5], full.components[0].coefs[0, :5])
    assert not head.components[0].coefs[-1].any()


def test_progressive_and_junk_are_refused() -> None:
    raw = _jpeg(Image.fromarray(natural_rgb(64, 64, seed=4)), progressive=True)
    with pytest.raises(UnsupportedJpeg):
        read_dct(raw)
    with pytest.raises(UnsupportedJpeg):
        read_dct(b"GIF89a....")


def _stegpy_set(coeff: int, value: int, bits: int) -> int:
    """stegpy's rule: the nearest coefficient magnitude whose low bits hold `value` (never 0 unless value is 0)."""
    modulus = 1 << bits
    sign = -1 if coeff < 0 else 1
    a = abs(coeff)
    if a == 0 and value == 0:
        return 0
    lower = a - ((a - value) % modulus) if a >= value else value
    candidates = [lower, lower + modulus]
    if value:
        candidates = [c if c else c + modulus for c in candidates]
    return sign * min(candidates, key=lambda c: (abs(c - a), c))


@pytest.mark.parametrize("bits", [1, 2, 4])
def test_stegpy_layout_reads_back(bits) -> None:
    dct = read_dct(_jpeg(Image.fromarray(natural_rgb(64, 64, seed=5)), quality=90))
    message = b"stegv3" + (23).to_bytes(4, "big") + b"\x00" + b"Hidden in the DCT, yes."
    chunks = [(byte >> (bits * i)) & ((1 << bits) - 1) for byte in message for i in range(8 // bits)]
    carriers = [(c, by, bx, k) for c, comp in enumerate(dct.components)
                for by in range(comp.blocks_h) for bx in range(comp.blocks_w) for k in range(1, 64)]
    comps = dct.components
    c, by, bx, k = carriers[0]
    comps[c].coefs[by, bx, k] = _stegpy_set(int(comps[c].coefs[by, bx, k]), {1: 0, 2: 1, 4: 2}[bits], 2)
    for (c, by, bx, k), value in zip(carriers[1:], chunks):
        comps[c].coefs[by, bx, k] = _stegpy_set(int(comps[c].coefs[by, bx, k]), value, bits)
    stream, found_bits = stegpy_stream(dct, len(message))
    assert found_bits == bits and stream == message


def _jsteg_embed(blocks: list[list[int]], data: bytes) -> None:
    """Set the LSB of luminance AC coefficients with |value| > 1, first bit of each byte first (bit 0)."""
    bits = [(byte >> i) & 1 for byte in data for i in range(8)]
    pos = 0
    for block in blocks:
        for k in range(1, 64):
            v = block[k]
            if pos < len(bits) and (v < -1 or v > 1):
                nv = (v & ~1) | bits[pos]
                block[k] = -3 if nv == -1 else nv  # keep |value| > 1 so the reader sees the carrier
                pos += 1
    assert pos == len(bits), "cover too small"


def test_jsteg_stream_and_method() -> None:
    from stegnox_gui.engine.methods.dct_payload import METHOD, jsteg_stream

    raw = _jpeg(Image.fromarray(natural_rgb(256, 256, seed=6)), quality=95)
    head = read_dct(raw, record_order=True)
    assert len(head.decode_order) == head.components[0].blocks_w * head.components[0].blocks_h
    secret = b"The meeting point is the third pier; bring the red umbrella."
    _jsteg_embed(head.decode_order, b"jsteg" + len(secret).to_bytes(4, "little") + secret)
    assert jsteg_stream(head.decode_order).startswith(b"jsteg")
    found = METHOD._jsteg(raw, head)
    assert found is not None and found.payload == secret and found.params["header"] == "jsteg"

    clean = read_dct(raw, record_order=True)
    assert METHOD._jsteg(raw, clean) is None


def test_jsteg_without_framing_finds_text() -> None:
    from stegnox_gui.engine.methods.dct_payload import METHOD

    raw = _jpeg(Image.fromarray(natural_rgb(256, 256, seed=7)), quality=95)
    head = read_dct(raw, record_order=True)
    secret = b"Library use of jsteg leaves no header: this sentence is all there is."
    _jsteg_embed(head.decode_order, secret + b"\x00")
    found = METHOD._jsteg(raw, head)
    assert found is not None and found.payload == secret and found.kind == "text"
