"""The trailing method: data appended after PNG IEND, JPEG EOI, the GIF trailer and a BMP's pixel data
is recognised and carved exactly; files that end properly produce nothing."""
from __future__ import annotations

import base64
import io
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stegnox_gui.engine.image_data import load_image
from stegnox_gui.engine.method import RunContext
from stegnox_gui.engine.methods.trailing import METHOD
from stegnox_gui.engine.stegnox_engine import StegnoxEngine

MESSAGE = b"Ask for parcel 7QX-22 at the left luggage office after the second train."


def _cover(fmt: str, **kw) -> bytes:
    rng = np.random.default_rng(9)
    y, x = np.mgrid[0:48, 0:64]
    base = 120 + 50 * np.sin(x / 9.0) + rng.normal(0, 5, (48, 64))
    arr = np.clip(np.stack([base, base * 0.7 + 40, 255 - base], -1), 0, 255).astype(np.uint8)
    img = Image.fromarray(arr)
    if fmt == "GIF":
        img = img.convert("P")
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("notes.txt", MESSAGE)
    return buf.getvalue()


def _run(tmp_path: Path, data: bytes, ext: str):
    path = tmp_path / f"img.{ext}"
    path.write_bytes(data)
    return [f for f in METHOD.run(load_image(path), RunContext()) if f.hidden]


@pytest.mark.parametrize("fmt,ext", [("PNG", "png"), ("JPEG", "jpg"), ("GIF", "gif"), ("BMP", "bmp")])
def test_appended_text_is_recovered_exactly(tmp_path, fmt, ext):
    cover = _cover(fmt)
    found = _run(tmp_path, cover + MESSAGE + b"\n", ext)
    assert len(found) == 1
    assert found[0].payload == MESSAGE + b"\n" and found[0].detected_type == "text"
    assert found[0].params["offset"] == len(cover) and found[0].confidence >= 0.9


@pytest.mark.parametrize("fmt,ext", [("PNG", "png"), ("JPEG", "jpg"), ("GIF", "gif"), ("BMP", "bmp")])
def test_clean_files_have_no_trailing_data(tmp_path, fmt, ext):
    assert _run(tmp_path, _cover(fmt), ext) == []


def test_appended_zip_then_text_are_split(tmp_path):
    cover = _cover("PNG")
    archive = _zip()
    found = _run(tmp_path, cover + archive + MESSAGE, "png")
    assert [f.detected_type for f in found] == ["zip", "text"]
    assert found[0].payload == archive and "notes.txt" in (found[0].preview or "")
    assert found[1].payload == MESSAGE and found[1].params["offset"] == len(cover) + len(archive)


def test_appended_base64_text_is_decoded(tmp_path):
    found = _run(tmp_path, _cover("JPEG") + base64.b64encode(MESSAGE), "jpg")
    assert found[0].payload == MESSAGE and found[0].params["encoding"] == "base64"


def test_appended_png_after_jpeg_is_carved_to_its_length(tmp_path):
    inner = _cover("PNG")
    found = _run(tmp_path, _cover("JPEG") + inner + b"\x00\x00junk", "jpg")
    assert found[0].detected_type == "png" and found[0].payload == inner


def test_exif_thumbnail_eoi_is_not_the_end(tmp_path):
    """A JPEG whose EXIF holds a thumbnail (with its own EOI) and nothing appended: nothing found."""
    thumb = _cover("JPEG", quality=50)
    main = _cover("JPEG", quality=90)
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    tiff = exif.tobytes()
    tiff = tiff[6:] if tiff.startswith(b"Exif\x00\x00") else tiff
    app1 = b"Exif\x00\x00" + tiff + thumb
    data = main[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + main[2:]
    assert _run(tmp_path, data, "jpg") == []
    found = _run(tmp_path, data + MESSAGE, "jpg")
    assert found[0].payload == MESSAGE


def test_zero_padding_is_information(tmp_path):
    path = tmp_path / "pad.png"
    path.write_bytes(_cover("PNG") + bytes(64))
    findings = METHOD.run(load_image(path), RunContext())
    assert findings and not any(f.hidden for f in findings)


def test_unrecognised_binary_is_reported_with_its_bytes(tmp_path):
    blob = np.random.default_rng(1).integers(0, 256, 300, dtype=np.uint8).tobytes()
    found = _run(tmp_path, _cover("GIF") + blob, "gif")
    assert found[0].payload == blob and 0.6 <= found[0].confidence < 0.9


def test_engine_carves_the_appended_file(tmp_path):
    path = tmp_path / "stego.png"
    archive = _zip()
    path.write_bytes(_cover("PNG") + archive)
    out = tmp_path / "out"
    result = StegnoxEngine().extract_all_methods(path, output_dir=out, methods=["trailing"])
    assert result["found_data"] and result["verdict"] == "hidden_data"
    carved = [f for f in result["findings"] if f["method"] == "trailing"][0]
    assert Path(carved["path"]).read_bytes() == archive


def test_multi_picture_images_and_camera_trailers_are_information(tmp_path):
    main = _cover("JPEG", quality=90)
    mpf = b"MPF\x00" + bytes(40)
    with_mpf = main[:2] + b"\xff\xe2" + struct.pack(">H", len(mpf) + 2) + mpf + main[2:]
    second = _cover("JPEG", quality=70)
    assert _run(tmp_path, with_mpf + second, "jpg") == []
    # ... but a message after the MPF images is still found
    found = _run(tmp_path, with_mpf + second + MESSAGE, "jpg")
    assert len(found) == 1 and found[0].payload == MESSAGE
    samsung = b"\x00\x00SEFH" + bytes(30) + b"\x40\x00\x00\x00SEFT"
    assert _run(tmp_path, main + samsung, "jpg") == []


def test_png_chunks_after_iend_are_read(tmp_path):
    import zlib as _z

    def chunk(ctype: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", _z.crc32(ctype + data))

    tail = chunk(b"tEXt", b"Comment\x00" + MESSAGE) + chunk(b"seCr", base64.b64encode(MESSAGE + b"!"))
    found = _run(tmp_path, _cover("PNG") + tail, "png")
    assert [f.params["chunk"] for f in found] == ["tEXt", "seCr"]
    assert found[0].payload == MESSAGE and found[1].payload == MESSAGE + b"!"
    assert all(f.confidence >= 0.85 for f in found)


def test_appended_png_preview_shows_its_text(tmp_path):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Description", MESSAGE.decode())
    buf = io.BytesIO()
    Image.new("RGB", (20, 28), "white").save(buf, "PNG", pnginfo=info)
    found = _run(tmp_path, _cover("JPEG") + buf.getvalue(), "jpg")
    assert found[0].payload == buf.getvalue() and MESSAGE.decode() in found[0].preview


def test_webp_container_end_and_appended_text(tmp_path):
    buf = io.BytesIO()
    Image.fromarray(np.full((16, 16, 3), 90, np.uint8)).save(buf, "WEBP")
    cover = buf.getvalue()
    assert _run(tmp_path, cover, "webp") == []
    found = _run(tmp_path, cover + MESSAGE, "webp")
    assert found[0].payload == MESSAGE and found[0].params["offset"] == len(cover)
