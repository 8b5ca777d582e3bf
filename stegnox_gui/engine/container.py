"""The container's structure: PNG chunks, JPEG segments, GIF blocks, BMP header fields.

`parse_container(raw, format)` never raises on bad data: it records what it could read and lists the
problems. `end_offset` is where the image legitimately ends; bytes past it are trailing data. The
decompressed PNG image data is computed at most once per file (`png_inflate`), for every method.
"""
from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from stegnox_gui.engine.payload.signatures import PNG_MAGIC, bmp_sizes

try:  # ISA-L inflates 2-4x faster than zlib; the PNG image data of big files is inflated once here
    from isal import isal_zlib as _fast_zlib
except ImportError:  # pragma: no cover - isal is a declared dependency; zlib gives the same bytes
    _fast_zlib = zlib

MAX_INFLATE = 1 << 31  # stop inflating PNG image data past this (bombs)
MAX_BEYOND = 64 * 1024 * 1024  # decompressed bytes kept past the declared rows
_STEP = 1 << 22  # decompress at most this much per call

JPEG_MARKER_NAMES: dict[int, str] = {
    **{0xC0 + i: f"SOF{i}" for i in range(16) if i not in (4, 8, 12)},
    0xC4: "DHT", 0xC8: "JPG", 0xCC: "DAC",
    **{0xD0 + i: f"RST{i}" for i in range(8)},
    0xD8: "SOI", 0xD9: "EOI", 0xDA: "SOS", 0xDB: "DQT", 0xDC: "DNL", 0xDD: "DRI", 0xDE: "DHP", 0xDF: "EXP",
    **{0xE0 + i: f"APP{i}" for i in range(16)},
    **{0xF0 + i: f"JPG{i}" for i in range(14)},
    0xFE: "COM", 0x01: "TEM",
}


@dataclass
class Part:
    """One structural element: a PNG chunk, a JPEG segment, a GIF block or a BMP header."""

    name: str  # PNG chunk type, JPEG marker name (APP1, SOS, ...), GIF block kind ("comment", "image", ...)
    offset: int  # first byte of the part in the file
    size: int  # bytes the part occupies, its own headers included
    data_offset: int  # first byte of its content
    data_length: int
    marker: int | None = None  # JPEG marker byte
    crc_stored: int | None = None  # PNG chunks
    crc_computed: int | None = None
    note: str = ""  # e.g. "truncated", "scan data up to 123456", an APPn identifier

    @property
    def end(self) -> int:
        return self.offset + self.size

    @property
    def crc_ok(self) -> bool | None:
        if self.crc_stored is None or self.crc_computed is None:
            return None
        return self.crc_stored == self.crc_computed

    def data(self, raw: bytes) -> bytes:
        return raw[self.data_offset:self.data_offset + self.data_length]


@dataclass
class PngInflate:
    """The PNG's IDAT stream decompressed once (streamed: only what lies past the declared rows is kept)."""

    size: int  # bytes of decompressed scanlines (filter byte + row), possibly more than the header declares
    beyond: bytes  # the decompressed bytes past the size the IHDR declares (at most MAX_BEYOND)
    complete: bool  # the zlib stream ended with a valid checksum
    extra_compressed: bytes  # IDAT bytes after the end of the zlib stream
    error: str | None = None


@dataclass
class Container:
    """The parsed structure of one file."""

    format: str
    raw: bytes = field(repr=False)
    parts: list[Part] = field(default_factory=list)
    end_offset: int = 0  # where the image data legitimately ends (trailing data starts here)
    complete: bool = False  # the structure reached its proper end (IEND, EOI, GIF trailer, all BMP pixels)
    header: dict[str, Any] = field(default_factory=dict)  # IHDR / SOF / GIF screen / BMP header fields
    problems: list[str] = field(default_factory=list)
    gaps: list[tuple[int, int]] = field(default_factory=list)  # (offset, length) of bytes between parts
    pixel_ranges: list[tuple[int, int]] = field(default_factory=list)  # (offset, length) of compressed/raw pixel data
    _inflate: PngInflate | None = field(default=None, repr=False)

    # Readable aliases: the same list, named as each format calls its parts.
    @property
    def chunks(self) -> list[Part]:
        return self.parts

    @property
    def segments(self) -> list[Part]:
        return self.parts

    @property
    def blocks(self) -> list[Part]:
        return self.parts

    @property
    def trailing(self) -> bytes:
        return self.raw[self.end_offset:]

    def find(self, name: str) -> list[Part]:
        return [p for p in self.parts if p.name == name]

    def png_inflate(self) -> PngInflate | None:
        """IDAT decompressed (once, then cached); None when this is not a PNG with image data."""
        if self.format != "PNG":
            return None
        if self._inflate is None:
            self._inflate = _inflate_idat(self.raw, self.find("IDAT"), self.png_expected_size())
        return self._inflate

    def png_expected_size(self) -> int | None:
        """Bytes of filtered scanlines the IHDR declares (None when the IHDR is unusable)."""
        h = self.header
        if self.format != "PNG" or "width" not in h:
            return None
        return png_raw_size(h["width"], h["height"], h["bit_depth"], h["color_type"], h["interlace"])


PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def png_row_bytes(width: int, bit_depth: int, color_type: int) -> int | None:
    ch = PNG_CHANNELS.get(color_type)
    if ch is None or bit_depth not in (1, 2, 4, 8, 16):
        return None
    return (width * ch * bit_depth + 7) // 8


def png_raw_size(width: int, height: int, bit_depth: int, color_type: int, interlace: int) -> int | None:
    """Size of the decompressed IDAT stream (filter bytes included) for this header."""
    if not interlace:
        row = png_row_bytes(width, bit_depth, color_type)
        return None if row is None else height * (1 + row)
    total = 0
    for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)):
        w = (width - x0 + dx - 1) // dx if width > x0 else 0
        h = (height - y0 + dy - 1) // dy if height > y0 else 0
        if w and h:
            row = png_row_bytes(w, bit_depth, color_type)
            if row is None:
                return None
            total += h * (1 + row)
    return total


def _inflate_idat(raw: bytes, idats: list[Part], declared: int | None) -> PngInflate:
    """Stream the IDAT chunks through one decompressor, counting output and keeping only what lies past
    `declared` bytes; never holds the whole image (36 MB for 12 MP) in memory."""
    if not idats:
        return PngInflate(0, b"", False, b"", "no IDAT data")
    keep_from = declared if declared is not None else 0
    view = memoryview(raw)
    dec = _fast_zlib.decompressobj()
    size = 0
    beyond = bytearray()
    extra = bytearray()
    error = None
    for i, part in enumerate(idats):
        chunk = view[part.data_offset:part.data_offset + part.data_length]
        if dec.eof:
            extra += chunk
            continue
        try:
            while chunk:
                out = dec.decompress(chunk, _STEP)
                if size + len(out) > keep_from and len(beyond) < MAX_BEYOND:
                    beyond += out[max(0, keep_from - size):][:MAX_BEYOND - len(beyond)]
                size += len(out)
                if size > MAX_INFLATE:
                    return PngInflate(size, bytes(beyond), False, b"", f"image data decompresses past {MAX_INFLATE} bytes")
                if dec.eof:
                    extra += dec.unused_data
                    break
                chunk = dec.unconsumed_tail
        except (zlib.error, _fast_zlib.error) as exc:
            error = f"IDAT stream damaged in chunk {i + 1} of {len(idats)}: {exc}"
            break
    if error is None and not dec.eof:
        error = "IDAT stream ends before the zlib end marker"
    return PngInflate(size, bytes(beyond), dec.eof, bytes(extra), error)


# ------------------------------------------------------------------------------------------------ PNG

def _parse_png(c: Container) -> None:
    raw = c.raw
    n = len(raw)
    p = len(PNG_MAGIC)
    c.end_offset = min(p, n)
    while p < n:
        if p + 12 > n:
            c.problems.append(f"{n - p} stray bytes at {p} (too short for a chunk)")
            break
        length = struct.unpack_from(">I", raw, p)[0]
        ctype = raw[p + 4:p + 8]
        if not ctype.isalpha() or length > 0x7FFFFFFF:
            c.problems.append(f"garbage instead of a chunk at offset {p}")
            break
        name = ctype.decode("ascii")
        data_end = p + 8 + length
        truncated = data_end + 4 > n
        stored = None if truncated else struct.unpack_from(">I", raw, data_end)[0]
        computed = None if truncated else _fast_zlib.crc32(memoryview(raw)[p + 4:data_end])
        part = Part(name, p, min(12 + length, n - p), p + 8, min(length, max(0, n - p - 8)),
                    crc_stored=stored, crc_computed=computed, note="truncated" if truncated else "")
        c.parts.append(part)
        if truncated:
            c.problems.append(f"chunk {name} at {p} is truncated ({length} bytes declared, {n - p - 8} present)")
            c.end_offset = n
            break
        if stored != computed:
            c.problems.append(f"CRC error in chunk {name} at {p} (stored {stored:08x}, computed {computed:08x})")
        if name == "IHDR" and length >= 13:
            w, h, depth, ctype_, comp, filt, inter = struct.unpack_from(">IIBBBBB", raw, p + 8)
            c.header.update(width=w, height=h, bit_depth=depth, color_type=ctype_, compression=comp,
                            filter=filt, interlace=inter, ihdr_offset=p)
        elif name == "IDAT":
            c.pixel_ranges.append((p + 8, length))
        p = data_end + 4
        c.end_offset = p
        if name == "IEND":
            c.complete = True
            break
    else:
        if not c.find("IEND"):
            c.problems.append("no IEND chunk")
    if c.parts and c.parts[0].name != "IHDR":
        c.problems.append("first chunk is not IHDR")
    if not c.parts:
        c.problems.append("no chunks")


# ----------------------------------------------------------------------------------------------- JPEG

_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _parse_jpeg(c: Container) -> None:
    raw = c.raw
    n = len(raw)
    c.parts.append(Part("SOI", 0, 2, 2, 0, marker=0xD8))
    p = 2
    c.end_offset = n
    while p < n:
        if raw[p] != 0xFF:
            # Bytes that are not a marker between segments: find where the next marker starts.
            m = _NEXT_MARKER.search(raw, p)
            nxt = m.start() if m else n
            c.gaps.append((p, nxt - p))
            c.problems.append(f"{nxt - p} bytes between segments at offset {p}")
            p = nxt
            continue
        if p + 1 >= n:
            c.problems.append("file ends inside a marker")
            break
        marker = raw[p + 1]
        if marker == 0xFF:  # fill byte
            p += 1
            continue
        name = JPEG_MARKER_NAMES.get(marker, f"0x{marker:02X}")
        if marker == 0xD9:
            c.parts.append(Part("EOI", p, 2, p + 2, 0, marker=marker))
            c.end_offset = p + 2
            c.complete = True
            return
        if 0xD0 <= marker <= 0xD7 or marker in (0x01, 0xD8):
            c.parts.append(Part(name, p, 2, p + 2, 0, marker=marker))
            p += 2
            continue
        if p + 4 > n:
            c.problems.append(f"file ends inside the {name} segment header")
            break
        seglen = struct.unpack_from(">H", raw, p + 2)[0]
        if seglen < 2:
            c.problems.append(f"{name} segment at {p} has an invalid length {seglen}")
            break
        end = p + 2 + seglen
        part = Part(name, p, min(end, n) - p, p + 4, min(end, n) - p - 4, marker=marker)
        if name.startswith("APP"):
            ident = raw[p + 4:min(end, p + 4 + 32)].split(b"\x00", 1)[0]
            part.note = ident.decode("latin-1")[:32]
        c.parts.append(part)
        if end > n:
            part.note = (part.note + " truncated").strip()
            c.problems.append(f"{name} segment at {p} is truncated")
            break
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC) and seglen >= 8 and "height" not in c.header:
            prec, h, w, ncomp = struct.unpack_from(">BHHB", raw, p + 4)
            c.header.update(sof=name, precision=prec, height=h, width=w, components=ncomp,
                            progressive=marker in (0xC2, 0xC6, 0xCA, 0xCE))
        p = end
        if marker == 0xDA:
            m = _NEXT_MARKER.search(raw, p)
            scan_end = m.start() if m else n
            c.pixel_ranges.append((p, scan_end - p))
            part.note = f"scan data {p}..{scan_end}"
            if m is None:
                c.problems.append("scan data runs to the end of the file (no EOI)")
            p = scan_end
    if not c.find("EOI"):
        c.problems.append("no EOI marker")


# ------------------------------------------------------------------------------------------------ GIF

_GIF_EXT_NAMES = {0xF9: "graphic control", 0xFE: "comment", 0xFF: "application", 0x01: "plain text"}


def _gif_subblocks(raw: bytes, p: int) -> tuple[int, list[tuple[int, int]]]:
    """Walk data sub-blocks from p; (offset after the terminator, [(offset, length)...])."""
    n = len(raw)
    spans = []
    while p < n:
        size = raw[p]
        if size == 0:
            return p + 1, spans
        spans.append((p + 1, min(size, n - p - 1)))
        p += 1 + size
    return n + 1, spans  # n + 1 marks "ran off the end"


def gif_subblock_data(raw: bytes, part: Part) -> bytes:
    """The content of a GIF extension or image block: its sub-blocks joined."""
    _, spans = _gif_subblocks(raw, part.data_offset)
    return b"".join(raw[o:o + ln] for o, ln in spans)


def _parse_gif(c: Container) -> None:
    raw = c.raw
    n = len(raw)
    if n < 13:
        c.problems.append("file too short for a GIF header")
        c.end_offset = n
        return
    w, h, flags, bg, aspect = struct.unpack_from("<HHBBB", raw, 6)
    c.header.update(version=raw[:6].decode("latin-1"), width=w, height=h,
                    global_color_table=bool(flags & 0x80), color_table_size=(2 << (flags & 7)) if flags & 0x80 else 0)
    c.parts.append(Part("header", 0, 13, 6, 7))
    p = 13
    if flags & 0x80:
        size = 3 * (2 << (flags & 7))
        c.parts.append(Part("global color table", p, size, p, size))
        p += size
    c.end_offset = n
    while p < n:
        b = raw[p]
        if b == 0x3B:
            c.parts.append(Part("trailer", p, 1, p + 1, 0))
            c.end_offset = p + 1
            c.complete = True
            return
        if b == 0x21 and p + 2 <= n:
            label = raw[p + 1]
            name = _GIF_EXT_NAMES.get(label, f"extension 0x{label:02X}")
            end, spans = _gif_subblocks(raw, p + 2)
            part = Part(name, p, min(end, n) - p, p + 2, min(end, n) - p - 2, marker=label)
            if label == 0xFF and spans:
                part.note = raw[spans[0][0]:spans[0][0] + spans[0][1]].decode("latin-1")
            c.parts.append(part)
            if end > n:
                c.problems.append(f"{name} block at {p} is truncated")
                return
            p = end
        elif b == 0x2C and p + 10 <= n:
            lflags = raw[p + 9]
            q = p + 10 + ((3 * (2 << (lflags & 7))) if lflags & 0x80 else 0)
            if q >= n:
                c.problems.append(f"image block at {p} is truncated")
                return
            end, _ = _gif_subblocks(raw, q + 1)
            iw, ih = struct.unpack_from("<HH", raw, p + 5)
            part = Part("image", p, min(end, n) - p, q + 1, min(end, n) - q - 1, note=f"{iw}x{ih}")
            c.parts.append(part)
            c.pixel_ranges.append((q + 1, part.data_length))
            if end > n:
                c.problems.append(f"image data at {p} is truncated")
                return
            p = end
        else:
            c.problems.append(f"unexpected byte 0x{b:02X} at offset {p} (no trailer before it)")
            c.end_offset = p
            return
    c.problems.append("no GIF trailer")


# ------------------------------------------------------------------------------------------------ BMP

def _parse_bmp(c: Container) -> None:
    raw = c.raw
    n = len(raw)
    info = bmp_sizes(raw, 0)
    if info is None:
        c.problems.append("unreadable BMP header")
        c.end_offset = n
        return
    c.header.update(info)
    dib = info["dib_size"]
    c.parts.append(Part("file header", 0, 14, 2, 12))
    c.parts.append(Part("info header", 14, dib, 14, dib))
    p = 14 + dib
    if dib == 40 and info["compression"] in (3, 6):
        masks = 12 if info["compression"] == 3 else 16
        c.parts.append(Part("bit masks", p, masks, p, masks))
        p += masks
    if info["bpp"] <= 8:
        entries = 0
        if dib >= 40:
            entries = struct.unpack_from("<I", raw, 46)[0] if n >= 50 else 0
        entries = entries or (1 << info["bpp"])
        size = entries * (3 if dib == 12 else 4)
        size = max(0, min(size, info["pixel_offset"] - p))
        c.parts.append(Part("color table", p, size, p, size))
        p += size
    pix = info["pixel_offset"]
    if pix > p:
        c.gaps.append((p, pix - p))
    elif pix < p:
        c.problems.append(f"pixel data offset {pix} overlaps the headers (end at {p})")
    pixel_size = info["pixel_size"] or max(0, n - pix)
    c.parts.append(Part("pixel data", pix, min(pixel_size, max(0, n - pix)), pix, min(pixel_size, max(0, n - pix))))
    c.pixel_ranges.append((pix, min(pixel_size, max(0, n - pix))))
    computed_end = pix + pixel_size
    declared = info["bf_size"]
    if pix + pixel_size > n:
        c.problems.append(f"pixel data truncated ({pixel_size} bytes declared, {max(0, n - pix)} present)")
    if declared and declared != computed_end:
        c.problems.append(f"declared file size {declared} differs from headers + pixel data ({computed_end})")
    if declared != n:
        if declared:
            c.problems.append(f"declared file size {declared}, actual {n}")
    # Trailing data starts past both the declared size and the pixel data the header describes.
    c.end_offset = min(n, max(computed_end, declared if declared <= computed_end + 4 else computed_end))
    c.complete = computed_end <= n


# ----------------------------------------------------------------------------------------------- WEBP

def _parse_webp(c: Container) -> None:
    raw = c.raw
    n = len(raw)
    if n < 12 or raw[:4] != b"RIFF" or raw[8:12] != b"WEBP":
        c.problems.append("not a RIFF/WEBP header")
        c.end_offset = n
        return
    riff_end = 8 + struct.unpack_from("<I", raw, 4)[0]
    c.parts.append(Part("RIFF", 0, 12, 8, 4))
    p = 12
    stop = min(riff_end, n)
    while p + 8 <= stop:
        fourcc = raw[p:p + 4].decode("latin-1")
        size = struct.unpack_from("<I", raw, p + 4)[0]
        end = p + 8 + size + (size & 1)
        c.parts.append(Part(fourcc, p, min(end, n) - p, p + 8, min(size, max(0, n - p - 8))))
        if fourcc in ("VP8 ", "VP8L", "ANMF"):
            c.pixel_ranges.append((p + 8, min(size, max(0, n - p - 8))))
        if fourcc == "VP8X" and size >= 10:
            c.header.update(width=1 + int.from_bytes(raw[p + 12:p + 15], "little"),
                            height=1 + int.from_bytes(raw[p + 15:p + 18], "little"))
        p = end
    if riff_end > n:
        c.problems.append(f"RIFF size {riff_end} exceeds the file ({n} bytes): truncated")
        c.end_offset = n
        return
    c.end_offset = riff_end
    c.complete = True


# ------------------------------------------------------------------------------------------------ API

def parse_container(raw: bytes, format: str) -> Container:
    """The structure of `raw` read as `format` ("PNG", "JPEG", "GIF", "BMP"; others give an empty list).

    Never raises on bad data: what could not be read is listed in `problems`.
    """
    fmt = (format or "").upper()
    if fmt == "JPG":
        fmt = "JPEG"
    c = Container(format=fmt, raw=raw)
    parser = {"PNG": _parse_png, "JPEG": _parse_jpeg, "GIF": _parse_gif, "BMP": _parse_bmp,
              "WEBP": _parse_webp}.get(fmt)
    if parser is None:
        c.end_offset = len(raw)
        return c
    try:
        if fmt == "PNG" and not raw.startswith(PNG_MAGIC):
            c.problems.append("missing PNG signature")
        parser(c)
    except Exception as exc:  # defensive: a parser bug must not take the analysis down
        c.problems.append(f"structure parser stopped: {type(exc).__name__}: {exc}")
        if not c.end_offset:
            c.end_offset = len(raw)
    return c
