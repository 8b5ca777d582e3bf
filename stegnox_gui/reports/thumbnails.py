"""Small JPEG thumbnails as base64 data: URIs, for self-contained HTML reports."""
from __future__ import annotations

import base64
import io
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable

from PIL import Image

THUMB_SIZE = 160
MAX_THUMB_PIXELS = 200_000_000  # never decode more than this for a thumbnail


def thumbnail_data_uri(path: str | Path, size: int = THUMB_SIZE) -> str | None:
    """A `data:image/jpeg;base64,...` thumbnail of the image at `path`, or None if it cannot be read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as img:
                if img.width * img.height > MAX_THUMB_PIXELS:
                    return None
                img.draft("RGB", (size, size))  # JPEG: decode at reduced scale, much faster
                img.thumbnail((size, size), Image.Resampling.BILINEAR, reducing_gap=2.0)
                if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
                    rgba = img.convert("RGBA")
                    flat = Image.new("RGB", rgba.size, (255, 255, 255))
                    flat.paste(rgba, mask=rgba.getchannel("A"))
                    img = flat
                else:
                    img = img.convert("RGB")
                buf = io.BytesIO()
                img.save(buf, "JPEG", quality=78, optimize=True)
    except Exception:  # Pillow refuses it (e.g. CRC errors): try the engine's tolerant loader
        return _tolerant_thumbnail(path, size)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _tolerant_thumbnail(path: str | Path, size: int) -> str | None:
    """A thumbnail through the engine's loader, which decodes damaged files that analysts care about
    most; None for missing files, non-images and undecodable pixels."""
    from stegnox_gui.engine.image_data import load_image
    from stegnox_gui.engine.views import rgb_image

    try:
        image = load_image(path, pixel_limit=MAX_THUMB_PIXELS)
        if not image.has_pixels:
            return None
        img = Image.fromarray(rgb_image(image))
        img.thumbnail((size, size), Image.Resampling.BILINEAR, reducing_gap=2.0)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=78, optimize=True)
    except Exception:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def thumbnails(paths: Iterable[str | Path | None], *, workers: int = 2,
               progress: Callable[[int], None] | None = None) -> list[str | None]:
    """Thumbnails of many images, decoded on a few threads (Pillow releases the GIL while decoding).

    `progress(done)` is called after each one. Identical paths are decoded once.
    """
    items = list(paths)
    unique = list(dict.fromkeys(str(p) for p in items if p))
    done: dict[str, str | None] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for n, (key, uri) in enumerate(zip(unique, pool.map(thumbnail_data_uri, unique)), 1):
            done[key] = uri
            if progress is not None:
                progress(n)
    return [done.get(str(p)) if p else None for p in items]
