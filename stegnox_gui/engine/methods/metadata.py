"""Metadata: EXIF (every IFD), XMP, IPTC, JPEG comments, PNG text chunks, GIF comments.

Ordinary fields (camera, software, dates, exposure, short titles) are reported as information. A field
holding an encoding (base64, hex, zlib, ...), a message (sentences where a name or a model belongs,
a comment that reads like a note), or binary data where text belongs is flagged and decoded.
PNG chunks are read from the container, so a text chunk with a bad CRC (which Pillow refuses) is read too.
"""
from __future__ import annotations

import re
import struct
import warnings
import zlib
from dataclasses import dataclass
from typing import Any, Iterable

from PIL import ExifTags, Image

from stegnox_gui.engine.container import Container, gif_subblock_data
from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.method import Finding, Method, RunContext
from stegnox_gui.engine.payload.decode import decode_layers
from stegnox_gui.engine.payload.signatures import match_at
from stegnox_gui.engine.payload.text import TEXT_THRESHOLD, text_score

# Fields meant for free text (captions, comments): a message here needs less evidence.
FREE_TEXT_FIELDS = {
    "ImageDescription", "UserComment", "XPComment", "XPSubject", "XPTitle", "XPKeywords", "DocumentName",
    "PageName", "Comment", "Description", "Caption-Abstract", "SpecialInstructions", "description", "comment",
    "caption", "instructions", "Disclaimer", "Warning", "Notes", "UserComment",
}
# Comment fields: cameras leave them empty, so even a short sentence there is a message.
COMMENT_FIELDS = {"UserComment", "XPComment", "Comment", "comment", "PlainText"}
# Fields where a notice of rights or a person's name is ordinary, however long.
RIGHTS_FIELDS = {"Copyright", "Artist", "XPAuthor", "By-line", "CopyrightNotice", "rights", "creator", "Author",
                 "Writer-Editor", "Credit", "Rights", "UsageTerms", "Owner", "CameraOwnerName"}
# PNG keywords and EXIF tags whose values are machine data, never messages.
BINARY_OK_FIELDS = {"MakerNote", "PrintImageMatching", "ComponentsConfiguration", "SceneType", "FileSource",
                    "ExifVersion", "FlashPixVersion", "InteroperabilityVersion", "CFAPattern", "DeviceSettingDescription",
                    "OECF", "SpatialFrequencyResponse", "GPSProcessingMethod", "GPSVersionID", "XMLPacket",
                    "InterColorProfile", "IPTCNAA", "ImageResources", "JPEGTables", "GPSAreaInformation"}
_ORDINARY = re.compile(
    r"(©|\(c\)|copyright|all rights reserved|licen[cs]ed? under|creative commons|\bcc[- ]by|public domain|"
    r"gd-jpeg|\bIJG\b|"
    r"LEAD Technologies|Intel\(R\) JPEG|Photoshop|Lightroom|GIMP|paint\.net|ImageMagick|GraphicsMagick|"
    r"^https?://\S+$)", re.IGNORECASE)
# A producer's note ("Created with GIMP", "Rendered by POV-Ray ..."): ordinary however long.
_PRODUCER = re.compile(
    r"^\W*(created|made|edited|generated|processed|saved|exported|compressed|optimi[sz]ed|converted|resized|"
    r"encoded|rendered|scanned|captured|based (on|of)|drawn|designed|produced|written) (with|by|in|using|on|of|from)?\b",
    re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")
_RAW_PROFILE = re.compile(r"^Raw profile type ", re.IGNORECASE)
_XP_TAGS = {0x9C9B: "XPTitle", 0x9C9C: "XPComment", 0x9C9D: "XPAuthor", 0x9C9E: "XPKeywords", 0x9C9F: "XPSubject"}
_IPTC_NAMES = {5: "ObjectName", 25: "Keywords", 40: "SpecialInstructions", 80: "By-line", 85: "By-lineTitle",
               90: "City", 92: "Sub-location", 95: "Province-State", 101: "Country", 103: "OriginalTransmissionReference",
               105: "Headline", 110: "Credit", 115: "Source", 116: "CopyrightNotice", 120: "Caption-Abstract",
               122: "Writer-Editor", 15: "Category", 20: "SupplementalCategories", 55: "DateCreated",
               60: "TimeCreated", 62: "DigitalCreationDate", 63: "DigitalCreationTime", 65: "OriginatingProgram",
               70: "ProgramVersion", 0: "RecordVersion", 10: "Urgency"}
_XMP_START, _XMP_END = b"<x:xmpmeta", b"</x:xmpmeta>"
SAMPLE = 1 << 16


@dataclass
class Field:
    """One metadata value and where it came from."""

    source: str  # "EXIF", "XMP", "IPTC", "JPEG COM", "PNG tEXt", "GIF comment"
    name: str
    value: bytes
    where: str = ""  # e.g. "IFD Exif", "chunk at offset 33 (CRC bad)"


def _clean(value: bytes) -> bytes:
    return value.strip(b"\x00 \t\r\n")


def judge(field: Field) -> Finding | None:
    """A hidden-data finding when this value is encoded, a message, or binary where text belongs.
    A value made of several NUL-separated strings is also judged string by string, so that a message
    after an ordinary producer note ("Created with GIMP\\0...") is not excused by it."""
    found = _judge_value(field)
    if found is not None:
        return found
    parts = [p for p in _SEPARATORS.split(field.value[:SAMPLE]) if p.strip()]
    if len(parts) > 1:
        for part in parts[:16]:
            found = _judge_value(Field(field.source, field.name, part, field.where))
            if found is not None:
                return found
    return None


_SEPARATORS = re.compile(rb"\x00+")  # a NUL inside text ends one string; newlines belong to the text


def _judge_value(field: Field) -> Finding | None:
    raw = _clean(field.value)
    if not raw:
        return None
    label = f"{field.source} {field.name}"
    params = {"source": field.source, "field": field.name, "location": field.where, "length": len(raw)}
    sample = raw[:SAMPLE]  # judging looks at the first 64 KB: Python loops per character cost
    if field.name in BINARY_OK_FIELDS and sum(32 <= b < 127 or b in (9, 10, 13) for b in sample) < 0.9 * len(sample):
        return None  # ordinary binary data (a vendor MakerNote); only text there is worth a look
    decoded = decode_layers(raw) if len(raw) >= 8 else None
    if decoded is not None:
        inner = match_at(decoded.data, 0)
        if inner is not None and inner.type in ("jpeg", "png") and re.search(r"image|thumb", field.name, re.I):
            return None  # an embedded thumbnail, as XMP writers store them
        is_text = text_score(decoded.data[:SAMPLE]) >= TEXT_THRESHOLD
        what = "text" if is_text else (inner.description if inner else "data")
        shown = _quote(decoded.data) if is_text else what
        return Finding("metadata", "metadata", 0.95 if (is_text or inner) else 0.85,
                       f"{label} holds {decoded.description}-encoded {what}: {shown}",
                       params={**params, "encoding": decoded.description}, payload=decoded.data,
                       detected_type="text" if is_text else (inner.type if inner else decoded.chain[-1]))
    text = sample.decode("utf-8", "replace")
    bad = sum(1 for c in text if c == "\ufffd" or not (c.isprintable() or c in "\t\r\n"))
    if bad > 0.15 * len(text) and len(raw) >= 16:
        inner = match_at(raw, 0)
        return Finding("metadata", "metadata", 0.9 if inner else 0.6,
                       f"{label} holds {inner.description if inner else f'{len(raw)} bytes of binary data'} "
                       f"where text belongs", params=params, payload=raw,
                       detected_type=inner.type if inner else None)
    score = text_score(sample)
    words = len(_WORD.findall(text))
    if _PRODUCER.match(text) or (_ORDINARY.search(text) and (field.name in RIGHTS_FIELDS or words < 12)):
        return None
    if field.name in RIGHTS_FIELDS and words <= 6:
        return None
    free = field.name in FREE_TEXT_FIELDS or field.source in ("JPEG COM", "GIF comment")
    if field.name in COMMENT_FIELDS or field.source in ("JPEG COM", "GIF comment"):
        min_len, min_words = 20, 4
    else:
        min_len, min_words = (40, 7) if free else (60, 10)
    if score >= TEXT_THRESHOLD and len(text) >= min_len and words >= min_words:
        conf = min(0.96, 0.86 + 0.1 * min(1.0, len(text) / 150))
        where = "" if free else " (a sentence where a name or setting belongs)"
        return Finding("metadata", "text", conf, f"Message in {label}{where}: {_quote(raw)}",
                       params=params, payload=raw, detected_type="text")
    return None


def _quote(data: bytes, limit: int = 80) -> str:
    text = data.decode("utf-8", "replace").replace("\n", " ").strip()
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


# ------------------------------------------------------------------------------------------------ EXIF

def _exif_fields(image: ImageData) -> list[Field]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns on corrupt EXIF; what it could read is what we report
        return _read_exif_fields(image)


def _read_exif_fields(image: ImageData) -> list[Field]:
    exif = image.exif
    if exif is None or not len(exif):
        blob = _exif_blob(image.container)
        if blob is None:
            return []
        exif = Image.Exif()
        try:
            exif.load(blob)
        except Exception:
            return [Field("EXIF", "EXIF block", blob, "unparseable EXIF")]
    fields: list[Field] = []
    ifds: list[tuple[str, dict]] = [("IFD0", dict(exif))]
    for ifd in (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo, ExifTags.IFD.Interop, ExifTags.IFD.IFD1):
        try:
            ifds.append((f"IFD {ifd.name}", dict(exif.get_ifd(ifd))))
        except Exception:
            continue
    for where, tags in ifds:
        for tag, value in tags.items():
            if tag in (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo, ExifTags.IFD.Interop):
                continue
            name = _XP_TAGS.get(tag) or (ExifTags.GPSTAGS.get(tag) if "GPS" in where else None) \
                or ExifTags.TAGS.get(tag, f"Tag 0x{tag:04X}")
            data = _exif_value_bytes(name, value)
            if data is not None:
                fields.append(Field("EXIF", name, data, where))
    return fields


def _exif_value_bytes(name: str, value: Any) -> bytes | None:
    """Text-like EXIF values as bytes (numbers and rationals are not text: None)."""
    if isinstance(value, str):
        return value.encode("latin-1", "replace")  # Pillow decodes EXIF ASCII as Latin-1: the original bytes
    if isinstance(value, tuple) and name.startswith("XP") and all(isinstance(v, int) for v in value):
        value = bytes(value)
    if isinstance(value, bytes):
        if name.startswith("XP"):
            return value.decode("utf-16-le", "replace").rstrip("\x00").encode("utf-8")
        if name == "UserComment":
            return _user_comment(value)
        return value
    return None


def _user_comment(value: bytes) -> bytes:
    """EXIF UserComment: an 8-byte character code, then the text."""
    code, body = value[:8], value[8:]
    if code.startswith(b"UNICODE"):
        best = max((body.decode(enc, "replace") for enc in ("utf-16-be", "utf-16-le")),
                   key=lambda s: sum(c.isascii() and c.isprintable() for c in s))
        return best.rstrip("\x00").encode("utf-8")
    if code.startswith((b"ASCII", b"JIS", b"\x00" * 8)):
        return body
    return value


def _exif_blob(c: Container) -> bytes | None:
    if c.format == "JPEG":
        for p in c.find("APP1"):
            data = p.data(c.raw)
            if data.startswith(b"Exif\x00"):
                return data
    elif c.format == "PNG":
        for p in c.find("eXIf"):
            return p.data(c.raw)
    return None


# ------------------------------------------------------------------------------------------------- XMP

def _xmp_packets(raw: bytes) -> list[bytes]:
    packets = []
    pos = raw.find(_XMP_START)
    while pos >= 0 and len(packets) < 8:
        end = raw.find(_XMP_END, pos)
        if end < 0:
            break
        packets.append(raw[pos:end + len(_XMP_END)])
        pos = raw.find(_XMP_START, end)
    return packets


def _xmp_fields(raw: bytes) -> list[Field]:
    from defusedxml import ElementTree

    fields: list[Field] = []
    for n, packet in enumerate(_xmp_packets(raw)):
        try:
            root = ElementTree.fromstring(packet)
        except Exception:
            fields.append(Field("XMP", "packet", packet, f"packet {n + 1} (not well-formed XML)"))
            continue
        parents = {child: parent for parent in root.iter() for child in parent}
        for el in root.iter():
            for attr, value in el.attrib.items():
                if _local(attr) not in ("about", "lang", "parseType", "resource") and value.strip():
                    fields.append(Field("XMP", _local(attr), value.encode("utf-8")))
            if el.text and el.text.strip() and not len(el):
                # rdf:li inside dc:description/rdf:Alt: name the field after the property, not "li".
                fields.append(Field("XMP", _property_name(parents, el), el.text.encode("utf-8")))
    return fields


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _property_name(parents: dict, el: Any) -> str:
    name = _local(el.tag)
    if name != "li":
        return name
    p = parents.get(el)
    while p is not None and _local(p.tag) in ("li", "Alt", "Seq", "Bag"):
        p = parents.get(p)
    return _local(p.tag) if p is not None else name


# ------------------------------------------------------------------------------------------------ IPTC

def _iptc_fields(c: Container) -> list[Field]:
    fields: list[Field] = []
    for p in c.find("APP13"):
        data = p.data(c.raw)
        pos = data.find(b"8BIM")
        while 0 <= pos < len(data) - 12:
            rid = struct.unpack_from(">H", data, pos + 4)[0]
            nlen = data[pos + 6]
            q = pos + 6 + 1 + nlen + ((1 + nlen) & 1)
            if q + 4 > len(data):
                break
            size = struct.unpack_from(">I", data, q)[0]
            block = data[q + 4:q + 4 + size]
            if rid == 0x0404:
                fields.extend(_iptc_records(block))
            pos = data.find(b"8BIM", q + 4 + size + (size & 1))
    return fields


def _iptc_records(block: bytes) -> list[Field]:
    fields = []
    i = 0
    while i + 5 <= len(block) and block[i] == 0x1C:
        rec, ds = block[i + 1], block[i + 2]
        size = struct.unpack_from(">H", block, i + 3)[0]
        value = block[i + 5:i + 5 + size]
        if rec == 2 and ds != 0:
            fields.append(Field("IPTC", _IPTC_NAMES.get(ds, f"2:{ds}"), value))
        i += 5 + size
    return fields


# --------------------------------------------------------------------------------------- comments, PNG

def jpeg_comments(c: Container) -> list[Field]:
    return [Field("JPEG COM", "Comment", p.data(c.raw), f"COM at offset {p.offset}") for p in c.find("COM")]


def gif_comments(c: Container) -> list[Field]:
    out = []
    for p in c.parts:
        if p.name == "comment":
            out.append(Field("GIF comment", "Comment", gif_subblock_data(c.raw, p), f"offset {p.offset}"))
        elif p.name == "plain text":
            out.append(Field("GIF comment", "PlainText", gif_subblock_data(c.raw, p)[12:], f"offset {p.offset}"))
    return out


MAX_TEXT_INFLATE = 16 * 1024 * 1024  # compressed text chunks are small; refuse bombs


def inflate_text(data: bytes) -> bytes:
    """zlib-decompress a text chunk, at most MAX_TEXT_INFLATE bytes (raises zlib.error beyond)."""
    dec = zlib.decompressobj()
    out = dec.decompress(data, MAX_TEXT_INFLATE)
    if dec.unconsumed_tail:
        raise zlib.error(f"decompresses to more than {MAX_TEXT_INFLATE} bytes")
    return out


def png_text_fields(c: Container) -> list[Field]:
    fields = []
    for p in c.parts:
        if p.name not in ("tEXt", "zTXt", "iTXt"):
            continue
        data = p.data(c.raw)
        where = f"{p.name} chunk at offset {p.offset}" + ("" if p.crc_ok is not False else " (CRC bad)")
        key, sep, rest = data.partition(b"\x00")
        keyword = key.decode("latin-1")
        value = rest
        try:
            if p.name == "zTXt":
                value = inflate_text(rest[1:]) if rest[:1] == b"\x00" else rest
            elif p.name == "iTXt" and len(rest) >= 2:
                compressed, _method = rest[0], rest[1]
                _lang, _, rest2 = rest[2:].partition(b"\x00")
                _tkey, _, text = rest2.partition(b"\x00")
                value = inflate_text(text) if compressed else text
        except zlib.error:
            fields.append(Field(f"PNG {p.name}", keyword, rest, where + " (compressed text is damaged)"))
            continue
        if _RAW_PROFILE.match(keyword) or keyword == "XML:com.adobe.xmp":
            continue  # containers of EXIF/XMP, read by their own parsers
        fields.append(Field(f"PNG {p.name}", keyword, value, where))
    return fields


# -------------------------------------------------------------------------------------------- method

def _outside_pixels(c: Container) -> bytes:
    """The file's bytes up to its end, without the pixel data (where no metadata lives): fast to search."""
    end = c.end_offset if c.complete else len(c.raw)
    pieces, pos = [], 0
    for off, n in sorted(c.pixel_ranges):
        pieces.append(c.raw[pos:off])
        pos = max(pos, off + n)
    pieces.append(c.raw[pos:end])
    return b"".join(pieces)


def _all_fields(image: ImageData) -> list[Field]:
    c = image.container
    fields = _exif_fields(image)
    fields += _xmp_fields(_outside_pixels(c))
    fields += _iptc_fields(c)
    fields += jpeg_comments(c)
    fields += gif_comments(c)
    fields += png_text_fields(c)
    for z in c.find("iTXt"):
        data = z.data(c.raw)
        if data.startswith(b"XML:com.adobe.xmp\x00") and data[18:19] == b"\x01":
            try:
                fields += _xmp_fields(inflate_text(data.split(b"\x00", 4)[-1]))
            except (zlib.error, IndexError):
                pass
    return fields


def _info_findings(fields: Iterable[Field], flagged: set[int]) -> list[Finding]:
    """One information finding per metadata source, listing its ordinary fields."""
    groups: dict[str, list[Field]] = {}
    for f in fields:
        if id(f) not in flagged:
            groups.setdefault(f.source.split()[0] if f.source.startswith("PNG") else f.source, []).append(f)
    out = []
    for source, items in groups.items():
        values = {}
        for f in items:
            text = _clean(f.value).decode("utf-8", "replace")
            if text and sum(c.isprintable() for c in text) >= 0.9 * len(text):
                values[f.name] = text[:200]
            elif text:
                values[f.name] = f"<{len(f.value)} bytes>"
        if not values:
            continue
        shown = ", ".join(f"{k}={v[:40]}" for k, v in list(values.items())[:6])
        out.append(Finding("metadata", "metadata", 0.0, f"{source}: {shown}" + (" …" if len(values) > 6 else ""),
                           params={"source": source, "fields": values}, hidden=False,
                           preview="\n".join(f"{k}: {v}" for k, v in values.items())))
    return out


class MetadataMethod(Method):
    name = "metadata"
    title = "Metadata (EXIF, XMP, IPTC, comments, text chunks)"
    needs_pixels = False

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        fields = _all_fields(image)
        findings: list[Finding] = []
        flagged: set[int] = set()
        seen: set[bytes] = set()
        for f in fields:
            finding = judge(f)
            if finding is None:
                continue
            flagged.add(id(f))
            key = finding.payload or b""
            if key in seen:  # the same value in EXIF and XMP: report once
                continue
            seen.add(key)
            findings.append(finding)
        return findings + _info_findings(fields, flagged)


METHOD = MetadataMethod()
