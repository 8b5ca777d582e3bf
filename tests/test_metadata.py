"""The metadata method: messages and encodings in EXIF/XMP/IPTC/comments/text chunks are flagged and
decoded; ordinary camera and editor metadata stays information."""
from __future__ import annotations

import base64
import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from stegnox_gui.engine.image_data import load_image
from stegnox_gui.engine.method import RunContext
from stegnox_gui.engine.methods.metadata import METHOD

MESSAGE = "The courier left the spare key under the third flowerpot by the red door on Friday."


def _cover(w: int = 96, h: int = 64) -> Image.Image:
    """A natural-looking image: smooth gradients with sensor-like noise."""
    rng = np.random.default_rng(42)
    y, x = np.mgrid[0:h, 0:w]
    base = 110 + 60 * np.sin(x / 17.0) * np.cos(y / 11.0)
    arr = np.stack([base, base * 0.8 + 30, 200 - base * 0.5], -1) + rng.normal(0, 4, (h, w, 3))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def _camera_exif(**extra) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS R6"
    exif[0x0131] = "Adobe Photoshop Lightroom Classic 12.0 (Windows)"
    exif[0x0132] = "2023:10:11 10:10:10"
    exif[0x8298] = "Copyright 2023 Jane Doe. All rights reserved."
    exif[0x013B] = "Jane Doe"
    ifd = exif.get_ifd(0x8769)
    ifd[0x829A] = 0.004
    ifd[0x829D] = 2.8
    ifd[0x8827] = 200
    ifd[0x9003] = "2023:10:11 10:10:10"
    for tag, value in extra.items():
        if tag.startswith("exif_"):
            ifd[int(tag[5:], 16)] = value
        else:
            exif[int(tag, 16)] = value
    return exif


def _run(path: Path):
    return METHOD.run(load_image(path), RunContext())


def _hidden(findings):
    return [f for f in findings if f.hidden]


def _jpeg(tmp_path: Path, name: str = "x.jpg", **save) -> Path:
    path = tmp_path / name
    _cover().save(path, "JPEG", quality=88, **save)
    return path


def _insert_segment(path: Path, marker: int, body: bytes) -> None:
    raw = path.read_bytes()
    seg = bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body
    path.write_bytes(raw[:2] + seg + raw[2:])


def test_clean_camera_jpeg_is_information_only(tmp_path):
    path = _jpeg(tmp_path, exif=_camera_exif().tobytes())
    findings = _run(path)
    assert not _hidden(findings)
    info = [f for f in findings if not f.hidden]
    assert info and info[0].params["fields"]["Make"] == "Canon"


def test_user_comment_message_is_flagged(tmp_path):
    exif = _camera_exif(exif_9286=b"ASCII\x00\x00\x00" + MESSAGE.encode())
    path = _jpeg(tmp_path, exif=exif.tobytes())
    hidden = _hidden(_run(path))
    assert len(hidden) == 1 and hidden[0].payload == MESSAGE.encode()
    assert hidden[0].confidence >= 0.9 and "UserComment" in hidden[0].summary


def test_unicode_user_comment_and_xp_comment(tmp_path):
    exif = _camera_exif(exif_9286=b"UNICODE\x00" + MESSAGE.encode("utf-16-be"))
    exif[0x9C9C] = (MESSAGE + " Again.").encode("utf-16-le") + b"\x00\x00"
    path = _jpeg(tmp_path, exif=exif.tobytes())
    payloads = {f.payload for f in _hidden(_run(path))}
    assert MESSAGE.encode() in payloads and (MESSAGE + " Again.").encode() in payloads


def test_stegano_exif_header_is_decoded(tmp_path):
    exif_header = pytest.importorskip("stegano.exifHeader")
    cover = _jpeg(tmp_path, "cover.jpg")
    out = tmp_path / "stego.jpg"
    exif_header.hide(str(cover), str(out), secret_message=MESSAGE)
    hidden = _hidden(_run(out))
    assert hidden and hidden[0].payload == MESSAGE.encode()
    assert hidden[0].params["encoding"] == "zlib + base64"


def test_base64_in_image_description(tmp_path):
    exif = _camera_exif(**{"010E": base64.b64encode(MESSAGE.encode()).decode()})
    path = _jpeg(tmp_path, exif=exif.tobytes())
    hidden = _hidden(_run(path))
    assert hidden[0].payload == MESSAGE.encode() and hidden[0].params["encoding"] == "base64"


def test_jpeg_comment_xmp_and_iptc(tmp_path):
    path = _jpeg(tmp_path, comment=MESSAGE.encode())
    assert _hidden(_run(path))[0].payload == MESSAGE.encode()

    path = _jpeg(tmp_path, "xmp.jpg")
    xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Adobe Photoshop 24.0">'
           f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{MESSAGE}</rdf:li></rdf:Alt></dc:description>'
           '</rdf:Description></rdf:RDF></x:xmpmeta>')
    _insert_segment(path, 0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp.encode())
    hidden = _hidden(_run(path))
    assert hidden[0].payload == MESSAGE.encode() and hidden[0].params["field"] == "description"

    path = _jpeg(tmp_path, "iptc.jpg")
    record = b"\x1c\x02\x78" + struct.pack(">H", len(MESSAGE)) + MESSAGE.encode()
    record += b"\x1c\x02\x50" + struct.pack(">H", 8) + b"Jane Doe"
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    _insert_segment(path, 0xED, b"Photoshop 3.0\x00" + resource)
    hidden = _hidden(_run(path))
    assert len(hidden) == 1 and hidden[0].payload == MESSAGE.encode()
    assert hidden[0].params["field"] == "Caption-Abstract"


def test_png_text_chunks_ordinary_and_hidden(tmp_path):
    clean = PngImagePlugin.PngInfo()
    clean.add_text("Software", "GIMP 2.10.34")
    clean.add_text("Creation Time", "2023-07-04T14:24:00")
    clean.add_text("Title", "Holiday 2022")
    clean.add_text("Author", "Studio Nord")
    path = tmp_path / "clean.png"
    _cover().save(path, pnginfo=clean)
    assert not _hidden(_run(path))

    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "Krita")
    messages = {"Comment": MESSAGE, "Description": MESSAGE + " One.", "Notes": MESSAGE + " Two."}
    info.add_text("Comment", messages["Comment"])
    info.add_text("Description", base64.b64encode(messages["Description"].encode()).decode(), zip=True)
    info.add_itxt("Notes", base64.b32encode(messages["Notes"].encode()).decode(), zip=True)
    path = tmp_path / "text.png"
    _cover().save(path, pnginfo=info)
    hidden = _hidden(_run(path))
    assert {f.params["field"]: f.payload.decode() for f in hidden} == messages


def test_png_text_chunk_with_bad_crc_is_still_read(tmp_path):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", MESSAGE)
    buf = io.BytesIO()
    _cover().save(buf, "PNG", pnginfo=info)
    raw = bytearray(buf.getvalue())
    pos = raw.find(b"tEXt")
    length = struct.unpack(">I", raw[pos - 4:pos])[0]
    raw[pos + 4 + length] ^= 0x55  # break the CRC: Pillow refuses the file
    path = tmp_path / "badcrc.png"
    path.write_bytes(bytes(raw))
    hidden = _hidden(_run(path))
    assert hidden[0].payload == MESSAGE.encode() and "CRC bad" in hidden[0].params["location"]


def test_gif_comment(tmp_path):
    path = tmp_path / "c.gif"
    _cover().convert("P").save(path, comment=MESSAGE.encode())
    assert _hidden(_run(path))[0].payload == MESSAGE.encode()


@pytest.mark.parametrize("value", ["OLYMPUS DIGITAL CAMERA", "Screenshot", "Created with GIMP", "IMG_4021",
                                   "Holiday in Donostia", "© 2021 Someone Photography, licensed under CC BY-SA 4.0"])
def test_ordinary_descriptions_stay_information(tmp_path, value):
    exif = _camera_exif(**{"010E": value})
    path = _jpeg(tmp_path, exif=exif.tobytes(), comment=b"CREATOR: gd-jpeg v1.0 (using IJG JPEG v62), quality = 90")
    assert not _hidden(_run(path))


def test_binary_where_text_belongs_is_suspicious(tmp_path):
    blob = np.random.default_rng(3).integers(0, 256, 200, dtype=np.uint8).tobytes()
    path = _jpeg(tmp_path, comment=blob)
    hidden = _hidden(_run(path))
    assert hidden and 0.5 <= hidden[0].confidence < 0.8 and hidden[0].payload == blob.strip(b"\x00 \t\r\n")


def test_zlib_compressed_comment(tmp_path):
    path = _jpeg(tmp_path, comment=zlib.compress(MESSAGE.encode()))
    hidden = _hidden(_run(path))
    assert hidden[0].payload == MESSAGE.encode() and hidden[0].confidence >= 0.9


def test_short_sentence_in_a_comment_field_is_a_message(tmp_path):
    exif = _camera_exif(exif_9286=b"ASCII\x00\x00\x00meet me at noon by the gate")
    hidden = _hidden(_run(_jpeg(tmp_path, exif=exif.tobytes())))
    assert hidden and hidden[0].payload == b"meet me at noon by the gate"


@pytest.mark.parametrize("text", ["Based of Jakub Steiner work",
                                  "Rendered by Persistence of Vision (tm) Ray Tracer Version 3.0, using the Times "
                                  "Roman font and a lot of patience on a long winter evening"])
def test_producer_notes_and_short_descriptions_in_png_stay_information(tmp_path, text):
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", text)
    path = tmp_path / "d.png"
    _cover().save(path, pnginfo=info)
    assert not _hidden(_run(path))


def test_maker_note_binary_is_ordinary_but_text_is_read(tmp_path):
    binary = b"Nikon\x00\x02\x10\x00\x00" + np.random.default_rng(5).integers(0, 256, 300, dtype=np.uint8).tobytes()
    assert not _hidden(_run(_jpeg(tmp_path, "a.jpg", exif=_camera_exif(exif_927C=binary).tobytes())))
    note = (MESSAGE + " The second part follows in the next file, keep it safe.").encode()
    hidden = _hidden(_run(_jpeg(tmp_path, "b.jpg", exif=_camera_exif(exif_927C=note).tobytes())))
    assert hidden and hidden[0].payload == note


def test_message_after_a_producer_note(tmp_path):
    path = _jpeg(tmp_path, comment=b"Created with GIMP\x00" + MESSAGE.encode())
    hidden = _hidden(_run(path))
    assert hidden and hidden[0].payload == MESSAGE.encode()
