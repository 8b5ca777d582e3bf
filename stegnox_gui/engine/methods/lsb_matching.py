"""LSB matching (+-1 embedding) detector: Fisher discriminants trained on clean photographs against
simulated +-1 embedding (engine/detection/lsbm.py): SPAM and residual co-occurrences of the channels and of
their colour differences on colour images, activity-class residual histograms, SPAM and residual
co-occurrences on gray ones. The structural detectors (RS, SPA, WS) cannot see +-1 embedding; this one can. Images whose own noise swamps +-1 embedding are undecidable."""
from __future__ import annotations

from typing import Any

import numpy as np

from stegnox_gui.engine.detection.base import LOSSY_FORMATS, confidence_for, spatial_detection_applies
from stegnox_gui.engine.detection.lsbm import analyse, implausible_rate, projection
from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.method import Finding, Method, RunContext


class LsbMatching(Method):
    name = "lsb_matching"
    title = "LSB matching (+-1) detector"
    role = "detection"
    needs_pixels = True

    def applies_to(self, image: ImageData) -> bool:
        return spatial_detection_applies(image)

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        from stegnox_gui.engine.detection import lsbm_model

        if all(n in image.channels for n in "rgb"):
            pixels = image.pixels("rgb")
        else:
            pixels = image.channels.get("gray")
        a = analyse(pixels) if pixels is not None else {"kind": None, "reason": "no colour or gray channels"}
        data: dict[str, Any] = {"detector": "lsbm", "lossy_source": image.format in LOSSY_FORMATS}
        if a["kind"] is None or a["reason"] is not None:
            return [self._undecided(data, a["reason"], a.get("floor"))]
        kind, f = a["kind"], a["features"]
        model = lsbm_model.MODELS[kind]
        proj = projection(kind, f)
        rate = float(np.clip(f @ np.asarray(model["rate_weights"]) + model["rate_offset"], 0.0, 1.0))
        reason = implausible_rate(a, rate) if proj >= model["suspicious"] else None
        if reason is not None:
            data.update(projection=round(proj, 4), threshold=model["hidden"])
            return [self._undecided(data, reason, a["floor"])]
        decisive = not data["lossy_source"]
        conf = confidence_for(proj, model["suspicious"], model["hidden"]) if decisive else 0.0
        data.update(decided=True, kind=kind, projection=round(proj, 4), threshold=model["hidden"],
                    suspicious_threshold=model["suspicious"], payload_bpc=round(rate, 4),
                    decisive=decisive, noise_floor=round(a["floor"], 3))
        hidden = decisive and proj >= model["hidden"]
        if hidden:
            summary = (f"LSB matching: +-1 embedding likely (discriminant {proj:.1f}, threshold "
                       f"{model['hidden']:.1f}; roughly {rate:.2f} bits per channel value)")
        elif not decisive:
            summary = f"LSB matching: discriminant {proj:.1f} (information only: decoded JPEG pixels)"
        else:
            summary = f"LSB matching: no +-1 embedding seen (discriminant {proj:.1f}, threshold {model['hidden']:.1f})"
        return [Finding(self.name, "statistic", conf, summary, hidden=hidden, data=data)]

    def _undecided(self, data: dict[str, Any], reason: str, floor: float | None) -> Finding:
        data.update(decided=False, payload_bpc=None, reason=reason, noise_floor=floor)
        return Finding(self.name, "statistic", 0.0, f"LSB matching: cannot decide ({reason})", hidden=False,
                       data=data)


METHOD = LsbMatching()
