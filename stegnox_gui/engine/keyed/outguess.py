"""OutGuess 0.2/0.4's JPEG embedding: find and extract its payload given a key.

OutGuess reads one bit, the LSB, from every quantised DCT coefficient whose value is neither 0 nor 1, in
the order libjpeg decodes them (MCU by MCU, each block's 64 coefficients in natural order, DC included).
A key-seeded ARC4 stream ("Seeding") walks that bit list with pseudo-random skips; the first 32 bits are a
header (16-bit seed, 16-bit length) XORed with a second ARC4 stream ("Encryption"); the seed re-keys the
walk, whose skips then spread the data over the rest of the image; the data is XORed with the start of
the "Encryption" stream again. Nothing checks the key, so a candidate key is accepted only when the
header is plausible and the data reads as text or a known file.

All candidate keys run side by side in numpy (one ARC4 state per row), as stegseek does for steghide.
Error-correcting embeddings (`outguess -e`) are not read.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable

import numpy as np

from stegnox_gui.engine.jpeg_dct import DctImage, natural_order

HEADER_BYTES = 4
PROBE_BYTES = 16  # data bytes read for every key with a plausible header before the full read
INIT_SKIPMOD = 32
MAX_SEED = 4096  # `outguess -i N` searches seeds below N; the default is 256


def cover_bits(dct: DctImage) -> np.ndarray:
    """OutGuess's bit list: the LSB of every coefficient that is neither 0 nor 1, blocks in decoding
    order (MCU by MCU; inside an MCU each component's blocks row by row), coefficients in natural order."""
    comps = dct.components
    if len(comps) == 1:  # a one-component scan is not interleaved: one block per MCU
        sampling, mcus_x = [(1, 1)], comps[0].blocks_w
    else:
        sampling = [(c.h, c.v) for c in comps]
        mcus_x = -(-dct.width // (8 * max(c.h for c in comps)))
    keys_mcu, keys_within, parity, usable = [], [], [], []
    offset = 0
    for c, (h, v) in zip(comps, sampling):
        by, bx = np.meshgrid(np.arange(c.blocks_h), np.arange(c.blocks_w), indexing="ij")
        keys_mcu.append(((by // v) * mcus_x + bx // h).ravel())
        keys_within.append((offset + (by % v) * h + bx % h).ravel())
        # as bytes: reordering them is far cheaper than reordering the coefficients
        parity.append(natural_order((c.coefs & 1).astype(np.uint8)).reshape(-1, 64))
        usable.append(natural_order(((c.coefs != 0) & (c.coefs != 1)).view(np.uint8)).reshape(-1, 64))
        offset += h * v
    order = np.lexsort((np.concatenate(keys_within), np.concatenate(keys_mcu)))
    keep = np.concatenate(usable)[order].reshape(-1).view(bool)
    return np.concatenate(parity)[order].reshape(-1)[keep]


class _Arc4:
    """One ARC4 stream per row, stepped together (OutGuess's arc.c: OpenBSD's arc4random). Every row
    draws the same number of bytes, so the index i is shared; only j and the state differ."""

    def __init__(self, keys: np.ndarray) -> None:
        n = len(keys)
        self.s = np.tile(np.arange(256, dtype=np.int32), (n, 1))
        self.i = 0
        self.j = np.zeros(n, np.int64)
        self._base = np.arange(n, dtype=np.int64) * 256
        self.add_random(keys)

    def take(self, rows: np.ndarray) -> "_Arc4":
        """The streams of some rows only (a copy)."""
        new = object.__new__(_Arc4)
        new.s, new.i, new.j = self.s[rows].copy(), self.i, self.j[rows].copy()
        new._base = np.arange(len(rows), dtype=np.int64) * 256
        return new

    def add_random(self, data: np.ndarray) -> None:
        """arc4_addrandom: stir `data` (rows x length bytes) into the state."""
        s, flat, base = self.s, self.s.reshape(-1), self._base
        i, j = (self.i - 1) & 255, self.j
        width = data.shape[1]
        for n in range(256):
            i = (i + 1) & 255
            si = s[:, i].copy()
            j = (j + si + data[:, n % width]) & 255
            s[:, i] = flat[base + j]
            flat[base + j] = si
        self.i, self.j = i, j

    def byte(self) -> np.ndarray:
        s, flat, base = self.s, self.s.reshape(-1), self._base
        self.i = i = (self.i + 1) & 255
        si = s[:, i].copy()
        self.j = (self.j + si) & 255
        at_j = base + self.j
        sj = flat[at_j]
        s[:, i] = sj
        flat[at_j] = si
        return flat[base + ((si + sj) & 255)].astype(np.int64)

    def word(self) -> np.ndarray:
        value = np.zeros(len(self.j), np.int64)
        for _ in range(4):
            value = (value << 8) | self.byte()
        return value


class _Arc4One:
    """One ARC4 stream in plain Python: reading one key's whole payload, numpy's per-call cost would
    dominate."""

    def __init__(self, label: bytes, key: str) -> None:
        self.s, self.i, self.j = list(range(256)), 0, 0
        self.add_random(hashlib.md5(label + key.encode("utf-8", "surrogateescape")).digest())

    def add_random(self, data: bytes) -> None:
        s, i, j = self.s, (self.i - 1) & 255, self.j
        for n in range(256):
            i = (i + 1) & 255
            si = s[i]
            j = (j + si + data[n % len(data)]) & 255
            s[i], s[j] = s[j], si
        self.i, self.j = i, j

    def byte(self) -> int:
        s = self.s
        self.i = i = (self.i + 1) & 255
        si = s[i]
        self.j = j = (self.j + si) & 255
        sj = s[j]
        s[i], s[j] = sj, si
        return s[(si + sj) & 255]

    def word(self) -> int:
        b = self.byte
        return (b() << 24) | (b() << 16) | (b() << 8) | b()


def _skipmod(n_bits: int, off, remaining):
    """iterator_adapt in C's single-precision arithmetic (arrays or scalars): the skips shrink so the
    data left fits the bits left."""
    y = np.asarray(n_bits - off)
    seg = n_bits // 32
    adj = np.where(y > seg, np.float32(2), np.float32(2) - (seg - y).astype(np.float32) / np.float32(max(seg, 1)))
    skip = (adj.astype(np.float32) * y.astype(np.float32)) / np.asarray(8 * remaining).astype(np.float32)
    # rows already past the end give nonsense here; the readers drop them
    return np.nan_to_num(np.clip(skip, 0, 2**31), nan=0.0).astype(np.int64)


def _digests(label: bytes, keys: list[str]) -> np.ndarray:
    return np.array([list(hashlib.md5(label + k.encode("utf-8", "surrogateescape")).digest()) for k in keys],
                    dtype=np.int64)


class _Walk:
    """The iterator over the bit list for every key: ARC4-driven skips, adapted to the data left."""

    def __init__(self, keys: list[str], n_bits: int) -> None:
        self.n_bits = n_bits
        self.stream = _Arc4(_digests(b"Seeding", keys))
        self.skipmod = np.full(len(keys), INIT_SKIPMOD, np.int64)
        self.off = self.stream.word() % self.skipmod

    def take(self, rows: np.ndarray) -> "_Walk":
        new = object.__new__(_Walk)
        new.n_bits, new.stream = self.n_bits, self.stream.take(rows)
        new.skipmod, new.off = self.skipmod[rows].copy(), self.off[rows].copy()
        return new

    def reseed(self, seed: np.ndarray) -> None:
        self.stream.add_random(np.stack([seed & 255, seed >> 8], axis=1))

    def adapt(self, remaining: np.ndarray) -> None:
        self.skipmod = _skipmod(self.n_bits, self.off, remaining)

    def read_byte(self, bits: np.ndarray, valid: np.ndarray) -> np.ndarray:
        """Eight bits, LSB first; rows whose walk leaves the image or stalls become invalid."""
        value = np.zeros(len(self.off), np.int64)
        for where in range(8):
            inside = (self.off < self.n_bits) & valid
            valid &= inside
            value |= bits[np.where(inside, self.off, 0)].astype(np.int64) << where
            safe = np.where(self.skipmod > 0, self.skipmod, 1)
            valid &= self.skipmod > 0
            self.off = self.off + self.stream.word() % safe + 1
        return value


@dataclass
class Candidate:
    key: str
    seed: int
    length: int
    data: bytes


def search(bits: np.ndarray, keys: list[str], plausible: Callable[[bytes], bool]) -> list[Candidate]:
    """Keys whose header fits the image and whose first data bytes pass `plausible(bytes)`, with
    their whole payload."""
    n_bits = len(bits)
    if n_bits < 64 or not keys:
        return []
    walk = _Walk(keys, n_bits)
    crypt = _Arc4(_digests(b"Encryption", keys))
    valid = np.ones(len(keys), bool)
    header = [walk.read_byte(bits, valid) ^ crypt.byte() for _ in range(HEADER_BYTES)]
    seed = header[0] | (header[1] << 8)
    length = header[2] | (header[3] << 8)
    # OutGuess needs two usable bits per data bit, and tries seeds 0-255 unless told to try more (-i)
    valid &= (length > 0) & (length * 16 <= n_bits) & (seed < MAX_SEED)
    rows = np.flatnonzero(valid)
    if not len(rows):
        return []
    walk = walk.take(rows)
    walk.reseed(seed[rows])
    keystream = _Arc4(_digests(b"Encryption", [keys[r] for r in rows]))
    lengths = length[rows]
    probe = np.minimum(lengths, PROBE_BYTES)
    alive = np.ones(len(rows), bool)
    got: list[np.ndarray] = []
    for k in range(int(probe.max())):
        walk.adapt(np.maximum(lengths - k, 1))
        got.append(walk.read_byte(bits, alive) ^ keystream.byte())
    found = []
    for n, r in enumerate(rows):
        if not alive[n]:
            continue
        head = bytes(int(got[k][n]) for k in range(int(probe[n])))
        if plausible(head):
            found.append((r, n))
    out = []
    for r, n in found:
        data = _read_all(bits, keys[r], int(seed[r]), int(length[r]))
        if data is not None:
            out.append(Candidate(keys[r], int(seed[r]), int(length[r]), data))
    return out


def _read_all(bits: np.ndarray, key: str, seed: int, length: int) -> bytes | None:
    """One key's whole payload, or None if its walk leaves the image."""
    n_bits, flags = len(bits), bits.tobytes()
    walk, crypt = _Arc4One(b"Seeding", key), _Arc4One(b"Encryption", key)
    skipmod = INIT_SKIPMOD
    off = walk.word() % skipmod
    for _ in range(HEADER_BYTES * 8):
        off += walk.word() % skipmod + 1
    walk.add_random(bytes([seed & 255, seed >> 8]))
    out = bytearray()
    for k in range(length):
        skipmod = int(_skipmod(n_bits, off, length - k))
        value = 0
        for where in range(8):
            if off >= n_bits or skipmod <= 0:
                return None
            value |= flags[off] << where
            off += walk.word() % skipmod + 1
        out.append(value ^ crypt.byte())
    return bytes(out)
