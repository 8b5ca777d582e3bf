"""Sample Pairs Analysis detector (Dumitrescu, Wu & Wang)."""
from __future__ import annotations

from stegnox_gui.engine.detection.base import ChannelDetector
from stegnox_gui.engine.detection.spa import spa_estimate


class SamplePairs(ChannelDetector):
    name = "sample_pairs"
    title = "Sample Pairs Analysis (SPA)"
    key = "spa"
    estimator = staticmethod(spa_estimate)


METHOD = SamplePairs()
