"""LSB matching (+-1 embedding) detector: SPAM features and a Fisher discriminant trained on clean
photographs (engine/detection/lsbm.py). The structural detectors (RS, SPA, WS) cannot see +-1 embedding;
this one can, on colour photographs. On gray images it is weak and only informs."""
from __future__ import annotations

from typing import Any

import numpy as np

from stegnox_gui.engine.detection.base import LOSSY_FORMATS, confidence_for, spatial_detection_applies
from stegnox_gui.engine.detection.lsbm import image_features, projection
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
        feats = image_features(pixels) if pixels is not None else None
        data: dict[str, Any] = {"detector": "lsbm", "lossy_source": image.format in LOSSY_FORMATS}
        if feats is None:
            data.update(decided=False, payload_bpc=None)
            return [Finding(self.name, "statistic", 0.0,
                            "LSB matching: cannot decide (flat, saturated, synthetic or tiny channels)",
                            hidden=False, data=data)]
        kind, f = feats
        model = lsbm_model.MODELS[kind]
        proj = projection(kind, f)
        rate = float(np.clip(model["rate_slope"] * proj + model["rate_intercept"], 0.0, 1.0))
        decisive = kind == "color" and not data["lossy_source"]
        conf = confidence_for(proj, model["suspicious"], model["hidden"]) if decisive else 0.0
        data.update(decided=True, kind=kind, projection=round(proj, 4), threshold=model["hidden"],
                    suspicious_threshold=model["suspicious"], payload_bpc=round(rate, 4) if proj > 0 else 0.0,
                    decisive=decisive)
        hidden = decisive and proj >= model["hidden"]
        if hidden:
            summary = (f"LSB matching: +-1 embedding likely (discriminant {proj:.1f}, threshold "
                       f"{model['hidden']:.1f}; roughly {rate:.2f} bits per channel value)")
        elif not decisive:
            why = "decoded JPEG pixels" if data["lossy_source"] else "weak on gray images"
            summary = f"LSB matching: discriminant {proj:.1f} (information only: {why})"
        else:
            summary = f"LSB matching: no +-1 embedding seen (discriminant {proj:.1f}, threshold {model['hidden']:.1f})"
        return [Finding(self.name, "statistic", conf, summary, hidden=hidden, data=data)]


METHOD = LsbMatching()
