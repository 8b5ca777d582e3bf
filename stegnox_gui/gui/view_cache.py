"""ViewCache: image views (bit planes, LSB-enhanced, histograms, detection plots) computed on a
background thread and cached by (image path, mtime, view key) with an LRU bound on memory.

The GUI thread never loads or computes: `request()` returns a cached value at once or schedules the
work and later emits `ready(path, key, value)` (or `failed(path, key, message)`) on the GUI thread.
Keys: ("original",), ("plane", channel, bit), ("channel", channel), ("lsb",), ("histograms",),
("chi_square",), ("estimates",), ("info",). Image views are QImages; the others plain dicts.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Any, Hashable

import numpy as np
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtGui import QImage

from stegnox_gui.engine import views
from stegnox_gui.engine.image_data import DEFAULT_PIXEL_LIMIT, ImageData, load_image

ViewKey = tuple[Hashable, ...]
DEFAULT_MAX_BYTES = 512 * 1024 * 1024


class ViewUnavailable(Exception):
    """The view cannot be made for this image or in this build (the message says why)."""


# -- computing views (worker thread; no widgets here) -------------------------------------------

def array_to_qimage(arr: np.ndarray) -> QImage:
    """An owned QImage from an H x W (gray), H x W x 3 (RGB) or H x W x 4 (RGBA) uint8 array."""
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    h, w = arr.shape[:2]
    if arr.ndim == 2:
        fmt = QImage.Format.Format_Grayscale8
    elif arr.shape[2] == 3:
        fmt = QImage.Format.Format_RGB888
    elif arr.shape[2] == 4:
        fmt = QImage.Format.Format_RGBA8888
    else:
        raise ValueError(f"Cannot show an array of shape {arr.shape}")
    return QImage(arr.data, w, h, arr.strides[0], fmt).copy()  # copy: the QImage owns its pixels


def compute_view(image: ImageData, key: ViewKey) -> Any:
    """The value of view `key` for a loaded image."""
    kind = key[0]
    if kind == "info":
        return {"channels": views.available_channels(image), "width": image.width, "height": image.height,
                "mode": image.mode, "format": image.format, "decode_error": image.decode_error}
    if not image.has_pixels:
        raise ViewUnavailable(image.decode_error or "The image has no decoded pixels")
    if kind == "original":
        ch = image.channels
        if all(c in ch for c in "rgba"):
            return array_to_qimage(np.stack([ch[c] for c in "rgba"], axis=-1))
        if "gray" in ch:
            return array_to_qimage(ch["gray"])
        return array_to_qimage(views.rgb_image(image))
    if kind == "plane":
        return array_to_qimage(views.channel_plane(image, str(key[1]), int(key[2])))  # type: ignore[arg-type]
    if kind == "channel":
        return array_to_qimage(views.channel_plane(image, str(key[1])))
    if kind == "lsb":
        return array_to_qimage(views.lsb_enhanced(image))
    if kind == "histograms":
        return {name: counts.tolist() for name, counts in views.histograms(image).items()}
    if kind in ("chi_square", "estimates"):
        return _detection_view(image, kind)
    raise ValueError(f"Unknown view {key!r}")


def _detection_view(image: ImageData, kind: str) -> Any:
    """Detection plot data normalised for the plots: chi_square -> {channel: {"x", "p"}};
    estimates -> {"channels": {channel: {detector: estimate}}, "reasons": {what: why undecided},
    "lsb_matching": {"projection", "threshold", "decisive", "payload_bpc"} or None}."""
    try:
        from stegnox_gui.engine import detection_views
    except ImportError:
        raise ViewUnavailable("Detection plots are not available in this build") from None
    if kind == "estimates":
        raw = _plain(detection_views.payload_estimates(image)) or {}
        if "channels" in raw:
            return {"channels": raw.get("channels") or {}, "reasons": raw.get("reasons") or {},
                    "lsb_matching": raw.get("lsb_matching")}
        return {"channels": raw, "reasons": {}, "lsb_matching": None}
    raw = _plain(detection_views.chi_square_curve(image)) or {}
    xs = raw.get("x") or []
    if "channels" in raw:
        return {ch: {"x": xs, "p": ps} for ch, ps in (raw.get("channels") or {}).items() if ps}
    return {"p": {"x": xs, "p": raw.get("p") or []}} if xs else {}


def _plain(value: Any) -> Any:
    """numpy values as plain Python numbers and lists (for signals and plots)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def size_of(value: Any) -> int:
    """Approximate memory held by a cached value, for the LRU bound."""
    if isinstance(value, QImage):
        return int(value.sizeInBytes())
    if isinstance(value, ImageData):
        total = len(value.raw) + sum(a.nbytes for a in value.channels.values())
        if value.palette_indices is not None:
            total += value.palette_indices.nbytes
        return total
    if isinstance(value, dict):
        return 64 + sum(size_of(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return 64 + 16 * len(value)
    return 64


# -- background task -----------------------------------------------------------------------------

class _TaskSignals(QObject):
    done = Signal(object, object)  # token, value
    error = Signal(object, str)  # token, message


class _ViewTask(QRunnable):
    def __init__(self, cache: "ViewCache", token: tuple, path: str, key: ViewKey) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the cache keeps it until its signal arrives
        self.signals = _TaskSignals()
        self._cache, self._token, self._path, self._key = cache, token, path, key

    def run(self) -> None:
        try:
            image = self._cache._image_data(self._path, self._token[1])
            value = compute_view(image, self._key)
        except MemoryError:
            self.signals.error.emit(self._token, "Not enough memory to show this view")
        except Exception as exc:  # every failure becomes a message for the viewer
            text = str(exc).strip() or type(exc).__name__
            self.signals.error.emit(self._token, text[:500])
        else:
            self.signals.done.emit(self._token, value)


# -- the cache -----------------------------------------------------------------------------------

class ViewCache(QObject):
    """Background-computed, memory-bounded cache of image views."""

    ready = Signal(str, object, object)  # path, key, value
    failed = Signal(str, object, str)  # path, key, message

    def __init__(self, parent: QObject | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 threads: int | None = None, pixel_limit: int = DEFAULT_PIXEL_LIMIT) -> None:
        super().__init__(parent)
        self.max_bytes = max_bytes
        self.pixel_limit = pixel_limit
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads or max(1, min(2, os.cpu_count() or 1)))
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._load_locks: dict[tuple, threading.Lock] = {}
        self._tasks: dict[tuple, _ViewTask] = {}
        self.computed = 0  # views computed so far (not served from the cache)

    # public ------------------------------------------------------------------------------
    def request(self, path: str, key: ViewKey) -> Any:
        """The cached value now, or None after scheduling it (then `ready` or `failed` follows)."""
        path = str(path)
        mtime = _mtime(path)
        if mtime is None:
            QTimer.singleShot(0, lambda: self.failed.emit(path, key, f"File not found: {path}"))
            return None
        token = (path, mtime, key)
        hit = self._get(token)
        if hit is not None:
            return hit
        if token not in self._tasks:
            task = _ViewTask(self, token, path, key)
            task.signals.done.connect(self._on_done)
            task.signals.error.connect(self._on_error)
            self._tasks[token] = task
            self._pool.start(task)
        return None

    def get(self, path: str, key: ViewKey) -> Any:
        """The cached value or None, without scheduling anything."""
        mtime = _mtime(str(path))
        return None if mtime is None else self._get((str(path), mtime, key))

    def image_data(self, path: str) -> ImageData | None:
        """The loaded image, if a view of it was computed and it is still cached."""
        mtime = _mtime(str(path))
        return None if mtime is None else self._get((str(path), mtime, ("__data__",)))

    def is_pending(self, path: str, key: ViewKey) -> bool:
        return any(t[0] == str(path) and t[2] == key for t in self._tasks)

    def drop_queued(self, keep_path: str | None = None) -> None:
        """Forget queued (not yet started) work for images other than `keep_path`."""
        for token, task in list(self._tasks.items()):
            if token[0] != keep_path and self._pool.tryTake(task):
                del self._tasks[token]

    def wait(self, msecs: int = -1) -> bool:
        """Block until background work is done (for tests and shutdown)."""
        return self._pool.waitForDone(msecs)

    def memory_used(self) -> int:
        with self._lock:
            return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    # internals ---------------------------------------------------------------------------
    def _get(self, token: tuple) -> Any:
        with self._lock:
            hit = self._entries.get(token)
            if hit is None:
                return None
            self._entries.move_to_end(token)
            return hit[0]

    def _put(self, token: tuple, value: Any) -> None:
        size = size_of(value)
        with self._lock:
            old = self._entries.pop(token, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[token] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes and len(self._entries) > 1:
                oldest = next(iter(self._entries))
                if oldest == token:
                    break
                self._bytes -= self._entries.pop(oldest)[1]

    def _image_data(self, path: str, mtime: int) -> ImageData:
        """Load an image once even when several views of it are asked for at the same time."""
        token = (path, mtime, ("__data__",))
        with self._lock:
            lock = self._load_locks.setdefault((path, mtime), threading.Lock())
        with lock:
            hit = self._get(token)
            if hit is not None:
                return hit
            image = load_image(path, pixel_limit=self.pixel_limit)
            self._put(token, image)
        with self._lock:
            self._load_locks.pop((path, mtime), None)
        return image

    def _on_done(self, token: tuple, value: Any) -> None:
        self._tasks.pop(token, None)
        self.computed += 1
        self._put(token, value)
        self.ready.emit(token[0], token[2], value)

    def _on_error(self, token: tuple, message: str) -> None:
        self._tasks.pop(token, None)
        self.failed.emit(token[0], token[2], message)


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None
