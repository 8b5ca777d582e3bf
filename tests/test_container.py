"""parse_container: PNG chunks, JPEG segments, GIF blocks, BMP fields, end offsets; never raises."""
from __future__ import annotations

import io
import os
import struct

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from stegnox_gui.engine.container import parse_container
from stegnox_gui.engine.payload.signatures import match_at, scan


def _img(fmt: str, size=(40, 30), **kw) -> bytes:
    rng = np.random.default_rng(5)
    arr = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, fmt, **kw)
    return buf.getvalue()


def test_png_chunks_crc_and_end():
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "GIMP 2.10")
    raw = _img("PNG", pnginfo=info)
    c = parse_container(raw + b"tail", "PNG")
    assert [p.name for p in c.chunks][0] == "IHDR" and c.chunks[-1].name == "IEND"
    assert all(p.crc_ok for p in c.chunks)
    assert c.end_offset == len(raw) and c.trailing == b"tail" and c.complete
    assert c.header["width"] == 40 and c.header["height"] == 30
    text = c.find("tEXt")[0]
    assert text.data(c.raw) == b"Software\x00GIMP 2.10"
    inflated = c.png_inflate()
    assert inflated.complete and inflated.size == c.png_expected_size() == 30 * (1 + 40 * 3)
    assert inflated.beyond == b"" and inflated.extra_compressed == b""
    assert c.png_inflate() is inflated  # decompressed once, cached


def test_png_bad_crc_is_recorded_not_fatal():
    raw = bytearray(_img("PNG"))
    raw[29] ^= 0xFF  # inside IHDR's CRC
    c = parse_container(bytes(raw), "PNG")
    assert c.chunks[0].crc_ok is False
    assert any("CRC error in chunk IHDR" in p for p in c.problems)
    assert c.complete


def test_jpeg_segments_end_at_the_real_eoi():
    raw = _img("JPEG", quality=80)
    c = parse_container(raw + b"\xff\xd9appended", "JPEG")
    names = [p.name for p in c.segments]
    assert names[0] == "SOI" and "SOS" in names and names[-1] == "EOI"
    assert c.end_offset == len(raw) and c.trailing == b"\xff\xd9appended"
    assert c.header["width"] == 40 and c.header["height"] == 30
    assert c.pixel_ranges and c.pixel_ranges[0][1] > 0


def test_jpeg_bytes_between_segments_are_gaps():
    raw = _img("JPEG", quality=80)
    # Insert junk after the APP0 segment (SOI + APP0 of length 16).
    app0_end = 2 + 2 + struct.unpack(">H", raw[4:6])[0]
    junk = b"hidden between segments"
    c = parse_container(raw[:app0_end] + junk + raw[app0_end:], "JPEG")
    assert c.gaps == [(app0_end, len(junk))]
    assert c.complete


def test_gif_blocks_and_comment():
    buf = io.BytesIO()
    Image.fromarray(np.zeros((10, 12, 3), np.uint8)).save(buf, "GIF", comment=b"hello comment")
    raw = buf.getvalue()
    c = parse_container(raw + b"after", "GIF")
    names = [p.name for p in c.blocks]
    assert "comment" in names and "image" in names and names[-1] == "trailer"
    assert c.end_offset == len(raw) and c.complete


def test_bmp_fields_and_end():
    raw = _img("BMP")
    c = parse_container(raw + b"appended", "BMP")
    assert c.header["bf_size"] == len(raw) and c.header["width"] == 40
    assert c.end_offset == len(raw) and c.trailing == b"appended"


def test_garbage_and_truncation_never_raise():
    rng = np.random.default_rng(1)
    samples = [_img("PNG"), _img("JPEG"), _img("GIF"), _img("BMP")]
    for fmt, raw in zip(("PNG", "JPEG", "GIF", "BMP"), samples):
        for cut in (0, 1, 5, 13, 30, len(raw) // 2, len(raw) - 1):
            c = parse_container(raw[:cut], fmt)
            assert 0 <= c.end_offset <= cut
            c.png_inflate()
        for _ in range(20):
            junk = bytearray(raw)
            for pos in rng.integers(0, len(raw), 20):
                junk[pos] = rng.integers(0, 256)
            parse_container(bytes(junk), fmt).png_inflate()
        parse_container(os.urandom(3000), fmt)
    assert parse_container(b"", "PNG").problems


def test_truncated_idat_keeps_what_decompressed():
    raw = _img("PNG", size=(200, 200))
    c = parse_container(raw[: len(raw) // 2], "PNG")
    inflated = c.png_inflate()
    assert not inflated.complete and 0 < inflated.size < 200 * 601 and inflated.error


def test_webp_chunks_and_garbage():
    buf = io.BytesIO()
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(buf, "WEBP")
    raw = buf.getvalue()
    c = parse_container(raw + b"xx", "WEBP")
    assert c.complete and c.end_offset == len(raw) and c.parts[1].name.startswith("VP8")
    for cut in (0, 4, 11, 20, len(raw) - 1):
        assert not parse_container(raw[:cut], "WEBP").complete
    parse_container(os.urandom(100), "WEBP")

_PREFIXES = [b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a", b"BM", b"PK\x03\x04", b"RIFF", b"\x1f\x8b\x08",
             b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07\x00", b"OggS\x00", b"ID3", b"SQLite format 3\x00", b"\x7fELF", b"MZ"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_PREFIXES), st.binary(max_size=600), st.sampled_from(["PNG", "JPEG", "GIF", "BMP", "WEBP"]))
def test_arbitrary_bytes_never_break_the_parsers(prefix, body, fmt):
    data = prefix + body
    c = parse_container(data, fmt)
    assert 0 <= c.end_offset <= len(data)
    c.png_inflate()
    hit = match_at(data, 0)
    assert hit is None or 0 < hit.length <= len(data)
    for h in scan(data):
        assert 0 <= h.offset and h.end <= len(data)
