"""StegnoxEngine.extract_all_methods: read an image once, run every method, fuse one verdict.

The result is a small JSON-serialisable dict; big payloads go to `output_dir`, never into it.
"""
from __future__ import annotations

import codecs
import hashlib
import re
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from stegnox_gui._version import __version__
from stegnox_gui.engine import verdict as verdict_mod
from stegnox_gui.engine.errors import AnalysisCancelled, ImageDecodeError
from stegnox_gui.engine.image_data import DEFAULT_PIXEL_LIMIT, ImageData, load_image
from stegnox_gui.engine.method import Finding, Method, RunContext
from stegnox_gui.engine.methods import all_methods

PREVIEW_LIMIT = 4096
MAX_FINDINGS = 200  # keeps results small when a file holds hundreds of embedded objects

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]


class StegnoxEngine:
    """Runs every registered method on an image. Stateless between calls; safe to reuse."""

    def __init__(self, *, pixel_limit: int = DEFAULT_PIXEL_LIMIT, methods: Iterable[Method] | None = None,
                 options: dict[str, Any] | None = None) -> None:
        self.pixel_limit = pixel_limit
        self._methods = list(methods) if methods is not None else None
        self.options = dict(options or {})

    @property
    def methods(self) -> list[Method]:
        if self._methods is None:
            self._methods = all_methods()
        return self._methods

    def method_names(self) -> list[str]:
        return [m.name for m in self.methods]

    def extract_all_methods(self, image_path: str | Path, *, output_dir: str | Path | None = None,
                            methods: Iterable[str] | None = None, progress: ProgressFn | None = None,
                            cancel: CancelFn | None = None) -> dict[str, Any]:
        """Analyse one image with every method (or the named ones) and return the result dict.

        Raises ImageLoadError when there is nothing to analyse, ImageDecodeError when the pixels are
        corrupt and nothing was found in the bytes, AnalysisCancelled when cancel() returned True.
        """
        selected = self._select(methods)  # imports the method modules: not part of the analysis time
        started = time.perf_counter()
        cancel = cancel or (lambda: False)
        image = load_image(image_path, pixel_limit=self.pixel_limit)
        out = Path(output_dir) if output_dir is not None else None
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
        ctx = RunContext(output_dir=out, cancel=cancel, options=self.options)

        findings: list[Finding] = []
        method_report: dict[str, dict[str, Any]] = {}
        for i, method in enumerate(selected):
            if cancel():
                raise AnalysisCancelled("Cancelled")
            t0 = time.perf_counter()
            entry: dict[str, Any] = {"status": "ok", "seconds": 0.0, "error": None, "title": method.title}
            if not method.applies_to(image):
                entry["status"] = "skipped"
                entry["error"] = image.decode_error if (method.needs_pixels and not image.has_pixels) else None
            else:
                try:
                    findings.extend(method.run(image, ctx))
                except AnalysisCancelled:
                    raise
                except MemoryError:
                    entry.update(status="error", error="Out of memory")
                except Exception as exc:  # one failing method never stops the others
                    entry.update(status="error", error=f"{type(exc).__name__}: {exc}"[:500])
            entry["seconds"] = round(time.perf_counter() - t0, 4)
            method_report[method.name] = entry
            if progress is not None:
                progress((i + 1) / len(selected), method.name)

        findings.sort(key=lambda f: (not f.hidden, -f.confidence))
        if image.decode_error and not image.has_pixels and not any(f.hidden for f in findings):
            raise ImageDecodeError(f"{image.path.name}: {image.decode_error}")

        fused = verdict_mod.fuse(findings)
        return {
            "found_data": fused.found_data,
            "verdict": fused.verdict,
            "score": round(float(fused.score), 4),
            "message": fused.message,
            "drivers": fused.drivers,
            "image": image.summary(),
            "findings": [_finding_dict(f, n, out, image) for n, f in enumerate(findings[:MAX_FINDINGS])],
            "findings_omitted": max(0, len(findings) - MAX_FINDINGS),
            "methods": method_report,
            "error": image.decode_error,
            "elapsed_seconds": round(time.perf_counter() - started, 4),
            "engine_version": __version__,
        }

    def _select(self, names: Iterable[str] | None) -> list[Method]:
        if names is None:
            return self.methods
        wanted = list(names)
        known = {m.name: m for m in self.methods}
        unknown = [n for n in wanted if n not in known]
        if unknown:
            raise ValueError(f"Unknown method(s): {', '.join(unknown)}; known: {', '.join(known)}")
        return [known[n] for n in wanted]


def _finding_dict(f: Finding, index: int, out: Path | None, image: ImageData) -> dict[str, Any]:
    d: dict[str, Any] = {
        "method": f.method,
        "kind": f.kind,
        "confidence": round(float(f.confidence), 4),
        "summary": f.summary,
        "hidden": f.hidden,
        "params": f.params,
        "detected_type": f.detected_type,
        "preview": f.preview if f.preview is not None else preview_of(f.payload),
        "payload_size": len(f.payload) if f.payload is not None else None,
        "sha256": hashlib.sha256(f.payload).hexdigest() if f.payload is not None else None,
        "path": None,
        "data": f.data,
    }
    if d["preview"] is not None and len(d["preview"]) > PREVIEW_LIMIT:
        d["preview"] = d["preview"][:PREVIEW_LIMIT]
    if out is not None and f.payload:
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", image.path.stem)[:60]
        ext = _EXT.get((f.detected_type or "").lower(), "bin")
        # the image's hash keeps same-named images from different folders apart in one output folder
        path = out / f"{stem}-{image.sha256[:8]}.{index:02d}.{f.method}.{ext}"
        path.write_bytes(f.payload)
        d["path"] = str(path)
    return d


_EXT = {"text": "txt", "zip": "zip", "png": "png", "jpeg": "jpg", "gif": "gif", "bmp": "bmp", "gzip": "gz",
        "bzip2": "bz2", "7z": "7z", "rar": "rar", "pdf": "pdf", "elf": "elf", "pe": "exe", "wav": "wav",
        "ogg": "ogg", "mp3": "mp3", "sqlite": "sqlite", "zlib": "zlib"}


def preview_of(payload: bytes | None) -> str | None:
    """Text for text payloads, else a hex dump of the first bytes; at most PREVIEW_LIMIT characters."""
    if payload is None:
        return None
    head = payload[:PREVIEW_LIMIT]
    try:
        # incremental decoding tolerates a character cut in two at the preview limit
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=len(payload) <= PREVIEW_LIMIT)
        if text and all(c.isprintable() or c in "\r\n\t" for c in text):
            return text
    except UnicodeDecodeError:
        pass
    lines = []
    for off in range(0, min(len(head), 256), 16):
        chunk = head[off:off + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{off:08x}  {hexes:<47}  {text}")
    return "\n".join(lines)
