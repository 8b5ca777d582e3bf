"""File signatures with true lengths (match_at, scan) and encoded-text decoding (decode_layers)."""
from __future__ import annotations

import base64
import bz2
import gzip
import io
import lzma
import os
import sqlite3
import struct
import zipfile
import zlib

import numpy as np
import pytest
from PIL import Image

from stegnox_gui.engine.payload.decode import decode_layers
from stegnox_gui.engine.payload.signatures import match_at, scan

MESSAGE = b"Meet me at the old bridge at midnight and bring the blue folder."


def _image(fmt: str, **kw) -> bytes:
    rng = np.random.default_rng(7)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (30, 41, 3), dtype=np.uint8)).save(buf, fmt, **kw)
    return buf.getvalue()


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("secret.txt", MESSAGE)
        zf.writestr("pic.png", _image("PNG"))
        zf.comment = b"archive comment"
    return buf.getvalue()


def _sqlite(tmp_path) -> bytes:
    path = tmp_path / "db.sqlite"
    con = sqlite3.connect(path)
    con.execute("create table t (x text)")
    con.executemany("insert into t values (?)", [("row %d" % i,) for i in range(300)])
    con.commit()
    con.close()
    return path.read_bytes()


def _wav() -> bytes:
    frames = b"\x00\x01" * 800
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, 8000, 16000, 2, 16)
    data = struct.pack("<4sI", b"data", len(frames)) + frames
    return b"RIFF" + struct.pack("<I", 4 + len(fmt) + len(data)) + b"WAVE" + fmt + data


def _mp3(frames: int = 6) -> bytes:
    header = b"\xff\xfb\x90\x64"  # MPEG1 layer III, 128 kbps, 44.1 kHz: 417-byte frames
    return (header + bytes(413)) * frames


def _ogg() -> bytes:
    pages = []
    for i, flag in enumerate((2, 0, 4)):
        body = bytes([i]) * 50
        pages.append(b"OggS\x00" + bytes([flag]) + bytes(8) + b"\x01\x00\x00\x00" + struct.pack("<I", i)
                     + bytes(4) + b"\x01" + bytes([len(body)]) + body)
    return b"".join(pages)


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _seven_zip() -> bytes:
    next_header = b"\x01\x04\x06\x00"
    body = b"packed-stream-bytes"
    start = struct.pack("<QQI", len(body), len(next_header), zlib.crc32(next_header))
    return b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", zlib.crc32(start)) + start + body + next_header


def _rar4() -> bytes:
    marker = b"Rar!\x1a\x07\x00"
    main = struct.pack("<HBHH", 0, 0x73, 0, 13) + bytes(6)
    end = struct.pack("<HBHH", 0, 0x7B, 0x4000, 7)
    return marker + main + end


def _pe() -> bytes:
    """A minimal PE: DOS header, PE header, one section whose raw data ends the file."""
    dos = bytearray(0x40)
    dos[:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 0x40)
    coff = b"PE\x00\x00" + struct.pack("<HHIIIHH", 0x14C, 1, 0, 0, 0, 0, 0x102)
    section = b".text\x00\x00\x00" + struct.pack("<IIIIIIHHI", 0x100, 0x1000, 0x80, 0x200, 0, 0, 0, 0, 0)
    head = bytes(dos) + coff + section
    return head + bytes(0x200 - len(head)) + bytes(range(0x80))


def _samples(tmp_path) -> dict[str, bytes]:
    return {
        "png": _image("PNG"), "jpeg": _image("JPEG", quality=85), "gif": _image("GIF"), "bmp": _image("BMP"),
        "zip": _zip(), "gzip": gzip.compress(MESSAGE * 3), "bzip2": bz2.compress(MESSAGE * 3),
        "xz": lzma.compress(MESSAGE), "zlib": zlib.compress(MESSAGE * 2), "pdf": _pdf(), "wav": _wav(),
        "mp3": _mp3(), "ogg": _ogg(), "pe": _pe(), "sqlite": _sqlite(tmp_path), "7z": _seven_zip(), "rar": _rar4(),
        "elf": open("/bin/true", "rb").read() if os.path.exists("/bin/true") else None,
    }


def test_match_at_finds_each_type_with_its_true_length(tmp_path):
    for kind, blob in _samples(tmp_path).items():
        if blob is None:
            continue
        data = os.urandom(37) + blob + b"TRAILING GARBAGE AFTER THE FILE" * 3
        hit = match_at(data, 37)
        assert hit is not None, kind
        assert (hit.type, hit.offset, hit.length) == (kind, 37, len(blob)), (kind, hit)
        assert hit.complete and hit.bytes_of(data) == blob


def test_scan_finds_files_anywhere_and_skips_their_inner_repeats(tmp_path):
    s = _samples(tmp_path)
    noise = np.random.default_rng(3).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    data = noise + s["zip"] + noise + s["gzip"] + noise + s["png"]
    hits = scan(data)
    found = [(h.type, h.offset, h.length) for h in hits]
    zip_at = len(noise)
    gz_at = zip_at + len(s["zip"]) + len(noise)
    png_at = gz_at + len(s["gzip"]) + len(noise)
    assert ("zip", zip_at, len(s["zip"])) in found
    assert ("gzip", gz_at, len(s["gzip"])) in found
    assert ("png", png_at, len(s["png"])) in found
    assert sum(1 for h in hits if h.type == "zip") == 1  # the second local header is inside the first ZIP
    assert any(h.type == "png" and zip_at < h.offset < zip_at + len(s["zip"]) for h in hits)  # PNG inside the ZIP


def test_random_bytes_and_bare_magics_are_not_files():
    rng = np.random.default_rng(11)
    noise = rng.integers(0, 256, 2_000_000, dtype=np.uint8).tobytes()
    assert scan(noise) == []
    for magic in (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"PK\x03\x04", b"BM", b"MZ", b"\x1f\x8b\x08",
                  b"GIF89a", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07\x00", b"\x78\x9c", b"\xff\xfb\x90\x64"):
        assert match_at(magic + noise[:400]) is None, magic


def test_truncated_files_run_to_the_end_and_say_so(tmp_path):
    png = _image("PNG")
    hit = match_at(png[:-40])
    assert hit is not None and hit.type == "png" and not hit.complete and hit.length == len(png) - 40
    gz = gzip.compress(os.urandom(3000))
    hit = match_at(gz[:1500])
    assert hit is not None and hit.type == "gzip" and not hit.complete


def test_jpeg_length_skips_the_exif_thumbnails_own_eoi():
    thumb = _image("JPEG", quality=60)
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    app1 = b"Exif\x00\x00" + exif.tobytes()[6:] if exif.tobytes().startswith(b"Exif") else b"Exif\x00\x00" + exif.tobytes()
    app1 += thumb  # a thumbnail JPEG inside APP1, with its own EOI
    main = _image("JPEG", quality=90)
    data = main[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + main[2:]
    hit = match_at(data + b"appended secret")
    assert hit is not None and hit.length == len(data)


def test_decode_layers_peels_each_encoding_and_combinations():
    cases = {
        base64.b64encode(MESSAGE): ("base64",),
        base64.urlsafe_b64encode(b"\xfb\xff" + MESSAGE): ("base64url",),
        base64.b32encode(MESSAGE): ("base32",),
        MESSAGE.hex().encode(): ("hex",),
        zlib.compress(MESSAGE): ("zlib",),
        gzip.compress(MESSAGE): ("gzip",),
        base64.b64encode(zlib.compress(MESSAGE)): ("base64", "zlib"),  # stegano exifHeader
        base64.b64encode(base64.b64encode(MESSAGE)): ("base64", "base64"),
    }
    for encoded, chain in cases.items():
        got = decode_layers(encoded)
        assert got is not None, chain
        assert got.chain == chain
        assert got.data.endswith(MESSAGE)
    assert decode_layers(base64.b64encode(b"s3cr3t!")).data == b"s3cr3t!"


@pytest.mark.parametrize("plain", ["Software", "Canon EOS 5D Mark III", "GIMP 2.10", "deadbeef", "IMG_20231011",
                                   "Photoshop", "abcdefgh", MESSAGE.decode(), "2023:10:11 10:10:10"])
def test_decode_layers_leaves_ordinary_strings_alone(plain):
    assert decode_layers(plain) is None
