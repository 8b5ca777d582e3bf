"""Structure methods (PNG, JPEG, BMP) and embedded files: each layout recovers its payload exactly,
clean files stay clean, and damaged or garbage files never raise out of a method."""
from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stegnox_gui.engine.image_data import load_image
from stegnox_gui.engine.method import RunContext
from stegnox_gui.engine.methods import (bmp_structure, embedded, gif_structure, jpeg_structure, metadata,
                                        png_structure, trailing)

MESSAGE = b"The spare fuse is in locker nineteen, behind the red towels, until Sunday."
METHODS = [metadata.METHOD, trailing.METHOD, png_structure.METHOD, jpeg_structure.METHOD, bmp_structure.METHOD,
           embedded.METHOD, gif_structure.METHOD]


def _array(w: int = 64, h: int = 48) -> np.ndarray:
    rng = np.random.default_rng(4)
    y, x = np.mgrid[0:h, 0:w]
    base = 120 + 60 * np.sin(x / 8.0) * np.cos(y / 6.0) + rng.normal(0, 4, (h, w))
    return np.clip(np.stack([base, base * 0.6 + 50, 250 - base], -1), 0, 255).astype(np.uint8)


def _save(fmt: str, arr: np.ndarray | None = None, **kw) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(_array() if arr is None else arr).save(buf, fmt, **kw)
    return buf.getvalue()


def _chunk(ctype: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", zlib.crc32(ctype + data))


def _png_with(extra_chunks: bytes = b"", idat: bytes | None = None, arr: np.ndarray | None = None) -> bytes:
    arr = _array() if arr is None else arr
    h, w = arr.shape[:2]
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    rows = b"".join(b"\x00" + arr[y].tobytes() for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + ihdr + extra_chunks + _chunk(b"IDAT", idat if idat is not None else zlib.compress(rows))
            + _chunk(b"IEND", b""))


def _run(tmp_path: Path, data: bytes, ext: str, method) -> list:
    path = tmp_path / f"f.{ext}"
    path.write_bytes(data)
    image = load_image(path)
    return method.run(image, RunContext()) if method.applies_to(image) else []


def _hidden(findings):
    return [f for f in findings if f.hidden]


# -------------------------------------------------------------------------------------------- PNG

@pytest.mark.parametrize("fix_crc", [False, True])
def test_png_lowered_height_reveals_the_hidden_rows(tmp_path, fix_crc):
    arr = _array(64, 60)
    arr[48:] = [255, 0, 0]  # the rows to hide: pure red
    raw = bytearray(_save("PNG", arr))
    struct.pack_into(">I", raw, 20, 48)  # IHDR height 60 -> 48
    if fix_crc:
        struct.pack_into(">I", raw, 29, zlib.crc32(bytes(raw[12:29])))
    found = _hidden(_run(tmp_path, bytes(raw), "png", png_structure.METHOD))
    assert len(found) == 1
    f = found[0]
    assert f.summary.startswith("IHDR height 48 hides 12 rows: true size 64x60")
    assert f.detected_type == "png" and f.confidence >= 0.9
    restored = np.asarray(Image.open(io.BytesIO(f.payload)).convert("RGB"))
    assert restored.shape == (60, 64, 3) and (restored[48:] == [255, 0, 0]).all()
    assert (restored == arr).all()


def test_png_lowered_width_is_recovered(tmp_path):
    raw = bytearray(_save("PNG", _array(64, 48)))
    struct.pack_into(">I", raw, 16, 60)
    struct.pack_into(">I", raw, 29, zlib.crc32(bytes(raw[12:29])))
    found = _hidden(_run(tmp_path, bytes(raw), "png", png_structure.METHOD))
    assert found and found[0].params["true_width"] == 64 and found[0].params["true_height"] == 48


def test_png_private_chunk_with_text(tmp_path):
    data = _png_with(_chunk(b"msGs", MESSAGE))
    found = _hidden(_run(tmp_path, data, "png", png_structure.METHOD))
    assert found[0].payload == MESSAGE and found[0].confidence >= 0.9 and found[0].params["chunk"] == "msGs"


def test_png_private_chunk_with_a_zip_and_binary(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", MESSAGE)
    blob = np.random.default_rng(2).integers(0, 256, 100, dtype=np.uint8).tobytes()
    data = _png_with(_chunk(b"zipD", buf.getvalue()) + _chunk(b"raNd", blob))
    found = {f.params["chunk"]: f for f in _hidden(_run(tmp_path, data, "png", png_structure.METHOD))}
    assert found["zipD"].detected_type == "zip" and found["zipD"].payload == buf.getvalue()
    assert found["raNd"].payload == blob and 0.5 <= found["raNd"].confidence < 0.8
    # embedded leaves a file at a private chunk's start to png_structure (no double report)
    assert not _hidden(_run(tmp_path, data, "png", embedded.METHOD))


def test_png_extra_zlib_stream_after_image_data(tmp_path):
    arr = _array()
    rows = b"".join(b"\x00" + arr[y].tobytes() for y in range(arr.shape[0]))
    data = _png_with(idat=zlib.compress(rows) + zlib.compress(MESSAGE))
    found = _hidden(_run(tmp_path, data, "png", png_structure.METHOD))
    assert found[0].payload == MESSAGE and "after the end of the compressed image data" in found[0].summary


def test_png_extra_scanline_bytes(tmp_path):
    arr = _array()
    rows = b"".join(b"\x00" + arr[y].tobytes() for y in range(arr.shape[0]))
    data = _png_with(idat=zlib.compress(rows + MESSAGE))
    found = _hidden(_run(tmp_path, data, "png", png_structure.METHOD))
    assert found[0].payload == MESSAGE


def test_png_bad_crc_on_a_chunk_is_suspicious(tmp_path):
    data = bytearray(_png_with(_chunk(b"tEXt", b"Software\x00GIMP")))
    pos = data.find(b"tEXt")
    data[pos + 4 + 13] ^= 1
    found = _hidden(_run(tmp_path, bytes(data), "png", png_structure.METHOD))
    assert len(found) == 1 and 0.5 <= found[0].confidence < 0.8 and "CRC" in found[0].summary


def test_known_private_chunks_are_information(tmp_path):
    data = _png_with(_chunk(b"vpAg", b"\x00" * 9))
    findings = _run(tmp_path, data, "png", png_structure.METHOD)
    assert findings and not _hidden(findings)


# ------------------------------------------------------------------------------------------- JPEG

def _with_segment(jpeg: bytes, marker: int, body: bytes) -> bytes:
    return jpeg[:2] + bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body + jpeg[2:]


def test_jpeg_unusual_app_segment_with_text(tmp_path):
    data = _with_segment(_save("JPEG", quality=85), 0xE9, b"NOTE\x00" + MESSAGE)
    found = _hidden(_run(tmp_path, data, "jpg", jpeg_structure.METHOD))
    assert found and MESSAGE in found[0].payload and found[0].confidence >= 0.9


def test_jpeg_bytes_between_segments(tmp_path):
    jpeg = _save("JPEG", quality=85)
    app0_end = 4 + struct.unpack(">H", jpeg[4:6])[0]
    data = jpeg[:app0_end] + MESSAGE + jpeg[app0_end:]
    found = _hidden(_run(tmp_path, data, "jpg", jpeg_structure.METHOD))
    assert found[0].payload == MESSAGE and found[0].params["offset"] == app0_end


def test_jpeg_f5_trace_and_quality_info(tmp_path):
    data = _save("JPEG", quality=80, comment=b"JPEG Encoder Copyright 1998, James R. Weeks and BioElectroMech.")
    findings = _run(tmp_path, data, "jpg", jpeg_structure.METHOD)
    assert any(f.hidden and "F5" in f.summary for f in findings)
    info = [f for f in findings if not f.hidden and f.params.get("quality_estimate")]
    assert info and info[0].params["quality_estimate"] == 80


def test_clean_jpeg_and_thumbnail_are_not_hidden(tmp_path):
    thumb = _save("JPEG", _array(32, 24), quality=60)
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    tiff = exif.tobytes()
    body = (tiff if tiff.startswith(b"Exif") else b"Exif\x00\x00" + tiff) + thumb
    data = _with_segment(_save("JPEG", quality=90), 0xE1, body)
    for method in METHODS:
        assert not _hidden(_run(tmp_path, data, "jpg", method)), method.name
    info = [f for f in _run(tmp_path, data, "jpg", embedded.METHOD) if not f.hidden]
    assert info and info[0].payload == thumb


def test_file_embedded_inside_a_comment(tmp_path):
    inner = _save("PNG", _array(16, 12))
    data = _save("JPEG", quality=85, comment=b"see attached: " + inner + b" end")
    found = _hidden(_run(tmp_path, data, "jpg", embedded.METHOD))
    assert found[0].detected_type == "png" and found[0].payload == inner and found[0].confidence >= 0.9


# -------------------------------------------------------------------------------------------- BMP

def test_bmp_row_padding_holds_data(tmp_path):
    arr = _array(63, 40)  # 63*3 = 189 bytes per row: 3 bytes of padding
    raw = bytearray(_save("BMP", arr))
    off = struct.unpack_from("<I", raw, 10)[0]
    message = MESSAGE[:3 * 20]
    for i in range(20):
        raw[off + i * 192 + 189:off + i * 192 + 192] = message[3 * i:3 * i + 3]
    found = _hidden(_run(tmp_path, bytes(raw), "bmp", bmp_structure.METHOD))
    assert found and found[0].payload == message and "padding" in found[0].summary


def test_bmp_gap_and_reserved_fields(tmp_path):
    raw = bytearray(_save("BMP"))
    off = struct.unpack_from("<I", raw, 10)[0]
    new = bytes(raw[:off]) + MESSAGE + bytes(raw[off:])
    new = bytearray(new)
    struct.pack_into("<I", new, 10, off + len(MESSAGE))
    struct.pack_into("<I", new, 2, len(new))
    new[6:10] = b"KEY!"
    found = _hidden(_run(tmp_path, bytes(new), "bmp", bmp_structure.METHOD))
    payloads = {f.payload for f in found}
    assert MESSAGE in payloads and b"KEY!" in payloads


def test_clean_bmp_png_gif_have_no_hidden_structure(tmp_path):
    for fmt, ext in (("BMP", "bmp"), ("PNG", "png"), ("GIF", "gif")):
        arr = _array(61, 37)
        data = _save(fmt, arr if fmt != "GIF" else arr)
        for method in METHODS:
            assert not _hidden(_run(tmp_path, data, ext, method)), (fmt, method.name)


# ------------------------------------------------------------------------------------- robustness

def test_truncated_and_garbage_files_never_raise(tmp_path):
    rng = np.random.default_rng(8)
    samples = {"png": _save("PNG"), "jpg": _save("JPEG"), "gif": _save("GIF"), "bmp": _save("BMP")}
    for ext, data in samples.items():
        variants = [data[:n] for n in (20, 60, len(data) // 3, len(data) - 3)]
        for _ in range(6):
            junk = bytearray(data)
            for pos in rng.integers(8, len(data), 30):
                junk[pos] = rng.integers(0, 256)
            variants.append(bytes(junk))
        variants.append(data[:8] + os.urandom(500))
        for i, variant in enumerate(variants):
            path = tmp_path / f"v{i}.{ext}"
            path.write_bytes(variant)
            try:
                image = load_image(path)
            except Exception:
                continue  # nothing to analyse: the loader's clear error
            for method in METHODS:
                if method.applies_to(image):
                    method.run(image, RunContext())  # must not raise


# -------------------------------------------------------------------------------------------- GIF

def _gif_with_block(block: bytes) -> bytes:
    gif = _save("GIF", _array(20, 16))
    return gif[:-1] + block + b"\x3b"


def _subblocks(data: bytes) -> bytes:
    return b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, len(data), 255)) + b"\x00"


def test_gif_unknown_application_extension_with_text(tmp_path):
    block = b"\x21\xff\x0b" + b"SECRETAPP01" + _subblocks(MESSAGE)
    found = _hidden(_run(tmp_path, _gif_with_block(block), "gif", gif_structure.METHOD))
    assert found and found[0].payload == MESSAGE and found[0].confidence >= 0.9
    netscape = b"\x21\xff\x0b" + b"NETSCAPE2.0" + b"\x03\x01\x00\x00\x00"
    assert not _hidden(_run(tmp_path, _gif_with_block(netscape), "gif", gif_structure.METHOD))


def test_gif_frame_outside_the_screen(tmp_path):
    frame = b"\x2c" + struct.pack("<HHHH", 500, 0, 2, 2) + b"\x00" + b"\x02\x02\x4c\x01\x00"
    found = _hidden(_run(tmp_path, _gif_with_block(frame), "gif", gif_structure.METHOD))
    assert found and "outside" in found[0].summary


def test_png_width_and_height_both_changed_with_the_crc_left(tmp_path):
    arr = _array(64, 48)
    raw = bytearray(_save("PNG", arr))
    struct.pack_into(">II", raw, 16, 40, 30)  # both lowered, CRC left as it was
    found = _hidden(_run(tmp_path, bytes(raw), "png", png_structure.METHOD))
    assert found and (found[0].params["true_width"], found[0].params["true_height"]) == (64, 48)
    assert (np.asarray(Image.open(io.BytesIO(found[0].payload)).convert("RGB")) == arr).all()


def test_data_after_the_exif_thumbnail_inside_app1(tmp_path):
    thumb = _save("JPEG", _array(32, 24), quality=60)
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    tiff = exif.tobytes()
    body = (tiff if tiff.startswith(b"Exif") else b"Exif\x00\x00" + tiff) + thumb + MESSAGE
    data = _with_segment(_save("JPEG", quality=90), 0xE1, body)
    found = _hidden(_run(tmp_path, data, "jpg", jpeg_structure.METHOD))
    assert found and found[0].payload == MESSAGE and "EXIF thumbnail" in found[0].summary


def test_text_in_unused_palette_entries(tmp_path):
    img = Image.fromarray(_array(32, 24)).quantize(16)
    palette = img.getpalette()[:48] + list(MESSAGE[:60].ljust(60)) + [0] * (768 - 108)
    img.putpalette(palette)
    for fmt, ext, method in (("PNG", "png", png_structure.METHOD), ("GIF", "gif", gif_structure.METHOD)):
        buf = io.BytesIO()
        img.save(buf, fmt, optimize=False)  # keep the unused palette entries
        found = _hidden(_run(tmp_path, buf.getvalue(), ext, method))
        assert found and MESSAGE[:40] in found[0].payload, fmt
