"""Known file signatures: recognise a file starting at an offset and compute its true length.

`match_at` validates more than the magic bytes (headers, chunk walks, decompression) so that random
bytes that happen to start like a file are not reported, and cuts the file where its own structure
says it ends. `scan` finds validated files anywhere in a buffer, like binwalk, using `bytes.find`
per magic so multi-megabyte buffers stay fast.
"""
from __future__ import annotations

import bz2
import lzma
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Callable

# Decompressing an embedded stream to learn its length stops after this much output (bombs).
MAX_DECOMPRESSED = 64 * 1024 * 1024
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Carved:
    """A file found in a buffer: `type` like "png"/"zip", bytes [offset, offset+length)."""

    type: str
    offset: int
    length: int
    description: str
    complete: bool = True  # False when the file runs past the end of the data (length = to the end)

    @property
    def end(self) -> int:
        return self.offset + self.length

    def bytes_of(self, data: bytes) -> bytes:
        return data[self.offset:self.end]


# A parser returns (length, description, complete) for a file starting at `off`, or None.
_Parsed = tuple[int, str, bool]
_Parser = Callable[[bytes, int], "_Parsed | None"]


def _u16be(d: bytes, o: int) -> int:
    return struct.unpack_from(">H", d, o)[0]


def _u32be(d: bytes, o: int) -> int:
    return struct.unpack_from(">I", d, o)[0]


def _u16le(d: bytes, o: int) -> int:
    return struct.unpack_from("<H", d, o)[0]


def _u32le(d: bytes, o: int) -> int:
    return struct.unpack_from("<I", d, o)[0]


# ---------------------------------------------------------------------------------------------- images

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png(d: bytes, off: int) -> _Parsed | None:
    p = off + 8
    if len(d) < p + 25 or d[p:p + 8] != b"\x00\x00\x00\x0dIHDR":
        return None
    w, h = _u32be(d, p + 8), _u32be(d, p + 12)
    if not (0 < w < 1 << 24 and 0 < h < 1 << 24):
        return None
    desc = f"PNG image {w}x{h}"
    n = len(d)
    while p + 12 <= n:
        length = _u32be(d, p)
        ctype = d[p + 4:p + 8]
        if length > 0x7FFFFFFF or not ctype.isalpha():
            return n - off, desc + " (damaged chunk list)", False
        p += 12 + length
        if ctype == b"IEND":
            if p > n:
                break
            return p - off, desc, True
    return n - off, desc + " (truncated)", False


_JPEG_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_JPEG_SECOND = set(range(0xC0, 0xD0)) | set(range(0xDB, 0xE0)) | set(range(0xE0, 0xF0)) | {0xFE, 0xDD}


def jpeg_end(d: bytes, off: int) -> tuple[int, bool]:
    """End of the JPEG starting at `off` (just after its EOI) walking segments; (end, complete)."""
    end, complete, _ = _jpeg_walk(d, off)
    return end, complete


def _jpeg_walk(d: bytes, off: int) -> tuple[int, bool, bool]:
    """(end, complete, saw a frame or scan header) for the JPEG at `off`."""
    n = len(d)
    p = off + 2
    framed = False
    while p + 4 <= n:
        if d[p] != 0xFF:
            return n, False, False  # not a marker where one must be: not (or no longer) a JPEG
        marker = d[p + 1]
        if marker == 0xFF:  # fill byte
            p += 1
            continue
        if marker == 0xD9:
            return p + 2, True, framed
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            p += 2
            continue
        seglen = _u16be(d, p + 2)
        if seglen < 2:
            return n, False, False
        if marker in (0xC0, 0xC1, 0xC2, 0xC4, 0xDB, 0xDA):
            framed = True
        p += 2 + seglen
        if marker == 0xDA:  # entropy-coded data up to the next real marker
            m = _JPEG_NEXT_MARKER.search(d, p)
            if m is None:
                return n, False, framed
            p = m.start()
    if p + 2 <= n and d[p:p + 2] == b"\xff\xd9":
        return p + 2, True, framed
    return n, False, framed


def _jpeg(d: bytes, off: int) -> _Parsed | None:
    if len(d) < off + 8 or d[off + 3] not in _JPEG_SECOND:
        return None
    if d[off + 3] != 0xD9 and _u16be(d, off + 4) < 2:
        return None
    end, complete, framed = _jpeg_walk(d, off)
    if not framed or end - off < 64:  # no tables, frame or scan header: not a JPEG
        return None
    desc = "JPEG image"
    sof = re.compile(rb"\xff[\xc0-\xc3\xc5-\xc7\xc9-\xcb\xcd-\xcf]").search(d, off, end)
    if sof and sof.start() + 9 <= end:
        h, w = _u16be(d, sof.start() + 5), _u16be(d, sof.start() + 7)
        desc = f"JPEG image {w}x{h}"
    return end - off, desc + ("" if complete else " (truncated)"), complete


def gif_end(d: bytes, off: int) -> tuple[int, bool]:
    """End of the GIF starting at `off` (just after its trailer byte); (end, complete)."""
    end, complete, _ = _gif_walk(d, off)
    return end, complete


def _gif_walk(d: bytes, off: int) -> tuple[int, bool, int]:
    """(end, complete, blocks read) of the GIF at `off`; a GIF cut by garbage ends where it starts."""
    n = len(d)
    p = off + 13
    if p > n:
        return n, False, 0
    flags = d[off + 10]
    if flags & 0x80:
        p += 3 * (2 << (flags & 7))
    blocks = 0
    while p < n:
        b = d[p]
        if b == 0x3B:
            return p + 1, True, blocks
        if b == 0x21:
            p += 2
        elif b == 0x2C:
            if p + 10 > n:
                return n, False, blocks
            lflags = d[p + 9]
            p += 10
            if lflags & 0x80:
                p += 3 * (2 << (lflags & 7))
            p += 1  # LZW minimum code size
        else:
            return p, False, blocks
        while p < n:  # data sub-blocks
            size = d[p]
            p += 1 + size
            if size == 0:
                blocks += 1
                break
    return n, False, blocks


def _gif(d: bytes, off: int) -> _Parsed | None:
    if len(d) < off + 14:
        return None
    w, h = _u16le(d, off + 6), _u16le(d, off + 8)
    if w == 0 or h == 0:
        return None
    end, complete, blocks = _gif_walk(d, off)
    if blocks == 0 or end - off < 20:
        return None
    return end - off, f"GIF image {w}x{h}" + ("" if complete else " (truncated)"), complete


BMP_DIB_SIZES = (12, 40, 52, 56, 64, 108, 124)


def bmp_sizes(d: bytes, off: int) -> dict | None:
    """BMP header fields: declared size, pixel offset, computed pixel-data size; None if not a BMP."""
    if len(d) < off + 26 or d[off:off + 2] != b"BM":
        return None
    bf_size, res1, res2, pix_off, dib = struct.unpack_from("<IHHII", d, off + 2)
    if dib not in BMP_DIB_SIZES or len(d) < off + 14 + min(dib, 40):
        return None
    if dib == 12:
        w, h, planes, bpp = struct.unpack_from("<HhHH", d, off + 18)
        compression = 0
    else:
        w, h, planes, bpp, compression, img_size = struct.unpack_from("<iiHHII", d, off + 18)
    if planes != 1 or bpp not in (1, 2, 4, 8, 16, 24, 32) or w <= 0 or h == 0 or w > 1 << 16 or abs(h) > 1 << 16:
        return None
    if pix_off < 14 + dib or pix_off > 1 << 24:
        return None
    row = ((w * bpp + 31) // 32) * 4
    pixel_size = row * abs(h) if compression in (0, 3, 6) else None
    if pixel_size is None and dib >= 40:
        pixel_size = img_size or None
    return {"bf_size": bf_size, "reserved1": res1, "reserved2": res2, "pixel_offset": pix_off, "dib_size": dib,
            "width": w, "height": h, "bpp": bpp, "compression": compression, "row_size": row,
            "pixel_size": pixel_size}


def _bmp(d: bytes, off: int) -> _Parsed | None:
    info = bmp_sizes(d, off)
    if info is None:
        return None
    computed = info["pixel_offset"] + (info["pixel_size"] or 0)
    declared = info["bf_size"]
    # Writers agree on bfSize = header + pixels; trust it when it is consistent with the pixel data.
    length = declared if computed <= declared <= computed + 4 else computed
    desc = f"BMP image {info['width']}x{abs(info['height'])} {info['bpp']}-bit"
    if off + length > len(d):
        return len(d) - off, desc + " (truncated)", False
    return length, desc, True


# -------------------------------------------------------------------------------------------- archives

def _zip(d: bytes, off: int) -> _Parsed | None:
    if len(d) < off + 30:
        return None
    version, _flags, method = struct.unpack_from("<HHH", d, off + 4)
    name_len, extra_len = struct.unpack_from("<HH", d, off + 26)
    if version > 100 or method not in (0, 1, 6, 8, 9, 12, 14, 93, 95, 98, 99) or name_len == 0 or name_len > 1024:
        return None
    name = d[off + 30:off + 30 + name_len]
    if len(name) < name_len or any(b < 0x20 for b in name):
        return None
    label = name.decode("utf-8", "replace")
    p = off
    while True:
        eocd = d.find(b"PK\x05\x06", p)
        if eocd < 0 or eocd + 22 > len(d):
            return len(d) - off, f"ZIP archive (first entry {label!r}, no end of central directory)", False
        entries, cd_size, cd_off, comment_len = struct.unpack_from("<HIIH", d, eocd + 10)
        # The central directory offset is relative to the archive's start (or the file's, if prefixed).
        if cd_off + cd_size in (eocd - off, eocd) or entries == 0xFFFF:
            end = min(len(d), eocd + 22 + comment_len)
            return end - off, f"ZIP archive, {entries} entr{'y' if entries == 1 else 'ies'} (first {label!r})", True
        p = eocd + 4


def _stream_length(d: bytes, off: int, make: Callable[[], object]) -> tuple[int, int, bool] | None:
    """(consumed input, output size, reached end) of a compressed stream at `off`, or None if invalid."""
    dec = make()
    total_out = 0
    pos = off
    n = len(d)
    view = memoryview(d)
    step = 4096  # most false starts fail within a few bytes: feed little first, then more
    try:
        while pos < n:
            chunk = view[pos:pos + step]
            step = min(step * 4, _CHUNK)
            out = dec.decompress(chunk)  # type: ignore[attr-defined]
            total_out += len(out)
            if dec.eof:  # type: ignore[attr-defined]
                used = len(chunk) - len(dec.unused_data)  # type: ignore[attr-defined]
                return pos + used - off, total_out, True
            pos += len(chunk)
            if total_out > MAX_DECOMPRESSED:
                return None if total_out == 0 else (n - off, total_out, False)
    except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError):
        return None
    return (n - off, total_out, False) if total_out else None


def zlib_length(d: bytes, off: int = 0) -> tuple[int, int, bool] | None:
    """(stream length, decompressed size, complete) of a zlib stream at `off`, or None."""
    return _stream_length(d, off, zlib.decompressobj)


def _zlib(d: bytes, off: int) -> _Parsed | None:
    if len(d) < off + 8 or (d[off] * 256 + d[off + 1]) % 31 or d[off] & 0x0F != 8 or d[off + 1] & 0x20:
        return None
    r = zlib_length(d, off)
    if r is None or not r[2] or r[1] == 0:  # weak magic: accept only a stream that ends with a good checksum
        return None
    return r[0], f"zlib stream ({r[1]} bytes decompressed)", True


def _gzip(d: bytes, off: int) -> _Parsed | None:
    if len(d) < off + 18 or d[off + 3] & 0xE0:
        return None
    r = _stream_length(d, off, lambda: zlib.decompressobj(16 + zlib.MAX_WBITS))
    if r is None:
        return None
    name = ""
    if d[off + 3] & 0x08:  # FNAME (after FEXTRA if present)
        p = off + 10
        if d[off + 3] & 0x04:
            p += 2 + _u16le(d, p)
        e = d.find(b"\x00", p, p + 256)
        if e > 0:
            name = f" {d[p:e].decode('latin-1')!r}"
    return r[0], f"gzip{name} ({r[1]} bytes decompressed)" + ("" if r[2] else " (truncated)"), r[2]


def _bzip2(d: bytes, off: int) -> _Parsed | None:
    if len(d) < off + 10 or not (0x31 <= d[off + 3] <= 0x39) or d[off + 4:off + 10] != b"1AY&SY":
        return None
    r = _stream_length(d, off, bz2.BZ2Decompressor)
    if r is None:
        return None
    return r[0], f"bzip2 ({r[1]} bytes decompressed)" + ("" if r[2] else " (truncated)"), r[2]


def _xz(d: bytes, off: int) -> _Parsed | None:
    r = _stream_length(d, off, lambda: lzma.LZMADecompressor(lzma.FORMAT_XZ))
    if r is None:
        return None
    return r[0], f"xz ({r[1]} bytes decompressed)" + ("" if r[2] else " (truncated)"), r[2]


def _7z(d: bytes, off: int) -> _Parsed | None:
    if len(d) < off + 32 or d[off + 6] != 0:
        return None
    start_crc = _u32le(d, off + 8)
    if zlib.crc32(d[off + 12:off + 32]) != start_crc:
        return None
    next_off, next_size = struct.unpack_from("<QQ", d, off + 12)
    length = 32 + next_off + next_size
    if off + length > len(d):
        return len(d) - off, "7-Zip archive (truncated)", False
    return length, "7-Zip archive", True


def _vint(d: bytes, p: int) -> tuple[int, int]:
    value = shift = 0
    while p < len(d) and shift < 64:
        b = d[p]
        p += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, p
        shift += 7
    raise ValueError("bad vint")


def _rar(d: bytes, off: int) -> _Parsed | None:
    n = len(d)
    try:
        if d[off + 6] == 0x01 and d[off + 7] == 0x00:  # RAR 5
            p = off + 8
            while p + 7 <= n:
                hsize, q = _vint(d, p + 4)
                if hsize == 0 or hsize > 1 << 21:
                    return None
                htype, q2 = _vint(d, q)
                hflags, q3 = _vint(d, q2)
                if hflags & 1:
                    _, q3 = _vint(d, q3)
                data_size = _vint(d, q3)[0] if hflags & 2 else 0
                if p == off + 8 and htype != 1:  # the main archive header comes first
                    return None
                p = q + hsize + data_size
                if htype == 5:
                    return min(p, n) - off, "RAR 5 archive", p <= n
            return n - off, "RAR 5 archive (truncated)", False
        if d[off + 6] == 0x00:  # RAR 1.5-4
            p = off + 7
            first = True
            while p + 7 <= n:
                htype = d[p + 2]
                hflags, hsize = _u16le(d, p + 3), _u16le(d, p + 5)
                if hsize < 7 or not (0x72 <= htype <= 0x7B):
                    return None if first else (n - off, "RAR archive (damaged)", False)
                if first and htype != 0x73:
                    return None
                first = False
                add = _u32le(d, p + 7) if hflags & 0x8000 and p + 11 <= n else 0
                p += hsize + add
                if htype == 0x7B:
                    return min(p, n) - off, "RAR archive", p <= n
            return n - off, "RAR archive", False
    except (ValueError, struct.error, IndexError):
        return None
    return None


# ------------------------------------------------------------------------------ documents, programs, media

def _pdf(d: bytes, off: int) -> _Parsed | None:
    if len(d) < off + 8 or not d[off + 5:off + 6].isdigit():
        return None
    eof = d.rfind(b"%%EOF", off)
    if eof < 0:
        return len(d) - off, "PDF document (no %%EOF)", False
    end = eof + 5
    while end < len(d) and end < eof + 7 and d[end] in b"\r\n":
        end += 1
    return end - off, f"PDF document {d[off + 1:off + 8].decode('latin-1')}", True


def _elf(d: bytes, off: int) -> _Parsed | None:
    if len(d) < off + 52:
        return None
    cls, endian, version = d[off + 4], d[off + 5], d[off + 6]
    if cls not in (1, 2) or endian not in (1, 2) or version != 1:
        return None
    e = "<" if endian == 1 else ">"
    try:
        if cls == 1:
            phoff, shoff = struct.unpack_from(e + "II", d, off + 28)
            phentsize, phnum, shentsize, shnum = struct.unpack_from(e + "HHHH", d, off + 42)
        else:
            phoff, shoff = struct.unpack_from(e + "QQ", d, off + 32)
            phentsize, phnum, shentsize, shnum = struct.unpack_from(e + "HHHH", d, off + 54)
        end = max(shoff + shentsize * shnum, phoff + phentsize * phnum)
        for i in range(min(phnum, 256)):
            base = off + phoff + i * phentsize
            if cls == 1:  # p_offset at +4, p_filesz at +16
                p_offset, = struct.unpack_from(e + "I", d, base + 4)
                p_filesz, = struct.unpack_from(e + "I", d, base + 16)
            else:  # p_offset at +8, p_filesz at +32
                p_offset, = struct.unpack_from(e + "Q", d, base + 8)
                p_filesz, = struct.unpack_from(e + "Q", d, base + 32)
            end = max(end, p_offset + p_filesz)
    except struct.error:
        return len(d) - off, "ELF executable (truncated headers)", False
    if end <= 52 or end > 1 << 32:
        return None
    kind = {1: "32-bit", 2: "64-bit"}[cls]
    if off + end > len(d):
        return len(d) - off, f"ELF {kind} executable (truncated)", False
    return end, f"ELF {kind} executable", True


def _pe(d: bytes, off: int) -> _Parsed | None:
    if len(d) < off + 0x40:
        return None
    lfanew = _u32le(d, off + 0x3C)
    pe = off + lfanew
    if lfanew < 0x40 or lfanew > 0x1000 or d[pe:pe + 4] != b"PE\x00\x00" or len(d) < pe + 24:
        return None
    nsec, opt_size = _u16le(d, pe + 6), _u16le(d, pe + 20)
    sec = pe + 24 + opt_size
    end = sec + 40 * nsec - off
    for i in range(min(nsec, 96)):
        s = sec + 40 * i
        if s + 40 > len(d):
            return len(d) - off, "PE executable (truncated)", False
        raw_size, raw_ptr = struct.unpack_from("<II", d, s + 16)
        end = max(end, raw_ptr + raw_size)
    if off + end > len(d):
        return len(d) - off, "PE executable (truncated)", False
    return end, "PE executable (Windows)", True


def _riff(d: bytes, off: int) -> _Parsed | None:
    if len(d) < off + 12:
        return None
    form = d[off + 8:off + 12]
    if form not in (b"WAVE", b"AVI ", b"WEBP", b"RMID", b"ACON"):
        return None
    length = 8 + _u32le(d, off + 4)
    length += length & 1
    name = {b"WAVE": "WAV audio", b"AVI ": "AVI video", b"WEBP": "WebP image"}.get(form, "RIFF " + form.decode())
    if length < 12:
        return None
    if off + length > len(d):
        return len(d) - off, name + " (truncated)", False
    return length, name, True


def _ogg(d: bytes, off: int) -> _Parsed | None:
    n = len(d)
    p = off
    pages = 0
    while p + 27 <= n and d[p:p + 5] == b"OggS\x00":
        flags, nseg = d[p + 5], d[p + 26]
        if p + 27 + nseg > n:
            break
        p += 27 + nseg + sum(d[p + 27:p + 27 + nseg])
        pages += 1
        if flags & 0x04:  # end of stream
            return min(p, n) - off, f"Ogg stream ({pages} pages)", p <= n
    if pages == 0:
        return None
    return min(p, n) - off, f"Ogg stream ({pages} pages)", p <= n


_MP3_BITRATES = {  # kbps by (version bit, layer bits) -> table
    (1, 1): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG1 layer III
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),  # MPEG1 layer II
    (0, 1): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG2 layer III
    (0, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MP3_RATES = {1: (44100, 48000, 32000), 0: (22050, 24000, 16000)}


def _mp3_frame(d: bytes, p: int) -> int:
    """Length of the MPEG audio frame at p, or 0."""
    if p + 4 > len(d) or d[p] != 0xFF or (d[p + 1] & 0xE0) != 0xE0:
        return 0
    ver = (d[p + 1] >> 3) & 3
    layer = (d[p + 1] >> 1) & 3
    if ver == 1 or layer not in (1, 2):
        return 0
    v1 = 1 if ver == 3 else 0
    br_i, sr_i, pad = d[p + 2] >> 4, (d[p + 2] >> 2) & 3, (d[p + 2] >> 1) & 1
    if br_i in (0, 15) or sr_i == 3:
        return 0
    bitrate = _MP3_BITRATES[(v1, layer)][br_i] * 1000
    rate = _MP3_RATES[v1][sr_i] // (1 if ver != 0 else 2)
    coeff = 144 if (layer == 2 or v1) else 72
    return coeff * bitrate // rate + pad


def _mp3_frames(d: bytes, p: int) -> tuple[int, int]:
    frames = 0
    while True:
        size = _mp3_frame(d, p)
        if size < 24:
            return p, frames
        p += size
        frames += 1


def _mp3(d: bytes, off: int) -> _Parsed | None:
    p = off
    if d[off:off + 3] == b"ID3":
        if len(d) < off + 10 or d[off + 3] > 4 or any(b & 0x80 for b in d[off + 6:off + 10]):
            return None
        size = (d[off + 6] << 21) | (d[off + 7] << 14) | (d[off + 8] << 7) | d[off + 9]
        p = off + 10 + size + (10 if d[off + 5] & 0x10 else 0)
        end, frames = _mp3_frames(d, p)
        if frames == 0:
            return None
    else:
        end, frames = _mp3_frames(d, p)
        if frames < 4:  # a bare frame sync is weak evidence
            return None
    if end > len(d):
        return len(d) - off, f"MP3 audio ({frames} frames, truncated)", False
    return end - off, f"MP3 audio ({frames} frames)", True


def _sqlite(d: bytes, off: int) -> _Parsed | None:
    if len(d) < off + 100:
        return None
    page = _u16be(d, off + 16)
    page = 65536 if page == 1 else page
    count = _u32be(d, off + 28)
    if page < 512 or page & (page - 1) or count == 0:
        return None
    length = page * count
    if off + length > len(d):
        return len(d) - off, "SQLite database (truncated)", False
    return length, f"SQLite database ({count} pages)", True


# ----------------------------------------------------------------------------------------------- table

@dataclass(frozen=True)
class _Sig:
    type: str
    magics: tuple[bytes, ...]
    parse: _Parser
    repeats_inside: bool = False  # its magic recurs inside the file itself (skip those hits)
    scan_magics: tuple[bytes, ...] | None = None  # what scan() searches for, when narrower than `magics`


SIGNATURES: tuple[_Sig, ...] = (
    _Sig("png", (PNG_MAGIC,), _png),
    _Sig("jpeg", (b"\xff\xd8\xff",), _jpeg),
    _Sig("gif", (b"GIF87a", b"GIF89a"), _gif, scan_magics=(b"GIF8",)),
    _Sig("bmp", (b"BM",), _bmp),
    _Sig("zip", (b"PK\x03\x04",), _zip, repeats_inside=True),
    _Sig("gzip", (b"\x1f\x8b\x08",), _gzip),
    _Sig("bzip2", (b"BZh",), _bzip2),
    _Sig("xz", (b"\xfd7zXZ\x00",), _xz),
    _Sig("7z", (b"7z\xbc\xaf\x27\x1c",), _7z),
    _Sig("rar", (b"Rar!\x1a\x07",), _rar),
    _Sig("pdf", (b"%PDF-",), _pdf),
    _Sig("elf", (b"\x7fELF",), _elf),
    _Sig("pe", (b"MZ",), _pe),
    _Sig("wav", (b"RIFF",), _riff),
    _Sig("ogg", (b"OggS\x00",), _ogg, repeats_inside=True),
    _Sig("mp3", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xfa"), _mp3, repeats_inside=True,
         scan_magics=(b"ID3",)),  # bare frame syncs are too common to search for everywhere
    _Sig("sqlite", (b"SQLite format 3\x00",), _sqlite),
    _Sig("zlib", (b"\x78\x9c", b"\x78\xda", b"\x78\x01", b"\x78\x5e"), _zlib),
)

_BY_FIRST_BYTES: dict[bytes, list[_Sig]] = {}
for _s in SIGNATURES:
    for _m in _s.magics:
        _BY_FIRST_BYTES.setdefault(_m[:2], []).append(_s)


def _type_name(sig: _Sig, d: bytes, off: int) -> str:
    if sig.type == "wav":
        return {b"WAVE": "wav", b"AVI ": "avi", b"WEBP": "webp"}.get(d[off + 8:off + 12], "riff")
    return sig.type


def _try(sig: _Sig, d: bytes, off: int) -> Carved | None:
    if not any(d.startswith(m, off) for m in sig.magics):
        return None
    try:
        parsed = sig.parse(d, off)
    except (struct.error, IndexError, ValueError, OverflowError, MemoryError):
        return None
    if parsed is None:
        return None
    length, desc, complete = parsed
    if length <= 0:
        return None
    return Carved(_type_name(sig, d, off), off, min(length, len(d) - off), desc, complete)


def match_at(data: bytes, offset: int = 0) -> Carved | None:
    """The known file that starts exactly at `offset`, validated and cut to its true length, or None."""
    if offset < 0 or offset + 2 > len(data):
        return None
    for sig in _BY_FIRST_BYTES.get(data[offset:offset + 2], ()):
        hit = _try(sig, data, offset)
        if hit is not None:
            return hit
    return None


def scan(data: bytes, *, start: int = 0, end: int | None = None, max_hits: int = 64,
         types: set[str] | None = None) -> list[Carved]:
    """Validated files starting in data[start:end], sorted by offset (binwalk-like); a file may run past
    `end` (it is validated against all of `data`).

    Hits inside a file of the same type that recurs internally (ZIP entries, Ogg pages, MP3 frames) are
    dropped; other nested files (a PNG inside a ZIP) are kept. `types` restricts the search.
    """
    hits: list[Carved] = []
    for sig in SIGNATURES:
        if types is not None and sig.type not in types:
            continue
        for magic in sig.scan_magics or sig.magics:
            # A match must start before `end`; it may finish after it.
            stop = len(data) if end is None else min(end + len(magic) - 1, len(data))
            pos = data.find(magic, start, stop)
            covered_until = -1
            tries = 0
            while pos >= 0 and tries < 20000:
                tries += 1
                if pos >= covered_until:
                    hit = _try(sig, data, pos)
                    if hit is not None:
                        hits.append(hit)
                        if sig.repeats_inside:
                            covered_until = hit.end
                pos = data.find(magic, pos + 1, stop)
    hits.sort(key=lambda c: (c.offset, -c.length))
    out: list[Carved] = []
    for h in hits:
        if out and h.offset == out[-1].offset:
            continue  # two signatures on the same bytes: keep the longest
        if any(h.type == o.type and o.offset < h.offset < o.end for o in out if o.type in _REPEATING):
            continue
        out.append(h)
        if len(out) >= max_hits:
            break
    return out


_REPEATING = {s.type for s in SIGNATURES if s.repeats_inside}
