"""The per-channel result every detector returns, and the small quadratic helper they share."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ChannelEstimate:
    """A detector's output on one channel.

    `payload` is the estimated message length as a fraction of the channel's values (bits per channel
    value, bpc); None when the detector cannot decide, with `reason` saying why. `stats` holds the
    detector's own numbers (JSON-safe).
    """

    channel: str
    payload: float | None
    stats: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"payload": None if self.payload is None else round(self.payload, 5)}
        d.update({k: (round(v, 6) if isinstance(v, float) else v) for k, v in self.stats.items()})
        if self.reason:
            d["reason"] = self.reason
        return d


def smaller_root(a: float, b: float, c: float) -> float | None:
    """The real root of a x^2 + b x + c = 0 with the smaller magnitude; the vertex when there is no real root
    (the estimators' usual convention); None when the equation is degenerate."""
    if not all(math.isfinite(v) for v in (a, b, c)):
        return None
    if abs(a) < 1e-12:
        return None if abs(b) < 1e-12 else -c / b
    disc = b * b - 4 * a * c
    if disc < 0:
        return -b / (2 * a)
    r = math.sqrt(disc)
    roots = ((-b + r) / (2 * a), (-b - r) / (2 * a))
    return min(roots, key=abs)
