"""Weighted Stego detector (Fridrich & Goljan; Ker & Boehme's predictor, weights and saturation handling)."""
from __future__ import annotations

from stegnox_gui.engine.detection.base import ChannelDetector
from stegnox_gui.engine.detection.ws import ws_estimate


class WeightedStego(ChannelDetector):
    name = "weighted_stego"
    title = "Weighted Stego (WS) analysis"
    key = "ws"
    estimator = staticmethod(ws_estimate)


METHOD = WeightedStego()
