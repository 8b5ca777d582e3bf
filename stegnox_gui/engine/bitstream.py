"""Bit streams pulled out of an image's pixels in a given layout (zsteg's semantics), vectorised.

A layout names, like zsteg does (`b1,rgb,lsb,xy`):
  * the bits taken from each channel value, highest selected bit first (b2 = bit 1 then bit 0);
    `planes` holds those bit positions in the order they are taken;
  * the channels visited per pixel, in the order written ('rgb', 'bgr', 'a', 'gray', 'index' for
    palette indices, ...);
  * the byte packing: "lsb" (zsteg's default) makes the first bit of each group of 8 the MOST
    significant bit of the byte; "msb" makes it the least significant;
  * the pixel order: first letter is the inner axis, upper case means that axis runs backwards
    ("xy" rows top-down, left to right; "yx" columns; "xY" rows bottom-up as BMP files store them);
  * the pixel selection: every pixel, or only the pixels whose index (in that order) a generator
    yields: "prime" (zsteg --prime and stegano's eratosthenes) and the stegano package's
    generators (composite, triangular, fibonacci, mersenne, fermat, log).

Only as many pixels as the requested bytes need are touched, so a prefix costs microseconds.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from stegnox_gui.engine.image_data import ImageData

ORDERS = ("xy", "yx", "XY", "YX", "Xy", "yX", "xY", "Yx")
SELECTIONS = ("all", "prime", "composite", "triangular", "fibonacci", "mersenne", "fermat", "log")
BIT_ORDERS = ("lsb", "msb")
NAMED_CHANNELS = ("gray", "index")  # multi-letter channel names; every other letter is one channel
_CHUNK_PIXELS = 1 << 20  # full streams are built this many pixels at a time to bound memory


@dataclass(frozen=True)
class Layout:
    """Where a bit stream comes from. See the module docstring for each field's meaning."""

    channels: str = "rgb"
    planes: tuple[int, ...] = (0,)
    bit_order: str = "lsb"
    order: str = "xy"
    selection: str = "all"

    def __post_init__(self) -> None:
        if self.bit_order not in BIT_ORDERS:
            raise ValueError(f"bit_order must be one of {BIT_ORDERS}, not {self.bit_order!r}")
        if self.order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}, not {self.order!r}")
        if self.selection not in SELECTIONS:
            raise ValueError(f"selection must be one of {SELECTIONS}, not {self.selection!r}")
        if not self.planes or any(not 0 <= p <= 7 for p in self.planes) or len(set(self.planes)) != len(self.planes):
            raise ValueError(f"planes must be distinct bit positions 0..7, not {self.planes!r}")

    @classmethod
    def low_bits(cls, n: int, channels: str = "rgb", bit_order: str = "lsb", order: str = "xy",
                 selection: str = "all") -> "Layout":
        """zsteg's b<n>: the n lowest bits of each value, highest first."""
        return cls(channels, tuple(range(n - 1, -1, -1)), bit_order, order, selection)

    @classmethod
    def parse(cls, name: str) -> "Layout":
        """A layout from zsteg-style text: 'b1,rgb,lsb,xy', 'b0x10,r,msb,yx', optional ',prime'."""
        parts = [p.strip() for p in name.split(",")]
        if len(parts) < 2:
            raise ValueError(f"Layout must look like 'b1,rgb,lsb,xy', not {name!r}")
        bits, channels, rest = parts[0], parts[1], parts[2:]
        bit_order = rest[0] if len(rest) > 0 else "lsb"
        order = rest[1] if len(rest) > 1 else "xy"
        selection = rest[2] if len(rest) > 2 else "all"
        if bits.startswith("b0x"):
            mask = int(bits[1:], 16)
            planes = tuple(p for p in range(7, -1, -1) if mask >> p & 1)
        elif bits.endswith("r") and bits[1:-1].isdigit():  # low bits taken lowest first (stegpy)
            planes = tuple(range(int(bits[1:-1])))
        elif bits[1:].isdigit():
            planes = tuple(range(int(bits[1:]) - 1, -1, -1))
        else:
            raise ValueError(f"Unknown bit selection {bits!r}")
        return cls(channels, planes, bit_order, order, selection)

    @property
    def bits_name(self) -> str:
        n = len(self.planes)
        if self.planes == tuple(range(n - 1, -1, -1)):
            return f"b{n}"
        if self.planes == tuple(range(n)):
            return f"b{n}r"
        return f"b0x{sum(1 << p for p in self.planes):02x}"

    @property
    def name(self) -> str:
        base = f"{self.bits_name},{self.channels},{self.bit_order},{self.order}"
        return base if self.selection == "all" else f"{base},{self.selection}"

    def channel_list(self) -> list[str]:
        return [self.channels] if self.channels in NAMED_CHANNELS else list(self.channels)

    @property
    def bits_per_pixel(self) -> int:
        return len(self.channel_list()) * len(self.planes)

    def params(self) -> dict[str, object]:
        """JSON-safe description for findings."""
        return {"layout": self.name, "channels": self.channels, "bits": self.bits_name,
                "planes": list(self.planes), "bit_order": self.bit_order, "order": self.order,
                "selection": self.selection}


# ---------------------------------------------------------------- pixel selections

def _primes_below(limit: int) -> np.ndarray:
    if limit <= 2:
        return np.zeros(0, dtype=np.int64)
    sieve = np.ones(limit, dtype=bool)
    sieve[:2] = False
    for p in range(2, int(math.isqrt(limit - 1)) + 1):
        if sieve[p]:
            sieve[p * p::p] = False
    return np.flatnonzero(sieve)


def _sparse_sequence(name: str, total: int) -> np.ndarray:
    """Generators whose values grow fast enough to list directly."""
    values: list[int] = []
    if name == "fibonacci":
        a, b = 1, 2
        while a < total:
            values.append(a)
            a, b = b, a + b
    elif name == "mersenne":
        for p in _primes_below(64).tolist():
            if (1 << p) - 1 >= total:
                break
            values.append((1 << p) - 1)
    elif name == "fermat":
        y = 3
        while y < total:
            values.append(y)
            y = (y - 1) ** 2 + 1
    elif name == "log":
        y = 1
        while y < total:
            values.append(y)
            y += max(1, 10 ** int(math.log10(y)))
    return np.asarray(values, dtype=np.int64)


@lru_cache(maxsize=64)
def selection_indices(selection: str, total: int, count: int) -> np.ndarray:
    """The first `count` pixel indices (< total) that a selection visits, in visiting order."""
    if selection == "all":
        return np.arange(min(count, total), dtype=np.int64)
    if selection in ("prime", "composite"):
        # the n-th prime is below n (ln n + ln ln n) for n >= 6; composites are denser than that
        bound = count * (math.log(count + 2) + math.log(math.log(count + 3)) + 2) + 16
        limit = int(min(total, bound))
        primes = _primes_below(limit)
        if selection == "prime":
            return primes[:count]
        mask = np.ones(limit, dtype=bool)
        mask[:4] = False
        mask[primes] = False
        return np.flatnonzero(mask)[:count]
    if selection == "triangular":
        n = np.arange(count, dtype=np.int64)
        tri = n * (n + 1) // 2
        return tri[tri < total]
    if selection in ("fibonacci", "mersenne", "fermat", "log"):
        return _sparse_sequence(selection, total)[:count]
    raise ValueError(f"Unknown selection {selection!r}")


def selection_size(selection: str, total: int) -> int:
    """How many of `total` pixels a selection visits (prime: Rosser-Schoenfeld upper bound)."""
    if selection == "all" or total < 64:
        return total if selection == "all" else len(selection_indices(selection, total, total))
    if selection == "prime":
        return min(total, int(1.25506 * total / math.log(total)) + 1)
    if selection == "composite":
        return total
    if selection == "triangular":
        return int(math.isqrt(2 * total)) + 1
    return len(_sparse_sequence(selection, total))


# ---------------------------------------------------------------- extraction

class BitSource:
    """The channels of one image, ready to be read in any layout. Build once per image."""

    def __init__(self, image: ImageData) -> None:
        self.arrays: dict[str, np.ndarray] = dict(image.channels)
        if image.palette_indices is not None:
            self.arrays["index"] = image.palette_indices
        first = next(iter(self.arrays.values()), None)
        self.height, self.width = first.shape if first is not None else (0, 0)
        self.pixel_count = self.height * self.width

    def has(self, layout: Layout) -> bool:
        return all(c in self.arrays for c in layout.channel_list())

    def _oriented(self, name: str, order: str) -> np.ndarray:
        a = self.arrays[name]
        if "X" in order:
            a = a[:, ::-1]
        if "Y" in order:
            a = a[::-1, :]
        return a

    def ordered_values(self, channels: list[str], order: str, start: int, stop: int) -> np.ndarray:
        """Pixels start..stop-1 of the pixel sequence in `order`, as a (n, len(channels)) uint8 array."""
        stop = min(stop, self.pixel_count)
        if stop <= start:
            return np.zeros((0, len(channels)), dtype=np.uint8)
        x_inner = order[0] in "xX"
        line = self.width if x_inner else self.height
        first_line, last_line = start // line, (stop - 1) // line + 1
        out = np.empty((stop - start, len(channels)), dtype=np.uint8)
        for i, name in enumerate(channels):
            a = self._oriented(name, order)
            block = a[first_line:last_line] if x_inner else a[:, first_line:last_line].T
            flat = block.reshape(-1)
            out[:, i] = flat[start - first_line * line: stop - first_line * line]
        return out

    def values_at(self, channels: list[str], order: str, idx: np.ndarray) -> np.ndarray:
        """The pixels at sequence positions `idx` of the pixel sequence in `order`, (len(idx), n) uint8,
        read directly (no copy of the pixels in between: sparse selections reach far into the image)."""
        idx = np.asarray(idx, dtype=np.int64)
        idx = idx[idx < self.pixel_count]
        if order[0] in "xX":
            ys, xs = np.divmod(idx, self.width)
        else:
            xs, ys = np.divmod(idx, self.height)
        if "X" in order:
            xs = self.width - 1 - xs
        if "Y" in order:
            ys = self.height - 1 - ys
        out = np.empty((len(idx), len(channels)), dtype=np.uint8)
        for i, name in enumerate(channels):
            out[:, i] = self.arrays[name][ys, xs]
        return out

    def capacity_bytes(self, layout: Layout) -> int:
        """How many whole bytes the layout's stream holds (an upper bound for prime/composite
        selections, which would need a sieve over every pixel to count exactly)."""
        return selection_size(layout.selection, self.pixel_count) * layout.bits_per_pixel // 8

    def pixels_for(self, layout: Layout, nbytes: int) -> int:
        """Number of selected pixels that hold the first `nbytes` bytes."""
        return -(-nbytes * 8 // layout.bits_per_pixel)

    def extract(self, layout: Layout, nbytes: int | None = None, *, skip_pixels: int = 0) -> bytes:
        """The layout's stream: its first `nbytes` bytes, or all of it (whole bytes only). With
        `skip_pixels`, the stream starts that many pixels into the order (every-pixel selection only;
        tools like OpenStego start their data on a fresh pixel after the header)."""
        if not self.has(layout):
            raise ValueError(f"Layout {layout.name} needs channels this image does not have ({', '.join(self.arrays)})")
        channels = layout.channel_list()
        capacity = self.capacity_bytes(layout) if nbytes is None or layout.selection != "all" else None
        want = capacity if nbytes is None else (nbytes if capacity is None else min(nbytes, capacity))
        if want <= 0:
            return b""
        npix = self.pixels_for(layout, want)
        if layout.selection == "all":
            pieces = []
            step = _CHUNK_PIXELS  # a multiple of 8 pixels, so every chunk packs into whole bytes
            stop = min(skip_pixels + npix, self.pixel_count)
            for start in range(skip_pixels, stop, step):
                values = self.ordered_values(channels, layout.order, start, min(start + step, stop))
                pieces.append(pack_bits(values, layout.planes, layout.bit_order))
            return b"".join(pieces)[:want]
        if skip_pixels:
            raise ValueError("skip_pixels needs the every-pixel selection")
        idx = selection_indices(layout.selection, self.pixel_count, npix)
        if len(idx) == 0:
            return b""
        values = self.values_at(channels, layout.order, idx)
        return pack_bits(values, layout.planes, layout.bit_order)[:want]


def pack_bits(values: np.ndarray, planes: tuple[int, ...], bit_order: str) -> bytes:
    """Bits `planes` of every value (row by row, channel by channel) packed into bytes; a trailing
    partial byte is dropped."""
    if planes == (0,):
        bits = (values & 1).reshape(-1)
    else:
        shifts = np.asarray(planes, dtype=np.uint8)
        bits = ((values[..., None] >> shifts) & 1).reshape(-1)
    usable = len(bits) - len(bits) % 8
    packed = np.packbits(bits[:usable], bitorder="big" if bit_order == "lsb" else "little")
    return packed.tobytes()


def extract(image: ImageData, layout: Layout | str, nbytes: int | None = None) -> bytes:
    """Convenience: the stream of one layout (a Layout or its zsteg-style name) from an image."""
    if isinstance(layout, str):
        layout = Layout.parse(layout)
    return BitSource(image).extract(layout, nbytes)
