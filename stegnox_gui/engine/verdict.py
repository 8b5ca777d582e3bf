"""Fuses the findings of all methods into one score, verdict and message.

A first version: recovered payloads decide; statistics are refined by the detection issue.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stegnox_gui.engine.method import Finding

HIDDEN_THRESHOLD = 0.8
SUSPICIOUS_THRESHOLD = 0.5


@dataclass
class Verdict:
    score: float
    verdict: str  # "clean" | "suspicious" | "hidden_data"
    found_data: bool
    message: str
    drivers: list[dict[str, Any]] = field(default_factory=list)


def fuse(findings: list[Finding]) -> Verdict:
    """One verdict from findings already sorted best first."""
    hidden = [f for f in findings if f.hidden]
    if not hidden:
        return Verdict(0.0, "clean", False, "Nothing hidden found")
    best = hidden[0]
    score = max(0.0, min(1.0, best.confidence))
    if score >= HIDDEN_THRESHOLD:
        verdict = "hidden_data"
    elif score >= SUSPICIOUS_THRESHOLD:
        verdict = "suspicious"
    else:
        verdict = "clean"
    message = best.summary if verdict != "clean" else "Nothing hidden found"
    drivers = [{"method": f.method, "confidence": round(f.confidence, 3), "summary": f.summary} for f in hidden[:3]]
    return Verdict(score, verdict, verdict == "hidden_data", message, drivers)
