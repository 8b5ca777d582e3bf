"""Render the app icon from resources/icons/stegnox.svg into every format the installers need.

Output (into packaging/out/icons/ unless --out is given; generated files are not committed):
  hicolor/<N>x<N>/apps/stegnox.png for the freedesktop icon theme sizes,
  stegnox.ico for Windows (16..256), stegnox.icns for macOS (16..1024).
QtSvg draws the SVG (the same renderer the app uses at run time); Pillow writes .ico and .icns.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "stegnox.svg"
DEFAULT_OUT = ROOT / "packaging" / "out" / "icons"

HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render_svg(svg: Path, sizes: tuple[int, ...]) -> dict[int, Image.Image]:
    """Draw the SVG at each size (square, transparent background) and return Pillow RGBA images."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QByteArray, QBuffer, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 (keeps Qt alive)
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: QtSvg could not read this SVG")
    images: dict[int, Image.Image] = {}
    for size in sizes:
        qimg = QImage(size, size, QImage.Format.Format_ARGB32)
        qimg.fill(Qt.GlobalColor.transparent)
        painter = QPainter(qimg)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        qimg.save(buf, "PNG")
        buf.close()
        from io import BytesIO

        images[size] = Image.open(BytesIO(bytes(data))).convert("RGBA")
    return images


def make_icons(out: Path = DEFAULT_OUT, svg: Path = SVG) -> dict[str, Path]:
    """Write the hicolor PNGs, the .ico and the .icns; return the main paths by kind."""
    sizes = tuple(sorted(set(HICOLOR_SIZES) | set(ICO_SIZES) | set(ICNS_SIZES)))
    images = render_svg(svg, sizes)
    out.mkdir(parents=True, exist_ok=True)
    for size in HICOLOR_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / "stegnox.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        images[size].save(target, optimize=True)
    ico = out / "stegnox.ico"
    largest = images[max(ICO_SIZES)]
    largest.save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    icns = out / "stegnox.icns"
    images[max(ICNS_SIZES)].save(icns, format="ICNS",
                                 append_images=[images[s] for s in ICNS_SIZES if s != max(ICNS_SIZES)])
    png = out / "stegnox.png"
    images[256].save(png, optimize=True)
    return {"hicolor": out / "hicolor", "ico": ico, "icns": icns, "png": png}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    args = parser.parse_args(argv)
    paths = make_icons(args.out)
    for kind, path in paths.items():
        print(f"{kind}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
