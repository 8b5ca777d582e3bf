"""engine/bitstream.py: layouts, orders, packing and selections against a naive reference."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from stegano.lsb import generators

from natural_covers import _pixel_order, natural_rgb
from stegnox_gui.engine.bitstream import ORDERS, BitSource, Layout, selection_indices
from stegnox_gui.engine.image_data import ImageData


def _image(arr: np.ndarray, palette: np.ndarray | None = None) -> ImageData:
    data = ImageData(path=None, raw=b"x", format="PNG", width=arr.shape[1], height=arr.shape[0])  # type: ignore[arg-type]
    if arr.ndim == 2:
        data.channels = {"gray": arr}
    else:
        data.channels = {n: np.ascontiguousarray(arr[..., i]) for i, n in enumerate("rgba"[: arr.shape[2]])}
    data.palette_indices = palette
    return data


def _reference(channels: dict[str, np.ndarray], lay: Layout, nbytes: int) -> bytes:
    """Bit by bit, exactly as zsteg's rules read."""
    h, w = next(iter(channels.values())).shape
    coords = _pixel_order(h, w, lay.order)
    idx = selection_indices(lay.selection, len(coords), len(coords)) if lay.selection != "all" else range(len(coords))
    bits = []
    for i in idx:
        y, x = coords[int(i)]
        for c in lay.channel_list():
            for p in lay.planes:
                bits.append((int(channels[c][y, x]) >> p) & 1)
        if len(bits) >= nbytes * 8:
            break
    out = bytearray()
    for k in range(0, len(bits) - 7, 8):
        group = bits[k:k + 8]
        if lay.bit_order == "msb":
            group = group[::-1]
        out.append(int("".join(map(str, group)), 2))
    return bytes(out[:nbytes])


def test_zsteg_packing_directions() -> None:
    # one pixel row whose R LSBs spell 0,1,0,0,0,0,0,1: "lsb" packing makes the first bit the top bit
    r = np.array([[0, 1, 0, 0, 0, 0, 0, 1]], dtype=np.uint8)
    img = _image(np.stack([r, r, r], axis=-1))
    src = BitSource(img)
    assert src.extract(Layout.parse("b1,r,lsb,xy")) == b"A"  # 0b01000001
    assert src.extract(Layout.parse("b1,r,msb,xy")) == bytes([0b10000010])


def test_b2_takes_the_higher_bit_first() -> None:
    r = np.array([[0b10, 0b01, 0b11, 0b00]], dtype=np.uint8)
    img = _image(np.stack([r, r, r], axis=-1))
    assert BitSource(img).extract(Layout.parse("b2,r,lsb,xy")) == bytes([0b10011100])
    assert BitSource(img).extract(Layout.parse("b2r,r,lsb,xy")) == bytes([0b01101100])


@pytest.mark.parametrize("order", ORDERS)
def test_every_order_matches_reference(order: str) -> None:
    arr = natural_rgb(13, 11, seed=3, channels=4)
    img = _image(arr)
    src = BitSource(img)
    for chans, planes, bo in itertools.product(("r", "bgr", "argb"), ((0,), (1, 0), (3,), (0, 1)), ("lsb", "msb")):
        lay = Layout(chans, planes, bo, order)
        want = _reference(img.channels, lay, 40)
        assert src.extract(lay, 40) == want, lay.name
        assert src.extract(lay)[:40] == want


@pytest.mark.parametrize("selection", ["prime", "composite", "triangular", "fibonacci", "mersenne", "fermat", "log"])
def test_selections_match_reference(selection: str) -> None:
    arr = natural_rgb(40, 50, seed=4)
    img = _image(arr)
    lay = Layout("rgb", (0,), "lsb", "xy", selection)
    want = _reference(img.channels, lay, 30)
    assert BitSource(img).extract(lay, 30) == want


@pytest.mark.parametrize("name,gen", [
    ("prime", generators.eratosthenes), ("composite", generators.composite),
    ("triangular", generators.triangular_numbers), ("fibonacci", generators.fibonacci),
    ("mersenne", generators.mersenne), ("fermat", generators.fermat), ("log", generators.log_gen)])
def test_selections_equal_stegano_generators(name: str, gen) -> None:
    total = 100_000
    ours = selection_indices(name, total, 500).tolist()
    theirs = list(itertools.islice(itertools.takewhile(lambda v: v < total, gen()), 500))
    assert ours == theirs


def test_gray_and_palette_channels() -> None:
    gray = natural_rgb(20, 20, seed=5)[..., 0]
    pal = (natural_rgb(20, 20, seed=6)[..., 1] // 4).astype(np.uint8)
    img = _image(gray, palette=pal)
    src = BitSource(img)
    for chans, arrays in (("gray", {"gray": gray}), ("index", {"index": pal})):
        lay = Layout(chans, (0,), "lsb", "yx")
        assert src.extract(lay, 20) == _reference(arrays, lay, 20)


def test_full_stream_is_chunked_but_identical() -> None:
    arr = natural_rgb(1100, 1000, seed=7)  # more pixels than one extraction chunk
    img = _image(arr)
    lay = Layout.parse("b1,bgr,lsb,xy")
    stream = BitSource(img).extract(lay)
    flat = arr[..., ::-1].reshape(-1) & 1
    assert stream == np.packbits(flat).tobytes()
    assert len(stream) == 1100 * 1000 * 3 // 8


def test_layout_names_round_trip() -> None:
    for name in ("b1,rgb,lsb,xy", "b4,bgr,msb,YX", "b0x10,r,lsb,xy", "b2r,rgb,msb,xy", "b1,rgb,lsb,xy,prime"):
        assert Layout.parse(name).name == name
    with pytest.raises(ValueError):
        Layout.parse("b9,rgb,lsb,xy")
    with pytest.raises(ValueError):
        Layout.parse("b1,rgb,lsb,zz")


def test_missing_channel_is_a_clear_error() -> None:
    img = _image(natural_rgb(8, 8, seed=1))
    with pytest.raises(ValueError, match="channels"):
        BitSource(img).extract(Layout.parse("b1,rgba,lsb,xy"), 4)
