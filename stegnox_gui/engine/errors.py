"""Exceptions the engine raises; workers turn them into failed jobs with their message."""
from __future__ import annotations


class EngineError(Exception):
    """Base class: the message is shown to people as the job's error."""


class ImageLoadError(EngineError):
    """Nothing to analyse: missing, unreadable, empty, not an image, or over the pixel limit."""


class ImageDecodeError(EngineError):
    """A known image format whose pixels are corrupt, and no byte-level method found anything."""


class AnalysisCancelled(EngineError):
    """cancel() returned True; raised at the next method boundary."""
