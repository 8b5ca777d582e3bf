"""Fuses the findings of all methods into one score, verdict, message and list of drivers.

Two kinds of evidence:
- extraction and structure findings (recovered payloads, carved files, anomalies): the best hidden one
  speaks for itself through its confidence, as before (a recovered readable payload decides);
- the statistical LSB detectors (findings whose `data["detector"]` is chi/rs/spa/ws): their image-level
  payload estimates are fused as min(WS, mean(RS, SPA)) (all must agree; see calibration.py) and
  judged against thresholds calibrated on clean photographs (`engine/detection/calibration.py`), scaled
  to the image size, so a score means the same for a 256 px crop and a 12 MP photo. A sequential message
  located by the chi-square attack (and confirmed on its prefix) counts on its own. Detector numbers on
  decoded JPEG pixels are reported but never raise the verdict.
The score is on one scale for both: >= 0.8 hidden_data, >= 0.5 suspicious.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stegnox_gui.engine.detection import calibration as cal
from stegnox_gui.engine.detection.base import confidence_for
from stegnox_gui.engine.method import Finding

HIDDEN_THRESHOLD = 0.8
SUSPICIOUS_THRESHOLD = 0.5
DETECTOR_NAMES = {"chi": "chi-square", "rs": "RS", "spa": "SPA", "ws": "WS", "lsbm": "LSB matching"}


@dataclass
class Verdict:
    score: float
    verdict: str  # "clean" | "suspicious" | "hidden_data"
    found_data: bool
    message: str
    drivers: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class StatisticalEvidence:
    """What the LSB detectors say together."""

    score: float = 0.0
    message: str = ""
    payload_bpc: float | None = None
    drivers: list[dict[str, Any]] = field(default_factory=list)


def is_detector_finding(f: Finding) -> bool:
    return f.kind == "statistic" and f.data.get("detector") in DETECTOR_NAMES


def _level(score: float) -> str:
    if score >= HIDDEN_THRESHOLD:
        return "hidden_data"
    if score >= SUSPICIOUS_THRESHOLD:
        return "suspicious"
    return "clean"


def _driver(f: Finding) -> dict[str, Any]:
    d: dict[str, Any] = {"method": f.method, "confidence": round(float(f.confidence), 3), "summary": f.summary}
    if is_detector_finding(f):
        d["detector"] = f.data["detector"]
        for key in ("payload_bpc", "payload_bpp", "threshold", "sequential_fraction", "projection"):
            if f.data.get(key) is not None:
                d[key] = f.data[key]
        d["channels"] = {ch: v.get("payload") for ch, v in f.data.get("channels", {}).items()}
    return d


def statistical_evidence(findings: list[Finding]) -> StatisticalEvidence:
    """Fuse the detector findings into one calibrated score with a message and drivers: the structural
    evidence (chi-square, RS, SPA, WS) or the LSB-matching discriminant, whichever is stronger."""
    structural = _structural_evidence(findings)
    lsbm = next((f for f in findings if is_detector_finding(f) and f.data["detector"] == "lsbm"), None)
    if lsbm is None or lsbm.data.get("lossy_source") or not lsbm.data.get("decisive"):
        return structural
    if lsbm.confidence < SUSPICIOUS_THRESHOLD or lsbm.confidence <= structural.score:
        return structural
    proj, thr = lsbm.data["projection"], lsbm.data["threshold"]
    if lsbm.hidden:
        message = (f"LSB matching (+-1) embedding likely: roughly {lsbm.data['payload_bpc']:.2f} bits per channel "
                   f"value (discriminant {proj:.1f}, threshold {thr:.1f})")
    else:
        message = f"Possible LSB matching (+-1) embedding (discriminant {proj:.1f}, threshold {thr:.1f})"
    return StatisticalEvidence(lsbm.confidence, message, lsbm.data.get("payload_bpc"), [_driver(lsbm)])


def _structural_evidence(findings: list[Finding]) -> StatisticalEvidence:
    det = {f.data["detector"]: f for f in findings if is_detector_finding(f)}
    if not det:
        return StatisticalEvidence()
    if any(f.data.get("lossy_source") for f in det.values()):
        return StatisticalEvidence(message="LSB detectors not applicable to decoded JPEG pixels")
    chi = det.get("chi")
    if chi is not None and chi.hidden:
        return StatisticalEvidence(chi.confidence, f"Sequential LSB embedding located: {chi.summary.split(': ', 1)[-1]}",
                                   chi.data.get("payload_bpc"), [_driver(chi)])
    trio = {k: det[k] for k in ("ws", "rs", "spa") if k in det and det[k].data.get("payload_bpc") is not None}
    if not trio:
        return StatisticalEvidence(message="LSB detectors could not decide")
    samples = max(int(f.data.get("samples") or 0) for f in trio.values())
    values = {k: float(f.data["payload_bpc"]) for k, f in trio.items()}
    if len(values) == 3:
        fused = min(values["ws"], (values["rs"] + values["spa"]) / 2)
        factor = cal.size_factor(samples)
        score = confidence_for(fused, cal.FUSED_SUSPICIOUS * factor, cal.FUSED_HIDDEN * factor)
    else:  # without all three, the detectors may make an image suspicious, never hidden_data
        key = max(values, key=lambda k: trio[k].confidence)
        fused = values[key]
        score = min(0.6, trio[key].confidence)
    channels = ""
    first = next(iter(trio.values()))
    names = [ch for ch, v in first.data.get("channels", {}).items() if v.get("payload") is not None]
    if names:
        channels = " on " + ",".join(n.upper() if n != "gray" else "gray" for n in names)
    nums = ", ".join(f"{DETECTOR_NAMES[k]} {values[k]:.3f}" for k in ("rs", "spa", "ws") if k in values)
    bpp = max(0.0, fused) * max(1, len(names))
    level = _level(score)
    if level == "hidden_data":
        message = f"LSB embedding likely: ~{fused:.2f} bits per channel value, {bpp:.2f} bpp ({nums}{channels})"
    elif level == "suspicious":
        message = f"Possible LSB embedding: ~{fused:.2f} bits per channel value ({nums}{channels})"
    else:
        message = f"No LSB embedding detected ({nums}{channels})"
    drivers = [_driver(f) for f in sorted(trio.values(), key=lambda f: -f.confidence)]
    return StatisticalEvidence(score, message, fused, drivers)


def fuse(findings: list[Finding]) -> Verdict:
    """One verdict from findings already sorted best first."""
    stats = statistical_evidence(findings)
    others = [f for f in findings if f.hidden and not is_detector_finding(f)]
    best_other = others[0] if others else None
    other_score = max(0.0, min(1.0, best_other.confidence)) if best_other else 0.0
    score = max(other_score, stats.score)
    verdict = _level(score)
    drivers: list[dict[str, Any]] = [_driver(f) for f in others[:3]]
    if stats.score >= SUSPICIOUS_THRESHOLD:
        drivers += stats.drivers
    if verdict == "clean":
        message = "Nothing hidden found"
        if stats.message and stats.payload_bpc is not None:
            message += f"; {stats.message[0].lower()}{stats.message[1:]}"
    elif best_other is not None and other_score >= stats.score:
        message = best_other.summary
        if stats.score >= SUSPICIOUS_THRESHOLD:
            message += f"; {stats.message}"
    else:
        message = stats.message
    if best_other is not None and other_score >= stats.score:
        drivers.sort(key=lambda d: "detector" in d)
    else:
        drivers.sort(key=lambda d: "detector" not in d)
    return Verdict(round(score, 4), verdict, verdict == "hidden_data", message, drivers)
