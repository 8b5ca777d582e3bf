"""The container methods on the developer corpus (real tools' output): every metadata, appended and
PNG-structure payload is recovered, clean images get no hidden finding, and no file makes a method raise."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from stegnox_gui.engine.image_data import load_image
from stegnox_gui.engine.method import RunContext
from stegnox_gui.engine.methods import (bmp_structure, embedded, gif_structure, jpeg_structure, metadata,
                                        png_structure, trailing)

CORPUS = Path(__file__).parent / "data" / "corpus-dev"
METHODS = [metadata.METHOD, trailing.METHOD, png_structure.METHOD, jpeg_structure.METHOD, bmp_structure.METHOD,
           embedded.METHOD, gif_structure.METHOD]
OURS = {"metadata", "appended", "png_structure"}

pytestmark = pytest.mark.skipif(not (CORPUS / "manifest.json").exists(), reason="developer corpus not present")


def _manifest() -> list[dict]:
    return json.loads((CORPUS / "manifest.json").read_text()) if (CORPUS / "manifest.json").exists() else []


def _findings(entry: dict) -> list:
    image = load_image(CORPUS / entry["file"])
    out = []
    for method in METHODS:
        if method.applies_to(image):
            out.extend(method.run(image, RunContext()))
    return out


def _recovered(entry: dict, hidden: list) -> bool:
    texts = [entry.get("payload_text"), entry.get("payload_inner_text")]
    blobs = [(f.payload or b"") + (f.preview or "").encode() for f in hidden]
    if any(t and any(t.encode() in b for b in blobs) for t in texts):
        return True
    digests = {hashlib.sha256(f.payload).hexdigest() for f in hidden if f.payload}
    if entry.get("payload_sha256") in digests:
        return True
    true_height = entry["params"].get("true_height")
    return bool(true_height) and any(f.params.get("true_height") == true_height for f in hidden)


@pytest.mark.parametrize("entry", [e for e in _manifest() if e["category"] in OURS], ids=lambda e: e["file"])
def test_container_payloads_are_recovered(entry):
    hidden = [f for f in _findings(entry) if f.hidden and f.confidence >= 0.8]
    assert hidden, "nothing found"
    assert _recovered(entry, hidden), [f.summary for f in hidden]


def test_clean_images_get_no_hidden_container_finding():
    for entry in _manifest():
        if entry["category"] == "clean":
            hidden = [f.summary for f in _findings(entry) if f.hidden]
            assert not hidden, (entry["file"], hidden)


def test_no_corpus_file_makes_a_container_method_raise():
    for entry in _manifest():
        _findings(entry)
