"""An image read once: file bytes, decoded channels, palette indices, Pillow's metadata.

Every method receives the same ImageData, so the file is read and decoded exactly once per analysis.
"""
from __future__ import annotations

import hashlib
import io
import warnings
import zlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFile

from stegnox_gui.engine.errors import ImageLoadError

DEFAULT_PIXEL_LIMIT = 100_000_000  # refuse decompression bombs beyond this many pixels

# Leading bytes of the image containers we know, to tell "corrupt image" from "not an image".
IMAGE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "PNG": (b"\x89PNG\r\n\x1a\n",),
    "JPEG": (b"\xff\xd8\xff",),
    "GIF": (b"GIF87a", b"GIF89a"),
    "BMP": (b"BM",),
    "TIFF": (b"II*\x00", b"MM\x00*"),
    "WEBP": (b"RIFF",),
}


def sniff_format(raw: bytes) -> str | None:
    """The container format from the leading bytes, or None."""
    for fmt, sigs in IMAGE_SIGNATURES.items():
        if any(raw.startswith(s) for s in sigs):
            if fmt == "WEBP" and raw[8:12] != b"WEBP":
                continue
            return fmt
    return None


@dataclass
class ImageData:
    """Everything methods read. Channel arrays are 2-D uint8 (height x width), keyed
    'r','g','b','a' for colour images or 'gray' for one-channel images."""

    path: Path
    raw: bytes
    format: str
    width: int = 0
    height: int = 0
    mode: str = ""
    channels: dict[str, np.ndarray] = field(default_factory=dict)
    palette_indices: np.ndarray | None = None
    palette: list[int] | None = None  # flat RGB triples of a P-mode image
    info: dict[str, Any] = field(default_factory=dict)  # Pillow's Image.info (text chunks, exif bytes, comment, ...)
    exif: Any = None  # PIL.Image.Exif or None
    decode_error: str | None = None  # set when the container is known but its pixels are not readable
    truncated: bool = False  # decoded only thanks to Pillow's LOAD_TRUNCATED_IMAGES

    @property
    def has_pixels(self) -> bool:
        return bool(self.channels)

    @property
    def file_size(self) -> int:
        return len(self.raw)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def channel_names(self) -> list[str]:
        return list(self.channels)

    @cached_property
    def container(self) -> Any:
        """The container's chunk/segment list (PNG chunks, JPEG segments, ...), parsed on first use."""
        from stegnox_gui.engine.container import parse_container

        return parse_container(self.raw, self.format)

    @cached_property
    def dct(self) -> Any:
        """A JPEG's quantised DCT coefficients (jpeg_dct.DctImage), decoded on first use and shared by
        the methods that need all of them; None when this reader cannot decode them (progressive,
        damaged) or the image is not a JPEG."""
        if self.format != "JPEG":
            return None
        from stegnox_gui.engine.jpeg_dct import UnsupportedJpeg, read_dct

        try:
            dct = read_dct(self.raw)
        except (UnsupportedJpeg, IndexError, ValueError):
            return None
        return dct if dct.components and all(c.coefs is not None for c in dct.components) else None

    def pixels(self, order: str | None = None) -> np.ndarray:
        """A (height, width, channels) uint8 array; `order` like "rgb" or "bgr" picks channels."""
        names = list(order) if order else self.channel_names
        return np.stack([self.channels[n] for n in names], axis=-1)

    def summary(self) -> dict[str, Any]:
        """The result's `image` section."""
        return {
            "path": str(self.path),
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "mode": self.mode,
            "file_size": self.file_size,
            "sha256": self.sha256,
            "decode_error": self.decode_error,
        }


def load_image(path: str | Path, *, pixel_limit: int = DEFAULT_PIXEL_LIMIT) -> ImageData:
    """Read and decode an image. Raises ImageLoadError when there is nothing to analyse; a known
    format with corrupt pixels gives an ImageData with `decode_error` set (byte methods still run)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImageLoadError(f"File not found: {path}") from None
    except IsADirectoryError:
        raise ImageLoadError(f"Not a file but a folder: {path}") from None
    except PermissionError:
        raise ImageLoadError(f"Permission denied reading {path}") from None
    except OSError as exc:
        raise ImageLoadError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if not raw:
        raise ImageLoadError(f"Empty file (0 bytes): {path}")

    sniffed = sniff_format(raw)
    repaired_note = None
    try:
        img = _open(raw)
    except Exception as exc:  # Pillow raises many types on junk
        if sniffed is None:
            raise ImageLoadError(f"Not an image (unrecognised file type): {path.name}") from None
        fixed = repair_png_crcs(raw) if sniffed == "PNG" else None
        try:
            if fixed is None:
                raise exc
            img = _open(fixed)
            repaired_note = f"PNG chunk CRC errors ({_describe(exc)}); decoded with the CRCs corrected"
        except Exception:
            return ImageData(path=path, raw=raw, format=sniffed,
                             decode_error=f"Cannot open {sniffed} image: {_describe(exc)}")

    data = ImageData(path=path, raw=raw, format=(img.format or sniffed or "UNKNOWN").upper(),
                     width=img.width, height=img.height, mode=img.mode)
    if img.width * img.height > pixel_limit:
        raise ImageLoadError(
            f"Image too large: {img.width}x{img.height} = {img.width * img.height:,} pixels exceeds the "
            f"pixel limit of {pixel_limit:,} (possible decompression bomb; raise the limit in settings)")
    data.info = dict(img.info)
    # Decode before anything else touches the image: Pillow's getexif() loads a PNG and would swallow
    # a decoding error, leaving blank pixels that look valid.
    try:
        _decode(img, data)
        data.decode_error = repaired_note
    except Exception as exc:
        # Retry accepting truncated or CRC-damaged data, as forensic viewers do.
        try:
            img = _open(raw, tolerant=True)
            _decode(img, data, tolerant=True)
            data.truncated = True
            data.decode_error = f"Image data is damaged ({_describe(exc)}); decoded what was readable"
        except Exception:
            data.channels = {}
            data.decode_error = f"Cannot decode {data.format} pixels: {_describe(exc)}"
    data.info = {**dict(img.info), **data.info}
    try:
        data.exif = img.getexif()
    except Exception:
        data.exif = None
    return data


def repair_png_crcs(raw: bytes) -> bytes | None:
    """A copy of a PNG with every chunk CRC recomputed, or None when nothing needed fixing or the chunk
    walk fails. Lets Pillow decode pixels of files whose CRCs were broken (by accident or by a trick)."""
    if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    out = bytearray(raw)
    pos, changed = 8, False
    while pos + 12 <= len(raw):
        length = int.from_bytes(raw[pos:pos + 4], "big")
        end = pos + 12 + length
        if end > len(raw):
            break
        crc = zlib.crc32(raw[pos + 4:pos + 8 + length]).to_bytes(4, "big")
        if raw[end - 4:end] != crc:
            out[end - 4:end] = crc
            changed = True
        if raw[pos + 4:pos + 8] == b"IEND":
            break
        pos = end
    return bytes(out) if changed else None


def _describe(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    if text.startswith("cannot identify image file"):
        text = "Pillow cannot read this file's structure"
    return text[:300]


def _open(raw: bytes, tolerant: bool = False) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        previous = (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES)
        Image.MAX_IMAGE_PIXELS = None  # we enforce our own limit before decoding
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
        try:
            img = Image.open(io.BytesIO(raw))
            if tolerant:
                img.load()
            return img
        finally:
            Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _decode(img: Image.Image, data: ImageData, tolerant: bool = False) -> None:
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            img.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous
    mode = img.mode
    if mode == "P":
        data.palette_indices = np.asarray(img, dtype=np.uint8)
        data.palette = list(img.getpalette() or [])
        has_alpha = "transparency" in img.info
        rgb = np.asarray(img.convert("RGBA" if has_alpha else "RGB"))
    elif mode.startswith("I;16") or mode in ("I", "F"):
        wide = np.asarray(img)  # 16-bit (or wider) samples: keep the high byte, as viewers show it
        if mode == "F":
            gray = np.clip(wide, 0, 255)
        else:
            bits = 16 if mode.startswith("I;16") or int(wide.max(initial=0)) > 255 else 8
            gray = wide.astype(np.int64) >> (bits - 8)
        data.channels = {"gray": np.ascontiguousarray(gray, dtype=np.uint8)}
        return
    elif mode in ("L", "1"):
        gray = np.asarray(img if mode == "L" else img.convert("L"))
        data.channels = {"gray": np.ascontiguousarray(gray, dtype=np.uint8)}
        return
    elif mode == "LA":
        la = np.asarray(img)
        data.channels = {"gray": np.ascontiguousarray(la[..., 0]), "a": np.ascontiguousarray(la[..., 1])}
        return
    elif mode in ("RGB", "RGBA"):
        rgb = np.asarray(img)
    else:  # CMYK, YCbCr, PA, ...
        rgb = np.asarray(img.convert("RGBA" if "A" in mode else "RGB"))
    names = "rgba"[: rgb.shape[2]]
    data.channels = {n: np.ascontiguousarray(rgb[..., i]) for i, n in enumerate(names)}
