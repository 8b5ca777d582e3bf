"""The LSB method recovers payloads embedded in every layout, exactly, and stays quiet on clean images."""
from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from natural_covers import embed, natural_gray, natural_rgb
from stegnox_gui.engine.image_data import load_image
from stegnox_gui.engine.method import RunContext
from stegnox_gui.engine.methods.lsb import METHOD

CORPUS = Path(__file__).parent / "data" / "corpus-dev"
TEXT = b"Meet me under the old clock tower at seven; bring the blue folder and the spare key."


def _save(tmp_path: Path, channels: dict[str, np.ndarray], mode: str, name: str = "stego.png") -> Path:
    if mode == "L":
        img = Image.fromarray(channels["gray"], "L")
    else:
        img = Image.fromarray(np.stack([channels[c] for c in mode.lower()], axis=-1), mode)
    path = tmp_path / name
    img.save(path)
    return path


def _channels(arr: np.ndarray) -> dict[str, np.ndarray]:
    return {n: arr[..., i].copy() for i, n in enumerate("rgba"[: arr.shape[2]])}


def _run(path: Path, **options):
    return METHOD.run(load_image(path), RunContext(options=options))


def _payloads(findings) -> list[bytes]:
    return [f.payload for f in findings if f.kind in ("text", "file")]


LAYOUTS = [
    # (channels, planes, bit_order, order, selection, mode)
    ("rgb", (0,), "lsb", "xy", "all", "RGB"),
    ("bgr", (0,), "lsb", "xy", "all", "RGB"),
    ("r", (0,), "lsb", "xy", "all", "RGB"),
    ("b", (0,), "msb", "xy", "all", "RGB"),
    ("gbr", (0,), "lsb", "xy", "all", "RGB"),
    ("rgb", (1, 0), "lsb", "xy", "all", "RGB"),
    ("rgb", (2, 1, 0), "msb", "xy", "all", "RGB"),
    ("g", (3, 2, 1, 0), "lsb", "xy", "all", "RGB"),
    ("rgb", (0,), "lsb", "yx", "all", "RGB"),
    ("rgb", (0,), "lsb", "xY", "all", "RGB"),
    ("rgb", (0,), "msb", "XY", "all", "RGB"),
    ("r", (0,), "lsb", "Yx", "all", "RGB"),
    ("rgb", (4,), "lsb", "xy", "all", "RGB"),
    ("r", (7,), "lsb", "xy", "all", "RGB"),
    ("rgb", (0, 1), "msb", "xy", "all", "RGB"),  # stegpy-style low bits lowest first
    ("rgb", (0,), "lsb", "xy", "prime", "RGB"),
    ("rgba", (0,), "lsb", "xy", "all", "RGBA"),
    ("abgr", (0,), "lsb", "xy", "all", "RGBA"),
    ("argb", (1, 0), "msb", "xy", "all", "RGBA"),
    ("a", (0,), "lsb", "xy", "all", "RGBA"),
    ("gray", (0,), "lsb", "xy", "all", "L"),
    ("gray", (1, 0), "msb", "yx", "all", "L"),
]


@pytest.mark.parametrize("chans,planes,bit_order,order,selection,mode", LAYOUTS)
def test_text_in_every_layout_is_recovered_exactly(tmp_path, chans, planes, bit_order, order, selection, mode) -> None:
    if mode == "L":
        channels = {"gray": natural_gray(160, 200, seed=11)}
    else:
        channels = _channels(natural_rgb(160, 200, seed=11, channels=len(mode)))
    embed(channels, TEXT, chans=chans, planes=planes, bit_order=bit_order, order=order, selection=selection)
    findings = _run(_save(tmp_path, channels, mode))
    texts = [f for f in findings if f.kind == "text"]
    assert texts, f"nothing found for {chans} {planes} {bit_order} {order} {selection}"
    best = texts[0]
    assert best.payload == TEXT
    assert best.confidence >= 0.8
    assert best.params["order"] == order and best.params["bit_order"] == bit_order
    assert best.params["planes"] == list(planes)


def _png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.fromarray(natural_rgb(20, 24, seed=2)).save(buf, "PNG")
    return buf.getvalue()


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("notes.txt", "The drop point moved to the ferry terminal, locker 12.")
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["png", "zip", "gzip", "zlib"])
@pytest.mark.parametrize("framing", ["none", "len32be", "len32le"])
def test_files_are_recovered_to_their_true_length(tmp_path, kind, framing) -> None:
    payload = {"png": _png_bytes, "zip": _zip_bytes,
               "gzip": lambda: gzip.compress(TEXT * 3, mtime=0),
               "zlib": lambda: zlib.compress(TEXT * 3)}[kind]()
    framed = payload
    if framing == "len32be":
        framed = struct.pack(">I", len(payload)) + payload
    elif framing == "len32le":
        framed = struct.pack("<I", len(payload)) + payload
    channels = _channels(natural_rgb(160, 200, seed=12))
    embed(channels, framed, chans="rgb")
    findings = _run(_save(tmp_path, channels, "RGB"))
    files = [f for f in findings if f.kind == "file"]
    assert files and files[0].payload == payload
    assert files[0].detected_type == kind
    if framing != "none":
        assert files[0].params["header"] == framing


def test_long_headerless_text_is_read_past_the_prefix(tmp_path) -> None:
    long_text = b" ".join([TEXT] * 30)  # ~2.5 KB: far beyond the first prefix read
    channels = _channels(natural_rgb(200, 240, seed=13))
    embed(channels, long_text, chans="rgb")
    findings = _run(_save(tmp_path, channels, "RGB"))
    assert findings[0].payload == long_text


def test_stegano_package_default_and_generators(tmp_path) -> None:
    from stegano import lsb
    from stegano.lsb import generators

    cover = tmp_path / "cover.png"
    Image.fromarray(natural_rgb(180, 220, seed=14)).save(cover)
    message = "The courier waits by the north gate; the password is lanternfish."
    cases = [(None, "all"), (generators.eratosthenes(), "prime"), (generators.triangular_numbers(), "triangular"),
             (generators.composite(), "composite")]
    for gen, selection in cases:
        stego = tmp_path / f"stego_{selection}.png"
        lsb.hide(str(cover), message, generator=gen).save(stego)
        findings = _run(stego)
        best = findings[0]
        assert best.payload == message.encode(), selection
        assert best.params["header"] == "stegano" and best.params["selection"] == selection
        assert best.confidence >= 0.9


def test_stegano_on_rgba(tmp_path) -> None:
    from stegano import lsb

    cover = tmp_path / "cover.png"
    Image.fromarray(natural_rgb(120, 160, seed=15, channels=4)).save(cover)
    stego = tmp_path / "stego.png"
    lsb.hide(str(cover), "Unicode too: café, naïve, Zürich; meet at noon.").save(stego)
    best = _run(stego)[0]
    assert best.payload.decode("utf-8") == "Unicode too: café, naïve, Zürich; meet at noon."


def test_palette_indices(tmp_path) -> None:
    rgb = Image.fromarray(natural_rgb(120, 160, seed=16)).quantize(colors=256)
    indices = np.array(rgb, dtype=np.uint8)
    channels = {"index": indices}
    embed(channels, TEXT, chans="index")
    out = Image.fromarray(channels["index"], "P")
    out.putpalette(rgb.getpalette())
    path = tmp_path / "pal.png"
    out.save(path)
    findings = _run(path)
    assert findings[0].payload == TEXT and findings[0].params["channels"] == "index"


def test_bmp_bottom_up_order(tmp_path) -> None:
    channels = _channels(natural_rgb(100, 120, seed=17))
    embed(channels, TEXT, chans="bgr", order="xY")  # the order a BMP stores its rows in
    path = _save(tmp_path, channels, "RGB", "stego.bmp")
    assert _run(path)[0].payload == TEXT


CLEAN_SEEDS = range(20, 28)


@pytest.mark.parametrize("seed", CLEAN_SEEDS)
def test_clean_natural_covers_give_no_payload(tmp_path, seed) -> None:
    mode = ["RGB", "RGBA", "L", "RGB"][seed % 4]
    arr = natural_rgb(200, 260, seed=seed, channels={"RGB": 3, "RGBA": 4, "L": 1}[mode])
    img = Image.fromarray(arr[..., 0] if mode == "L" else arr, mode)
    path = tmp_path / "clean.png"
    (img.quantize(colors=200) if seed == 27 else img).save(path)
    assert _payloads(_run(path)) == []


def test_clean_corpus_images_give_no_payload() -> None:
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    clean = [e for e in manifest if e["category"] == "clean" and not e["file"].endswith(".jpg")]
    assert clean
    for entry in clean:
        image = load_image(CORPUS / entry["file"])
        if METHOD.applies_to(image):
            assert _payloads(METHOD.run(image, RunContext())) == [], entry["file"]


def test_time_budget_stops_the_search_and_says_so(tmp_path) -> None:
    path = tmp_path / "c.png"
    Image.fromarray(natural_rgb(64, 64, seed=3)).save(path)
    findings = _run(path, lsb_budget_seconds=0.0)
    notes = [f for f in findings if not f.hidden]
    assert notes and "stopped early" in notes[0].summary


def test_jpeg_pixels_are_not_searched(tmp_path) -> None:
    path = tmp_path / "c.jpg"
    Image.fromarray(natural_rgb(64, 64, seed=3)).save(path, quality=90)
    assert not METHOD.applies_to(load_image(path))


def test_unknown_and_16_bit_headers(tmp_path) -> None:
    channels = _channels(natural_rgb(160, 200, seed=18))
    embed(channels, struct.pack(">H", len(TEXT)) + TEXT, chans="bgr")  # LSBSteg-style 16-bit length
    best = _run(_save(tmp_path, channels, "RGB"))[0]
    assert best.payload == TEXT and best.params["header"] == "len16be"

    channels = _channels(natural_rgb(160, 200, seed=19))
    embed(channels, b"\x93\x07\x01\xfe" + TEXT + b"\x00\x00", chans="rgb")  # a header we do not know
    best = _run(_save(tmp_path, channels, "RGB", "unknown.png"))[0]
    assert TEXT in best.payload and best.params["header"] == "unknown"


def test_stegano_utf32_message(tmp_path) -> None:
    from stegano import lsb

    cover = tmp_path / "cover.png"
    Image.fromarray(natural_rgb(160, 200, seed=20)).save(cover)
    stego = tmp_path / "stego.png"
    message = "Wide characters: the meeting moved to Thursday."
    lsb.hide(str(cover), message, encoding="UTF-32LE").save(stego)
    best = _run(stego)[0]
    assert best.payload == message.encode("utf-32-le")
    assert best.params["encoding"] == "utf-32-le" and best.preview == message


@pytest.mark.parametrize("bits", [1, 2, 4])
def test_stegpy_png_layout(tmp_path, bits) -> None:
    """stegpy 0.2.0's PNG/BMP mode, re-implemented from its documented format: magic 'stegv3', 4-byte
    length, 1-byte file-name length, message; `bits` low bits of every RGB byte in raster order, the
    first chunk in the lowest bits of each message byte; bits 4-5 of the first byte hold log2(bits)."""
    message = b"Ask for locker 12. The parcel is under the blue tarpaulin by the gate."
    framed = b"stegv3" + len(message).to_bytes(4, "big") + b"\x00" + message
    host = natural_rgb(120, 160, seed=21).reshape(-1)
    per_byte = 8 // bits
    mask = (1 << bits) - 1
    for i, byte in enumerate(framed):
        for k in range(per_byte):
            j = i * per_byte + k
            host[j] = (int(host[j]) & (0xFF ^ mask)) | ((byte >> (bits * k)) & mask)
    host[0] = (int(host[0]) & 207) | {1: 0, 2: 16, 4: 32}[bits]
    path = tmp_path / "stegpy.png"
    Image.fromarray(host.reshape(120, 160, 3)).save(path)
    best = _run(path)[0]
    assert best.payload == message and best.params["header"] == "stegpy"


def test_non_prose_text_behind_a_header(tmp_path) -> None:
    from stegano import lsb

    cover = tmp_path / "cover.png"
    Image.fromarray(natural_rgb(120, 160, seed=22)).save(cover)
    stego = tmp_path / "stego.png"
    secret = "<img src=x onerror=alert(1)> x=42;y=7"
    lsb.hide(str(cover), secret).save(stego)
    best = _run(stego)[0]
    assert best.payload == secret.encode() and best.params["header"] == "stegano" and best.confidence >= 0.8


@pytest.mark.parametrize("data_bits", [1, 2])
def test_openstego_layout(tmp_path, data_bits) -> None:
    """OpenStego's LSB plugin, re-implemented from its source: the header (OPENSTEGO, version, length,
    channel bits, name length, compression and encryption flags, cipher name, file name) at 1 bit
    per R,G,B value, row by row; the gzip-compressed data from the next whole pixel on, `data_bits`
    bits per value, each byte's top bit first."""
    secret = b"The ferry leaves at six; the ticket is in the green locker."
    body = gzip.compress(secret, mtime=0)
    name = b"plan.txt"
    header = (b"OPENSTEGO\x02" + struct.pack("<I", len(body)) + bytes([data_bits, len(name), 1, 0])
              + b"AES128\x00\x00" + name)
    flat = natural_rgb(100, 140, seed=23).reshape(-1, 3)

    def write(data: bytes, first_pixel: int, bits: int) -> int:
        stream = [(byte >> (7 - i)) & 1 for byte in data for i in range(8)]
        per_pixel = 3 * bits
        stream += [0] * (-len(stream) % per_pixel)
        for p in range(len(stream) // per_pixel):
            chunk = stream[p * per_pixel:(p + 1) * per_pixel]
            for c in range(3):
                value = int("".join(map(str, chunk[c * bits:(c + 1) * bits])), 2)
                flat[first_pixel + p, c] = (int(flat[first_pixel + p, c]) >> bits << bits) | value
        return first_pixel + len(stream) // per_pixel

    write(body, write(header, 0, 1), data_bits)
    path = tmp_path / "openstego.png"
    Image.fromarray(flat.reshape(100, 140, 3)).save(path)
    best = _run(path)[0]
    assert best.params["header"] == "openstego" and best.params["filename"] == "plan.txt"
    assert best.payload == body and best.preview == secret.decode()
