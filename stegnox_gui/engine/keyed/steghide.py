"""steghide 0.5.1's embedding format: find and extract its payload given a passphrase.

steghide turns the passphrase into a 32-bit seed (the four little-endian words of its MD5, XORed) for a
linear congruential generator that draws a pseudo-random permutation of the cover's samples. Every
embedded value is the sum of `samples_per_vertex` consecutive samples of that permutation's embedded
values, modulo `modulus`: for JPEG the parity of each non-zero quantised DCT coefficient (3 per value,
1 bit), for 24-bit BMP a 2-bit function of the R, G, B parities of a pixel (2 per value, 2 bits).
The bit stream, LSB first, is: the 24-bit magic "shm", version bits, encryption algorithm (5 bits) and
mode (3 bits), the plain length (32 bits), then the (encrypted) plain data: compression flag,
[uncompressed length, zlib stream of] checksum flag, CRC-32, NUL-terminated file name, the data.

Checking a passphrase costs only the 24 magic bits, so whole word lists are screened at once
(`candidate_passphrases`), as stegseek does; only a match is extracted in full and confirmed by its
CRC-32.
"""
from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from stegnox_gui.engine.jpeg_dct import natural_order

LCG_A = 1367208549
LCG_C = 1
MAGIC = 0x73688D  # "shm", read LSB first
MAGIC_BITS = 24

ALGORITHMS = ("none", "twofish", "rijndael-128", "rijndael-192", "rijndael-256", "saferplus", "rc2", "xtea",
              "serpent", "safer-sk64", "safer-sk128", "cast-256", "loki97", "gost", "threeway", "cast-128",
              "blowfish", "des", "tripledes", "enigma", "arcfour", "panama", "wake")
MODES = ("ecb", "cbc", "ofb", "cfb", "nofb", "ncfb", "ctr", "stream")


class SteghideError(ValueError):
    """The passphrase opens a steghide header but the data behind it cannot be read."""


@dataclass
class Cover:
    """A cover's samples as steghide sees them: one embedded value per sample, in steghide's order."""

    values: np.ndarray  # uint8, one per usable sample
    samples_per_vertex: int
    modulus: int
    format: str

    @property
    def bits_per_value(self) -> int:
        return (self.modulus - 1).bit_length()


@dataclass
class Extracted:
    passphrase: str
    filename: str
    data: bytes
    encryption: str  # e.g. "rijndael-128 cbc" or "none"
    compressed: bool
    checksum_ok: bool | None  # None when steghide stored no checksum


def jpeg_cover(components: Iterable[np.ndarray]) -> Cover:
    """Cover from each component's (blocks_h, blocks_w, 64) zigzag-ordered coefficients, Y first:
    every non-zero coefficient, components in order, blocks row by row, coefficients in natural order."""
    parts = []
    for coefs in components:
        # parity and usability as bytes first: reordering them is far cheaper than the coefficients
        parity = natural_order((coefs & 1).astype(np.uint8)).reshape(-1)
        parts.append(parity[natural_order((coefs != 0).view(np.uint8)).reshape(-1).view(bool)])
    values = np.concatenate(parts) if parts else np.zeros(0, np.uint8)
    return Cover(values, samples_per_vertex=3, modulus=2, format="JPEG")


def bmp_cover(raw: bytes) -> Cover | None:
    """Cover of an uncompressed BMP (Windows or OS/2 header) as steghide reads it: rows as stored, the
    pixel data right after the headers and palette. 24-bit: a 2-bit value from the R, G, B parities,
    2 pixels per value; palette images: the colour index modulo 4 (8-bit, 3 pixels per value) or 2
    (1- and 4-bit, 2 pixels per value). None for other BMPs."""
    if len(raw) < 26 or raw[:2] != b"BM":
        return None
    header_size = int.from_bytes(raw[14:18], "little")
    if header_size == 40:
        width = int.from_bytes(raw[18:22], "little", signed=True)
        height = int.from_bytes(raw[22:26], "little", signed=True)
        bits = int.from_bytes(raw[28:30], "little")
        compression = int.from_bytes(raw[30:34], "little")
        colours_used = int.from_bytes(raw[46:50], "little")
        entry = 4
    elif header_size == 12:
        width, height = int.from_bytes(raw[18:20], "little"), int.from_bytes(raw[20:22], "little")
        bits, compression, colours_used, entry = int.from_bytes(raw[24:26], "little"), 0, 0, 3
    else:
        return None
    if bits not in (1, 4, 8, 24) or compression != 0 or width <= 0 or height <= 0:
        return None
    palette = 0 if bits == 24 else (colours_used or 1 << bits) * entry
    line = -(-width * bits // 8)
    stride = line + (-line) % 4
    start = 14 + header_size + palette
    if start + stride * (height - 1) + line > len(raw):
        return None
    data = np.frombuffer(raw[start:start + stride * height].ljust(stride * height, b"\0"), np.uint8)
    rows = data.reshape(height, stride)[:, :line]
    if bits == 24:
        px = rows.reshape(-1, 3) & 1
        b, g, r = px[:, 0], px[:, 1], px[:, 2]
        return Cover((((r ^ g) << 1) | (r ^ b)).astype(np.uint8), samples_per_vertex=2, modulus=4, format="BMP")
    if bits == 8:
        indices = rows.reshape(-1)
    else:  # pixels packed high bits first
        unpacked = np.unpackbits(rows, axis=1)[:, :width * bits].reshape(height, width, bits)
        indices = (unpacked * (1 << np.arange(bits - 1, -1, -1))).sum(axis=2).reshape(-1)
    if bits == 8:
        return Cover((indices % 4).astype(np.uint8), samples_per_vertex=3, modulus=4, format="BMP")
    return Cover((indices % 2).astype(np.uint8), samples_per_vertex=2, modulus=2, format="BMP")


def seed_for(passphrase: str) -> int:
    digest = hashlib.md5(passphrase.encode("utf-8", "surrogateescape")).digest()
    seed = 0
    for i in range(0, 16, 4):
        seed ^= int.from_bytes(digest[i:i + 4], "little")
    return seed


class Selector:
    """steghide's pseudo-random permutation of range(maximum): a Fisher-Yates shuffle driven by its
    LCG (position j swaps with j + random(maximum - j)), drawn lazily over a sparse map of swaps."""

    def __init__(self, maximum: int, seed: int) -> None:
        self.maximum = maximum
        self.state = seed
        self.drawn: list[int] = []
        self._moved: dict[int, int] = {}  # position -> the value a swap put there

    def take(self, count: int) -> list[int]:
        """The first `count` values of the permutation."""
        moved, drawn, maximum = self._moved, self.drawn, self.maximum
        state = self.state
        for j in range(len(drawn), count):
            state = (LCG_A * state + LCG_C) & 0xFFFFFFFF
            k = j + int(float(maximum - j) * (state / 4294967296.0))
            drawn.append(moved.get(k, k))
            moved[k] = moved.get(j, j)  # position j is never read again
        self.state = state
        return drawn[:count]


def _values_to_bits(values: np.ndarray, bits_per_value: int) -> np.ndarray:
    """(rows, n values) -> (rows, n * bits_per_value) bits, each value LSB first."""
    shifts = np.arange(bits_per_value)
    return ((values[..., None] >> shifts) & 1).reshape(values.shape[0], -1).astype(np.uint8)


def candidate_passphrases(cover: Cover, passphrases: list[str]) -> list[str]:
    """The passphrases whose permutation finds steghide's magic, screened together with numpy."""
    spv, bpv = cover.samples_per_vertex, cover.bits_per_value
    n_values = -(-MAGIC_BITS // bpv)
    n = n_values * spv
    maximum = len(cover.values)
    if maximum <= n or not passphrases:
        return []
    state = np.array([seed_for(p) for p in passphrases], dtype=np.uint64)
    positions = np.empty((len(passphrases), n), dtype=np.int64)
    for j in range(n):
        state = (state * LCG_A + LCG_C) & 0xFFFFFFFF
        positions[:, j] = j + (float(maximum - j) * (state.astype(np.float64) / 4294967296.0)).astype(np.int64)
    # Drawn positions are the permutation's values until one is drawn a second time (then the shuffle
    # gives what an earlier swap put there): from the first repeat on only a replay with the Selector
    # is right, which is worth it only for rows whose magic bits before that repeat already match.
    earlier = np.tril(np.ones((n, n), dtype=bool), -1)
    repeated = ((positions[:, :, None] == positions[:, None, :]) & earlier).any(axis=2)
    first_repeat = np.where(repeated.any(axis=1), repeated.argmax(axis=1), n)
    magic_bits = (MAGIC >> np.arange(MAGIC_BITS)) & 1
    bits = _values_to_bits(_vertex_values(cover, positions), bpv)[:, :MAGIC_BITS]
    exact_bits = np.minimum(first_repeat // spv * bpv, MAGIC_BITS)
    agree = np.cumprod(bits == magic_bits, axis=1)
    agreeing = np.concatenate([np.ones((len(bits), 1), bits.dtype), agree], axis=1)
    plausible = agreeing[np.arange(len(bits)), exact_bits].astype(bool)
    matches = list(np.flatnonzero(plausible & (first_repeat == n)))
    for row in np.flatnonzero(plausible & (first_repeat < n)):
        exact = np.asarray(Selector(maximum, seed_for(passphrases[row])).take(n), dtype=np.int64)
        if (_values_to_bits(_vertex_values(cover, exact[None, :]), bpv)[0, :MAGIC_BITS] == magic_bits).all():
            matches.append(row)
    return [passphrases[i] for i in sorted(matches)]


def _vertex_values(cover: Cover, positions: np.ndarray) -> np.ndarray:
    """Embedded values of consecutive vertices for each row of sample positions."""
    rows = positions.shape[0]
    v = cover.values[positions].reshape(rows, -1, cover.samples_per_vertex).astype(np.int64)
    return v.sum(axis=-1) % cover.modulus


class _TooShort(Exception):
    pass


class _BitReader:
    """steghide's bit stream for one passphrase, drawn from the permutation as needed."""

    def __init__(self, cover: Cover, passphrase: str) -> None:
        self.cover = cover
        self.selector = Selector(len(cover.values), seed_for(passphrase))
        self.bits = np.zeros(0, np.uint8)
        self.pos = 0

    def read(self, n: int) -> np.ndarray:
        need = self.pos + n - len(self.bits)
        if need > 0:
            bpv, spv = self.cover.bits_per_value, self.cover.samples_per_vertex
            have_values = len(self.bits) // bpv
            new_values = -(-need // bpv)
            end = (have_values + new_values) * spv
            if end >= len(self.cover.values):
                raise _TooShort
            positions = np.asarray(self.selector.take(end)[have_values * spv:], dtype=np.int64)
            fresh = _values_to_bits(_vertex_values(self.cover, positions[None, :]), bpv)[0]
            self.bits = np.concatenate([self.bits, fresh])
        out = self.bits[self.pos:self.pos + n]
        self.pos += n
        return out

    def value(self, n: int) -> int:
        return _bits_value(self.read(n))


def _bits_value(bits: np.ndarray) -> int:
    return int(sum(int(b) << i for i, b in enumerate(bits)))


def _bits_to_bytes(bits: np.ndarray) -> bytes:
    return np.packbits(bits, bitorder="little").tobytes()


def _bytes_to_bits(data: bytes) -> np.ndarray:
    return np.unpackbits(np.frombuffer(data, np.uint8), bitorder="little")


def extract(cover: Cover, passphrase: str) -> Extracted | None:
    """The payload steghide embedded with `passphrase`, or None when there is no plausible steghide
    header (its magic, version 0, a length the cover can hold). Raises SteghideError when the header
    is there but what follows cannot be read (an unsupported cipher, damaged data)."""
    reader = _BitReader(cover, passphrase)
    capacity = len(cover.values) // cover.samples_per_vertex * cover.bits_per_value
    try:
        if reader.value(MAGIC_BITS) != MAGIC or reader.value(1):  # steghide 0.5.1 writes version 0
            return None
        algo, mode = reader.value(5), reader.value(3)
        n_plain = reader.value(32)
    except _TooShort:
        return None
    if algo >= len(ALGORITHMS) or not 0 < n_plain <= capacity:
        return None  # the magic matched by chance
    algo_name, mode_name = ALGORITHMS[algo], MODES[mode]
    try:
        if algo == 0:
            plain_bits = reader.read(n_plain)
        else:
            cipher = _cipher(algo_name, mode_name)
            block_bits = 8 * cipher.block
            n_cipher = (block_bits if cipher.has_iv else 0) + -(-n_plain // block_bits) * block_bits
            data = _bits_to_bytes(reader.read(n_cipher))
            plain_bits = _bytes_to_bits(cipher.decrypt(data, passphrase))[:n_plain]
    except _TooShort:
        raise SteghideError("the cover ends before the data its steghide header announces") from None
    return _parse_plain(plain_bits, passphrase, f"{algo_name} {mode_name}" if algo else "none")


@dataclass
class _Cipher:
    """One of libmcrypt's ciphers as steghide uses it, done with the `cryptography` package."""

    algorithm: Any  # cryptography cipher class
    key_size: int  # mcrypt's (largest) key size in bytes
    block: int  # block size in bytes
    mode: str

    @property
    def has_iv(self) -> bool:
        return self.mode != "ecb"

    def decrypt(self, data: bytes, passphrase: str) -> bytes:
        from cryptography.exceptions import UnsupportedAlgorithm
        from cryptography.hazmat.primitives.ciphers import Cipher, modes

        key = _mcrypt_key(passphrase, self.key_size)
        iv, body = (data[:self.block], data[self.block:]) if self.has_iv else (None, data)
        if self.mode in ("cfb", "ofb"):  # mcrypt's 8-bit feedback modes, built on the block cipher
            return _eight_bit_feedback(Cipher(self.algorithm(key), modes.ECB()).encryptor(), iv, body,
                                       cipher_feedback=self.mode == "cfb")
        if self.mode == "ctr" and self.block != 16:  # OpenSSL has CTR for 128-bit blocks only
            return _counter_mode(Cipher(self.algorithm(key), modes.ECB()).encryptor(), iv, body)
        mode = {"ecb": lambda: modes.ECB(), "cbc": lambda: modes.CBC(iv), "ncfb": lambda: modes.CFB(iv),
                "nofb": lambda: _ofb()(iv), "ctr": lambda: modes.CTR(iv)}[self.mode]()
        try:
            decryptor = Cipher(self.algorithm(key), mode).decryptor()
        except UnsupportedAlgorithm as exc:
            raise SteghideError(f"cannot decrypt {self.mode} mode here: {exc}") from None
        return decryptor.update(body) + decryptor.finalize()


def _ofb() -> Any:
    try:  # cryptography 47 moved OFB among the legacy primitives
        from cryptography.hazmat.decrepit.ciphers.modes import OFB
    except ImportError:
        from cryptography.hazmat.primitives.ciphers.modes import OFB
    return OFB


def _counter_mode(encrypt: Any, iv: bytes, body: bytes) -> bytes:
    """CTR with a big-endian counter over the whole block, keystream made with the block cipher."""
    size, start = len(iv), int.from_bytes(iv, "big")
    n = -(-len(body) // size)
    counters = b"".join(((start + i) % (1 << (8 * size))).to_bytes(size, "big") for i in range(n))
    stream = encrypt.update(counters)
    return bytes(c ^ k for c, k in zip(body, stream))


def _eight_bit_feedback(encrypt: Any, iv: bytes, body: bytes, *, cipher_feedback: bool) -> bytes:
    """Decrypt 8-bit CFB (or OFB): each byte is XORed with the first byte of the encrypted shift register,
    which then takes in the ciphertext byte (or that keystream byte)."""
    register, out = bytearray(iv), bytearray()
    for c in body:
        k = encrypt.update(bytes(register))[0]
        out.append(c ^ k)
        register = register[1:] + bytes([c if cipher_feedback else k])
    return bytes(out)


def _cipher(algorithm: str, mode: str) -> _Cipher:
    """The cipher for steghide's algorithm and mode names; SteghideError for those not available."""
    from cryptography.hazmat.decrepit.ciphers import algorithms as legacy
    from cryptography.hazmat.primitives.ciphers import algorithms

    known = {"rijndael-128": (algorithms.AES, 32, 16), "blowfish": (legacy.Blowfish, 56, 8),
             "cast-128": (legacy.CAST5, 16, 8), "tripledes": (legacy.TripleDES, 24, 8),
             "des": (lambda key: legacy.TripleDES(key * 3), 8, 8)}  # K1 = K2 = K3 is single DES
    if algorithm not in known or mode == "stream":
        raise SteghideError(f"encrypted with {algorithm} {mode}, which is not decrypted (decrypted: "
                            f"{', '.join(known)}, in every mode steghide offers)")
    cls, key_size, block = known[algorithm]
    return _Cipher(cls, key_size, block, mode)


def _mcrypt_key(passphrase: str, size: int) -> bytes:
    """mhash's KEYGEN_MCRYPT with MD5, as steghide makes its keys: MD5(passphrase), then MD5(passphrase +
    the key so far), until `size` bytes."""
    pw = passphrase.encode("utf-8", "surrogateescape")
    key = b""
    while len(key) < size:
        key += hashlib.md5(pw + key).digest()
    return key[:size]


def _parse_plain(bits: np.ndarray, passphrase: str, encryption: str) -> Extracted:
    pos = 0
    compressed = bool(bits[0]) if len(bits) else False
    pos = 1
    if compressed:
        n_uncompressed = _bits_value(bits[pos:pos + 32])
        pos += 32
        try:
            inflated = zlib.decompress(_bits_to_bytes(bits[pos:]))
        except zlib.error as exc:
            raise SteghideError(f"the steghide data does not decompress ({exc}): wrong passphrase or damaged data") from None
        bits = _bytes_to_bits(inflated)[:n_uncompressed]
        pos = 0
    if len(bits) < pos + 9:
        raise SteghideError("the steghide data is too short")
    has_checksum = bool(bits[pos])
    pos += 1
    crc = None
    if has_checksum:
        crc = _bits_value(bits[pos:pos + 32])
        pos += 32
    rest = bits[pos:]
    if len(rest) % 8:
        raise SteghideError("the embedded data has an invalid length")
    body = _bits_to_bytes(rest)
    name_end = body.find(b"\0")
    if name_end < 0:
        raise SteghideError("the steghide data has no file name")
    filename = body[:name_end].decode("utf-8", "replace")
    data = body[name_end + 1:]
    ok = None if crc is None else crc == crc32_bzip2(data)
    return Extracted(passphrase, filename, data, encryption, compressed, ok)


_REVERSED_BITS = np.array([int(f"{b:08b}"[::-1], 2) for b in range(256)], dtype=np.uint8)


def crc32_bzip2(data: bytes) -> int:
    """mhash's MHASH_CRC32, which steghide stores: CRC-32 without bit reflection (the BZIP2 variant),
    computed as zlib's reflected CRC-32 of the bit-reversed bytes, bit-reversed."""
    flipped = _REVERSED_BITS[np.frombuffer(data, np.uint8)].tobytes()
    return int(f"{zlib.crc32(flipped) & 0xFFFFFFFF:032b}"[::-1], 2)
