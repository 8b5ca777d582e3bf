"""Bad input gives a clear error (or a result that says what is wrong), never a crash or a hang."""
from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from natural_covers import natural_rgb
from stegnox_gui.engine.errors import EngineError, ImageDecodeError, ImageLoadError
from stegnox_gui.engine.image_data import load_image
from stegnox_gui.engine.stegnox_engine import StegnoxEngine

pytestmark = pytest.mark.timeout(120)

FORMATS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "BMP": ".bmp"}


def _encoded(fmt: str) -> bytes:
    buf = io.BytesIO()
    img = Image.fromarray(natural_rgb(96, 128, seed=5))
    (img.quantize(64) if fmt == "GIF" else img).save(buf, fmt)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.fixture(scope="module")
def engine() -> StegnoxEngine:
    return StegnoxEngine()


def _analyse_or_clear_error(engine: StegnoxEngine, path: Path) -> dict | None:
    """A result, or an EngineError with a message naming the problem; anything else fails the test."""
    try:
        return engine.extract_all_methods(path)
    except EngineError as exc:
        assert str(exc).strip()
        return None


def test_not_an_image(engine, tmp_path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("just some text, not pixels\n" * 10)
    with pytest.raises(ImageLoadError, match="Not an image"):
        engine.extract_all_methods(path)


def test_zero_bytes(engine, tmp_path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(ImageLoadError, match="Empty file"):
        engine.extract_all_methods(path)


def test_missing_file_and_folder(engine, tmp_path) -> None:
    with pytest.raises(ImageLoadError, match="not found"):
        engine.extract_all_methods(tmp_path / "missing.png")
    with pytest.raises(ImageLoadError, match="folder"):
        engine.extract_all_methods(tmp_path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(engine, tmp_path) -> None:
    path = tmp_path / "secret.png"
    path.write_bytes(_encoded("PNG"))
    path.chmod(0)
    try:
        with pytest.raises(ImageLoadError, match="Permission denied"):
            engine.extract_all_methods(path)
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("cut", [0.5, 0.1])
def test_truncated_images(engine, tmp_path, fmt, cut) -> None:
    raw = _encoded(fmt)
    path = tmp_path / f"cut{FORMATS[fmt]}"
    path.write_bytes(raw[: max(16, int(len(raw) * cut))])
    result = _analyse_or_clear_error(engine, path)
    if result is not None:
        assert result["error"], "a damaged file must say so in the result"
        assert result["image"]["format"] == fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_corrupt_pixel_data(engine, tmp_path, fmt) -> None:
    raw = bytearray(_encoded(fmt))
    rng = np.random.default_rng(1)
    start = len(raw) // 3
    raw[start:start + 400] = rng.integers(0, 256, 400, dtype=np.uint8).tobytes()
    path = tmp_path / f"corrupt{FORMATS[fmt]}"
    path.write_bytes(bytes(raw))
    _analyse_or_clear_error(engine, path)


def test_header_only_png_is_a_decode_error(engine, tmp_path) -> None:
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0))
    path = tmp_path / "header_only.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + ihdr)
    with pytest.raises(ImageDecodeError, match="header_only.png"):
        engine.extract_all_methods(path)


def test_decompression_bomb_is_refused_quickly(engine, tmp_path) -> None:
    # a tiny file that claims 60000 x 60000 pixels
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0))
    idat = _chunk(b"IDAT", zlib.compress(b"\x00" * 10000))
    path = tmp_path / "bomb.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + ihdr + idat + _chunk(b"IEND", b""))
    with pytest.raises(ImageLoadError, match="pixel limit"):
        engine.extract_all_methods(path)


def test_pixel_limit_is_configurable(tmp_path) -> None:
    path = tmp_path / "small.png"
    path.write_bytes(_encoded("PNG"))
    with pytest.raises(ImageLoadError, match="pixel limit of 5,000"):
        load_image(path, pixel_limit=5000)
    assert load_image(path, pixel_limit=96 * 128).has_pixels


def test_broken_crc_png_still_decodes(tmp_path) -> None:
    raw = bytearray(_encoded("PNG"))
    raw[29] ^= 0xFF  # IHDR CRC byte: Pillow refuses the file as it is
    path = tmp_path / "crc.png"
    path.write_bytes(bytes(raw))
    image = load_image(path)
    assert image.has_pixels and "CRC" in image.decode_error


def test_a_batch_goes_on_after_bad_files(engine, tmp_path) -> None:
    good = tmp_path / "good.png"
    good.write_bytes(_encoded("PNG"))
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    outcomes = []
    for p in (bad, good, tmp_path / "missing.bmp", good):
        try:
            outcomes.append(engine.extract_all_methods(p)["verdict"])
        except EngineError:
            outcomes.append("error")
    assert outcomes[0] == "error" and outcomes[2] == "error"
    assert outcomes[1] in ("clean", "suspicious") and outcomes[3] == outcomes[1]


def test_read_errors_become_clear_messages(engine, tmp_path, monkeypatch) -> None:
    path = tmp_path / "locked.png"
    path.write_bytes(_encoded("PNG"))

    def deny(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(ImageLoadError, match="Permission denied reading"):
        engine.extract_all_methods(path)
