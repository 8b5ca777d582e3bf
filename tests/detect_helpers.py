"""Shared helpers of the detection tests: natural covers from the developer corpus's clean PNGs."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

CORPUS = Path(__file__).parent / "data" / "corpus-dev"


def clean_pngs(mode: str) -> list[Path]:
    """The corpus's clean PNG covers of the given Pillow mode ("RGB" or "L")."""
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    return [CORPUS / e["file"] for e in manifest
            if e["category"] == "clean" and e["file"].endswith(".png") and e["params"].get("mode") == mode]


def cover_array(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB" if im.mode != "L" else "L"))


def save_png(arr: np.ndarray, path: Path) -> Path:
    Image.fromarray(arr).save(path)
    return path
