"""The interface every analysis method implements, and the Finding it reports.

A method is one module in `engine/methods/` that defines `METHOD = SomeMethod()`, registered by one
line in `engine/methods/__init__.py`. The engine gives every method the same ImageData.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from stegnox_gui.engine.image_data import ImageData

# Finding kinds, as the result documents them.
KINDS = ("text", "file", "metadata", "structure", "trailing", "statistic")


@dataclass
class Finding:
    """One thing a method noticed.

    `hidden` is False for information that is ordinary (camera make, a normal Software chunk): shown,
    never counted as hidden data. `payload` is the recovered bytes, if any: the engine sizes, hashes,
    previews and carves it; it never goes into the result itself.
    """

    method: str
    kind: str
    confidence: float
    summary: str
    params: dict[str, Any] = field(default_factory=dict)
    payload: bytes | None = None
    detected_type: str | None = None  # e.g. "text", "zip", "png", "zlib"
    preview: str | None = None  # set to override the engine's preview of `payload`
    hidden: bool = True
    data: dict[str, Any] = field(default_factory=dict)  # numbers for plots/statistics (JSON-safe)


@dataclass
class RunContext:
    """What a method may use besides the image."""

    output_dir: Path | None = None
    cancel: Callable[[], bool] = lambda: False
    options: dict[str, Any] = field(default_factory=dict)

    def cancelled(self) -> bool:
        return bool(self.cancel())


class Method(ABC):
    """One analysis method. Subclasses set `name` (short, unique) and `title` (for people)."""

    name: str = ""
    title: str = ""
    # "extraction" methods recover data; "detection" methods report statistics.
    role: str = "extraction"
    # Pixel methods are skipped when the pixels could not be decoded.
    needs_pixels: bool = True

    def applies_to(self, image: ImageData) -> bool:
        """Whether this method makes sense for this image (default: when its needs are met)."""
        return image.has_pixels or not self.needs_pixels

    @abstractmethod
    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        """Analyse the image and return findings (possibly none). May raise; the engine records it."""
