"""Quantised DCT coefficients of a baseline JPEG, read straight from the Huffman-coded scan.

JPEG steganography tools (stegpy's JPEG mode, jsteg, ...) hide bits in these coefficients, which the
decoded pixels no longer show. This reader handles sequential Huffman JPEGs (SOF0/SOF1), interleaved
or not, with restart intervals; it can stop early once the first blocks of the first component are
decoded, which is all a header check needs. Progressive and arithmetic-coded files raise
UnsupportedJpeg.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field

import numpy as np


class UnsupportedJpeg(ValueError):
    """A JPEG this reader does not decode (progressive, arithmetic, lossless, 12-bit) or a broken one."""


@dataclass
class Component:
    ident: int
    h: int
    v: int
    tq: int = 0  # quantisation table id
    blocks_w: int = 0
    blocks_h: int = 0
    coefs: np.ndarray | None = None  # (blocks_h, blocks_w, 64) int32, zigzag order, DC at index 0


@dataclass
class DctImage:
    """Coefficients per component (Y first), as stored in the file."""

    width: int
    height: int
    components: list[Component] = field(default_factory=list)
    qtables: dict[int, np.ndarray] = field(default_factory=dict)  # id -> 64 steps in zigzag order
    complete: bool = True  # False when decoding stopped early (max_blocks) or the scan was cut short
    # blocks of the first component in the order the file codes them (edge padding blocks included),
    # recorded on request: jsteg-like tools hide bits in that order
    decode_order: list[list[int]] = field(default_factory=list)


_MARKER_END = re.compile(rb"\xff[^\x00\xd0-\xd7]")

# ZIGZAG[k] is the natural (row-major) index of the k-th coefficient in zigzag order.
ZIGZAG = np.array([
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
    28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
    54, 47, 55, 62, 63])


def natural_order(zigzag: np.ndarray) -> np.ndarray:
    """Coefficients (..., 64) in zigzag order -> natural order, as libjpeg keeps them."""
    natural = np.empty_like(zigzag)
    natural[..., ZIGZAG] = zigzag
    return natural


def _huffman_table(counts: bytes, symbols: bytes) -> np.ndarray:
    """A 65536-entry lookahead table: 16 bits -> symbol | code length << 8 (0 = invalid code)."""
    table = np.zeros(1 << 16, dtype=np.int64)
    code, k = 0, 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            shift = 16 - length
            table[code << shift:(code + 1) << shift] = symbols[k] | (length << 8)
            code += 1
            k += 1
        code <<= 1
    return table


# A decoding table maps the next 16 bits of the scan to one packed int. When the Huffman code and the
# magnitude bits after it fit in those 16 bits (almost always), the entry holds everything: bits used,
# run length and coefficient value. Otherwise it holds the code length and size to read the rest.
_FITS = 1 << 25


def _decoding_table(counts: bytes, symbols: bytes, *, dc: bool) -> list[int]:
    base = _huffman_table(counts, symbols)
    peek = np.arange(1 << 16, dtype=np.int64)
    length, symbol = base >> 8, base & 255
    run = np.zeros_like(symbol) if dc else symbol >> 4
    size = symbol if dc else symbol & 15
    total = length + size
    fits = (total <= 16) & (length > 0)
    magnitude = (peek >> np.clip(16 - total, 0, 16)) & ((1 << size) - 1)
    half = 1 << np.maximum(size - 1, 0)
    value = np.where(size == 0, 0, np.where(magnitude >= half, magnitude, magnitude - (1 << size) + 1))
    value = np.where(fits, value, 0)
    entry = (np.where(fits, total, length) | (run << 5) | ((value + 32768) << 9) | (fits.astype(np.int64) << 25)
             | (size << 26) | (length << 30))
    return np.where(length > 0, entry, 0).tolist()


def read_dct(raw: bytes, *, max_blocks: int | None = None, record_order: bool = False,
             max_decoded: int | None = None) -> DctImage:
    """Decode coefficients. With `max_blocks`, stop once that many blocks of the first component are
    complete in raster order (the rest stay zero and `complete` is False). `record_order` keeps the
    first component's blocks in file order in `decode_order`; `max_decoded` stops once that many of
    them are decoded."""
    if not raw.startswith(b"\xff\xd8"):
        raise UnsupportedJpeg("not a JPEG")
    pos = 2
    dc_tables: dict[int, list[int]] = {}
    ac_tables: dict[int, list[int]] = {}
    restart = 0
    image: DctImage | None = None
    qtables: dict[int, np.ndarray] = {}
    while pos + 4 <= len(raw):
        if raw[pos] != 0xFF:
            pos += 1
            continue
        marker = raw[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker == 0xD9:
            break
        length = int.from_bytes(raw[pos + 2:pos + 4], "big")
        seg = raw[pos + 4:pos + 2 + length]
        pos += 2 + length
        if marker in (0xC0, 0xC1):
            if seg[0] != 8:
                raise UnsupportedJpeg("12-bit JPEG")
            height, width, n = int.from_bytes(seg[1:3], "big"), int.from_bytes(seg[3:5], "big"), seg[5]
            image = DctImage(width, height, qtables=qtables)
            for c in range(n):
                ident, hv = seg[6 + 3 * c], seg[7 + 3 * c]
                image.components.append(Component(ident, hv >> 4, hv & 15, seg[8 + 3 * c]))
        elif marker in (0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            raise UnsupportedJpeg("progressive, lossless or arithmetic-coded JPEG")
        elif marker == 0xC4:
            p = 0
            while p + 17 <= len(seg):
                tc, th = seg[p] >> 4, seg[p] & 15
                counts = seg[p + 1:p + 17]
                total = sum(counts)
                table = _decoding_table(counts, seg[p + 17:p + 17 + total], dc=tc == 0)
                (dc_tables if tc == 0 else ac_tables)[th] = table
                p += 17 + total
        elif marker == 0xDB:
            p = 0
            while p < len(seg):
                precision, tid = seg[p] >> 4, seg[p] & 15
                size = 128 if precision else 64
                values = np.frombuffer(seg[p + 1:p + 1 + size], dtype=">u2" if precision else np.uint8)
                qtables[tid] = values.astype(np.int32)
                p += 1 + size
        elif marker == 0xDD:
            restart = int.from_bytes(seg[0:2], "big")
        elif marker == 0xDA:
            if image is None:
                raise UnsupportedJpeg("scan before frame header")
            m = _MARKER_END.search(raw, pos)
            end = m.start() if m else len(raw)
            _decode_scan(image, seg, raw[pos:end], dc_tables, ac_tables, restart, max_blocks,
                         record_order or max_decoded is not None, max_decoded)
            pos = end
            if (max_blocks is not None or max_decoded is not None) and not image.complete:
                return image
    if image is None:
        raise UnsupportedJpeg("no frame header")
    return image


def _decode_scan(image: DctImage, seg: bytes, data: bytes, dc_tables: dict[int, list[int]],
                 ac_tables: dict[int, list[int]], restart: int, max_blocks: int | None,
                 record_order: bool = False, max_decoded: int | None = None) -> None:
    hmax = max(c.h for c in image.components)
    vmax = max(c.v for c in image.components)
    for c in image.components:
        c.blocks_w = -(-(-(-image.width * c.h // hmax)) // 8)
        c.blocks_h = -(-(-(-image.height * c.v // vmax)) // 8)
        if c.coefs is None:
            c.coefs = np.zeros((c.blocks_h, c.blocks_w, 64), dtype=np.int32)
    n = seg[0]
    by_id = {c.ident: c for c in image.components}
    scan = []
    for k in range(n):
        comp = by_id.get(seg[1 + 2 * k])
        if comp is None:
            raise UnsupportedJpeg("scan names an unknown component")
        t = seg[2 + 2 * k]
        if (t >> 4) not in dc_tables or (t & 15) not in ac_tables:
            raise UnsupportedJpeg("missing Huffman table")
        scan.append((comp, dc_tables[t >> 4], ac_tables[t & 15]))
    if n == 1:
        comp = scan[0][0]
        mcus_x, mcus_y = comp.blocks_w, comp.blocks_h
        layout = [(scan[0], 0, 0)]
        unit_w = unit_h = 1
    else:
        mcus_x = -(-image.width // (8 * hmax))
        mcus_y = -(-image.height // (8 * vmax))
        layout = [(s, dy, dx) for s in scan for dy in range(s[0].v) for dx in range(s[0].h)]
        unit_w = unit_h = None
    first = image.components[0]
    segments = re.split(rb"\xff[\xd0-\xd7]", data) if restart else [data]
    seg_iter = iter(segments)
    data, pos, limit = _unstuffed(next(seg_iter))
    comps = [s[0] for s in scan]
    slots = [(comps.index(comp), dct, act, dy, dx) for (comp, dct, act), dy, dx in layout]
    preds = [0] * len(comps)
    decoded: list[list[list[int]]] = [[] for _ in comps]  # blocks inside the image, per component
    where: list[list[int]] = [[] for _ in comps]  # their flat block index
    record = record_order and first in comps
    first_slot = comps.index(first) if first in comps else -1
    total = mcus_x * mcus_y
    try:
        for mcu in range(total):
            if restart and mcu and mcu % restart == 0:
                try:
                    data, pos, limit = _unstuffed(next(seg_iter))
                except StopIteration:
                    image.complete = False
                    return
                preds = [0] * len(comps)
            my, mx = divmod(mcu, mcus_x)
            for ci, dct, act, dy, dx in slots:
                block, pos, preds[ci] = _decode_block(data, pos, dct, act, preds[ci])
                comp = comps[ci]
                if unit_w is None:
                    by, bx = my * comp.v + dy, mx * comp.h + dx
                else:
                    by, bx = my, mx
                if record and ci == first_slot:
                    image.decode_order.append(block)
                if by < comp.blocks_h and bx < comp.blocks_w:
                    decoded[ci].append(block)
                    where[ci].append(by * comp.blocks_w + bx)
                    if len(where[ci]) >= _FLUSH_BLOCKS:  # lists of ints take 8x the memory of the array
                        _store(comp, decoded[ci], where[ci])
            if pos > limit + 64:
                image.complete = False  # ran past the data: truncated file
                return
            if max_decoded is not None and len(image.decode_order) >= max_decoded and mcu < total - 1:
                image.complete = False
                return
            if max_blocks is not None and scan[0][0] is first and mcu < total - 1:
                # blocks of the first component complete in raster order so far
                if unit_w is not None:
                    done = mcu + 1
                elif mx == mcus_x - 1:
                    done = (my + 1) * first.v * first.blocks_w
                else:
                    done = my * first.v * first.blocks_w + min((mx + 1) * first.h, first.blocks_w)
                if done >= max_blocks:
                    image.complete = False
                    return
    finally:
        for comp, blocks, idx in zip(comps, decoded, where):
            _store(comp, blocks, idx)


_FLUSH_BLOCKS = 4096


def _store(comp: Component, blocks: list[list[int]], where: list[int]) -> None:
    """Move decoded blocks into the component's array (and empty the lists)."""
    if blocks:
        comp.coefs.reshape(-1, 64)[where] = np.array(blocks, dtype=np.int32)
    blocks.clear()
    where.clear()


def _unstuffed(segment: bytes) -> tuple[array, int, int]:
    """The entropy-coded bytes without stuffing, padded with 1 bits as JPEG pads, as 32-bit big-endian
    windows starting at every byte (one index instead of a slice per read); start and end bit."""
    data = np.frombuffer(segment.replace(b"\xff\x00", b"\xff") + b"\xff\xff\xff\xff", np.uint8).astype(np.uint32)
    windows = array("I")
    windows.frombytes(((data[:-3] << 24) | (data[1:-2] << 16) | (data[2:-1] << 8) | data[3:]).tobytes())
    return windows, 0, (len(data) - 4) * 8


def _decode_block(data: array, pos: int, dct: list[int], act: list[int], pred: int) -> tuple[list[int], int, int]:
    """One block's 64 coefficients (zigzag order) from bit `pos` of the windows `data`; the new position
    and DC predictor."""
    block = [0] * 64
    e = dct[(data[pos >> 3] >> (16 - (pos & 7))) & 0xFFFF]
    if not e:
        raise UnsupportedJpeg("invalid Huffman code in the scan")
    if e & _FITS:
        pos += e & 31
        pred += ((e >> 9) & 0xFFFF) - 32768
    else:
        pos += e >> 30
        s = (e >> 26) & 15
        v = (data[pos >> 3] >> (32 - (pos & 7) - s)) & ((1 << s) - 1)
        pos += s
        pred += v if v >= 1 << (s - 1) else v - (1 << s) + 1
    block[0] = pred
    k = 1
    while k < 64:
        e = act[(data[pos >> 3] >> (16 - (pos & 7))) & 0xFFFF]
        if e & _FITS:
            pos += e & 31
            if not (e >> 26) & 15:  # no coefficient: end of block, or a run of 16 zeros
                if (e >> 5) & 15 != 15:
                    break
                k += 16
                continue
            k += (e >> 5) & 15
            if k > 63:
                raise UnsupportedJpeg("corrupt AC coefficients")
            block[k] = ((e >> 9) & 0xFFFF) - 32768
        else:
            if not e:
                raise UnsupportedJpeg("invalid Huffman code in the scan")
            pos += e >> 30
            s = (e >> 26) & 15
            k += (e >> 5) & 15
            if k > 63:
                raise UnsupportedJpeg("corrupt AC coefficients")
            v = (data[pos >> 3] >> (32 - (pos & 7) - s)) & ((1 << s) - 1)
            pos += s
            block[k] = v if v >= 1 << (s - 1) else v - (1 << s) + 1
        k += 1
    return block, pos, pred
