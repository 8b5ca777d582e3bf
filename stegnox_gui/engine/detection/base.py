"""The common frame of the per-channel LSB detectors: channel preparation, image-level estimate,
calibrated decision, and the statistic Finding the GUI and the verdict read."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from stegnox_gui.engine.detection import calibration as cal
from stegnox_gui.engine.detection.channels import prepare
from stegnox_gui.engine.detection.estimate import ChannelEstimate
from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.method import Finding, Method, RunContext

Estimator = Callable[[str, np.ndarray], ChannelEstimate]

# Formats whose decoded pixels went through lossy compression: spatial LSB statistics there say nothing.
LOSSY_FORMATS = {"JPEG", "MPO"}


def spatial_detection_applies(image: ImageData) -> bool:
    """Pixels exist and are not palette indices (palette order makes neighbour statistics meaningless)."""
    return image.has_pixels and image.palette_indices is None and any(
        n in image.channels for n in ("r", "g", "b", "gray"))


def confidence_for(payload: float, suspicious: float, hidden: float) -> float:
    """0.5 at the suspicious threshold, 0.8 at the hidden one, towards 0.99 at three times it."""
    xs = [0.0, suspicious, hidden, 3.0 * hidden]
    ys = [0.0, 0.5, 0.8, 0.99]
    return float(np.interp(max(0.0, payload), xs, ys))


def channel_label(names: list[str]) -> str:
    return ",".join(n.upper() if n != "gray" else "gray" for n in names)


class ChannelDetector(Method):
    """A detector that estimates the LSB payload of each channel and decides on their mean."""

    role = "detection"
    needs_pixels = True
    key = ""  # "ws", "rs", "spa": the calibration entry
    estimator: Estimator

    def applies_to(self, image: ImageData) -> bool:
        return spatial_detection_applies(image)

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        estimates: list[ChannelEstimate] = []
        samples_used = 0
        sampled = False
        for ch in prepare(image):
            if not ch.usable:
                estimates.append(ChannelEstimate(ch.name, None, {}, ch.reason))
                continue
            est = type(self).estimator(ch.name, ch.tiles)
            estimates.append(est)
            samples_used = max(samples_used, int(ch.tiles.size))
            sampled = sampled or ch.sampled
        return [self.finding(image, estimates, samples_used, sampled)]

    def finding(self, image: ImageData, estimates: list[ChannelEstimate], samples: int,
                sampled: bool) -> Finding:
        decided = [e for e in estimates if e.payload is not None]
        lossy = image.format in LOSSY_FORMATS
        data: dict[str, Any] = {
            "detector": self.key,
            "channels": {e.channel: e.as_dict() for e in estimates},
            "samples": samples,
            "sampled": sampled,
            "lossy_source": lossy,
            "decided": bool(decided),
        }
        title = self.title.split(" (")[0]
        if not decided:
            reasons = sorted({e.reason or "undecided" for e in estimates}) or ["no analysable channel"]
            data.update(payload_bpc=None, payload_bpp=None)
            return Finding(self.name, "statistic", 0.0, f"{title}: cannot decide ({'; '.join(reasons)})",
                           params={"channels": channel_label([e.channel for e in estimates])},
                           hidden=False, data=data)
        payload = float(np.mean([e.payload for e in decided]))
        hid_thr = cal.hidden_threshold(self.key, samples)
        sus_thr = cal.suspicious_threshold(self.key, samples)
        conf = confidence_for(payload, sus_thr, hid_thr)
        bpp = max(0.0, payload) * len(decided)
        per = ", ".join(f"{channel_label([e.channel])} {e.payload:.3f}" for e in decided)
        data.update(payload_bpc=round(payload, 5), payload_bpp=round(bpp, 5), threshold=round(hid_thr, 5),
                    suspicious_threshold=round(sus_thr, 5))
        note = f" on {samples:,} sampled values per channel" if sampled else ""
        if lossy:
            summary = (f"{title}: {payload:.3f} bpc ({per}) - not meaningful on decoded {image.format} pixels, "
                       f"ignored")
            return Finding(self.name, "statistic", min(conf, 0.3), summary, hidden=False, data=data,
                           params={"channels": channel_label([e.channel for e in decided])})
        hidden = payload >= hid_thr
        if hidden:
            summary = f"{title}: LSB embedding likely, ~{payload:.3f} bits per channel value ({per}){note}"
        elif payload >= sus_thr:
            summary = f"{title}: possible LSB embedding, ~{payload:.3f} bpc ({per}; threshold {hid_thr:.3f})"
        else:
            summary = f"{title}: no LSB embedding seen ({payload:.3f} bpc; threshold {hid_thr:.3f})"
        return Finding(self.name, "statistic", conf, summary, hidden=hidden, data=data,
                       params={"channels": channel_label([e.channel for e in decided])})
