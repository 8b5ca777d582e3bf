"""RS analysis detector (Fridrich, Goljan & Du) with the quadratic payload estimate."""
from __future__ import annotations

from stegnox_gui.engine.detection.base import ChannelDetector
from stegnox_gui.engine.detection.rs import rs_estimate


class RSAnalysis(ChannelDetector):
    name = "rs_analysis"
    title = "RS analysis"
    key = "rs"
    estimator = staticmethod(rs_estimate)


METHOD = RSAnalysis()
