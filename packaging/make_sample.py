"""Regenerate resources/samples/sample_stego.png, the small stego image bundled with the app.

The installers' smoke test (and a first-time user) open it: it must be found as hidden data.
The cover is a procedural landscape (sky gradient, sun, hills, grain) so it looks like a photo and
not a flat test card; the message is hidden two common ways:
  * stegano.lsb.hide: LSB of R, G, B in raster order, framed as "<length>:<text>";
  * a short note appended after the PNG IEND chunk.
Needs numpy, Pillow and stegano (the `test` extra). Deterministic: same bytes on every run.
"""
from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "resources" / "samples" / "sample_stego.png"
SIZE = 96
LSB_MESSAGE = "StegnoX sample: this sentence was hidden in the least significant bits with stegano."
TRAILER = b"\nStegnoX sample: a note appended after the PNG end marker.\n"


def _smooth_noise(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    """Value noise: a coarse random grid upsampled bilinearly to size x size, in 0..1."""
    grid = rng.random((cells + 1, cells + 1))
    pos = np.linspace(0, cells, size, endpoint=False)
    i = pos.astype(int)
    f = pos - i
    f = f * f * (3 - 2 * f)
    top = grid[i][:, i] * (1 - f)[None, :] + grid[i][:, i + 1] * f[None, :]
    bottom = grid[i + 1][:, i] * (1 - f)[None, :] + grid[i + 1][:, i + 1] * f[None, :]
    return top * (1 - f)[:, None] + bottom * f[:, None]


def make_cover(size: int = SIZE, seed: int = 20261203) -> Image.Image:
    """A landscape-like RGB picture: textured sky, a sun, two hill ridges, film grain."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / (size - 1)
    img = np.zeros((size, size, 3))
    sky_top, sky_low = np.array([62, 104, 168]), np.array([236, 178, 132])
    img[:] = sky_top + (sky_low - sky_top) * (y[..., None] ** 0.8)
    clouds = sum(_smooth_noise(rng, size, c) / c for c in (3, 6, 12)) / sum(1 / c for c in (3, 6, 12))
    img += ((clouds - 0.5) * 40 * (1 - y))[..., None]
    sun = np.exp(-(((x - 0.7) ** 2 + (y - 0.42) ** 2) / 0.006))
    img += sun[..., None] * np.array([60, 40, 10])
    ridge_noise = _smooth_noise(rng, size, 8)[0]
    for level, color, amp in ((0.58, (88, 92, 120), 0.12), (0.72, (46, 78, 52), 0.08)):
        ridge = level + amp * np.sin(x[0] * 5.3 + level * 10) + 0.05 * (ridge_noise - 0.5)
        land = y > ridge[None, :]
        shade = 1 - 0.35 * (y - ridge[None, :]).clip(0, 1)
        texture = 1 + 0.12 * (_smooth_noise(rng, size, 24) - 0.5)
        img[land] = (np.array(color) * (shade * texture)[..., None])[land]
    img += rng.normal(0, 3.0, img.shape)
    return Image.fromarray(img.clip(0, 255).round().astype(np.uint8), "RGB")


def make_sample(out: Path = DEFAULT_OUT) -> Path:
    """Write the sample stego PNG and check that stegano reads the message back."""
    from stegano import lsb

    stego = lsb.hide(make_cover(), LSB_MESSAGE)
    buf = io.BytesIO()
    stego.save(buf, format="PNG", optimize=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buf.getvalue() + TRAILER)
    if lsb.reveal(str(out)) != LSB_MESSAGE:
        raise RuntimeError(f"{out}: stegano could not read back the hidden message")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output file (default: %(default)s)")
    args = parser.parse_args(argv)
    path = make_sample(args.out)
    print(f"{path}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
