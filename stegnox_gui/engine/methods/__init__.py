"""The registry: every analysis method, in the order they run. One line per method module;
each module defines `METHOD`. Extraction methods first, statistical detectors after."""
from __future__ import annotations

import importlib

from stegnox_gui.engine.method import Method

REGISTRY: list[str] = [
    "lsb",
    "dct_payload",
    "metadata",
    "trailing",
    "png_structure",
    "jpeg_structure",
    "bmp_structure",
    "gif_structure",
    "embedded",
    "steghide",
    "outguess",
    # statistical detectors: after every extraction method
    "chi_square",
    "rs_analysis",
    "sample_pairs",
    "weighted_stego",
    "lsb_matching",
]


def all_methods() -> list[Method]:
    """Instances of every registered method, in registry order."""
    return [importlib.import_module(f"{__name__}.{name}").METHOD for name in REGISTRY]
