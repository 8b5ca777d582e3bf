"""verdict.fuse: recovered payloads decide; detector evidence is fused, calibrated and explained."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from stegnox_gui.engine import verdict
from stegnox_gui.engine.detection.simulate import lsb_match, lsb_replace
from stegnox_gui.engine.method import Finding
from stegnox_gui.engine.stegnox_engine import StegnoxEngine
from tests.detect_helpers import clean_pngs, cover_array

DETECTORS = ["chi_square", "rs_analysis", "sample_pairs", "weighted_stego", "lsb_matching"]


def _det(key: str, bpc: float | None, samples: int = 65536, hidden: bool = False, conf: float = 0.0,
         lossy: bool = False) -> Finding:
    data = {"detector": key, "payload_bpc": bpc, "samples": samples, "lossy_source": lossy,
            "channels": {"r": {"payload": bpc}, "g": {"payload": bpc}, "b": {"payload": bpc}}}
    return Finding(key, "statistic", conf, f"{key} says {bpc}", hidden=hidden, data=data)


def test_no_findings_is_clean():
    v = verdict.fuse([])
    assert (v.verdict, v.found_data, v.score) == ("clean", False, 0.0)


def test_recovered_payload_decides():
    text = Finding("lsb", "text", 0.95, "Text in b1,rgb,lsb,xy: 'meet at noon'", payload=b"meet at noon")
    v = verdict.fuse([text, _det("ws", 0.001), _det("rs", 0.0), _det("spa", 0.01)])
    assert v.verdict == "hidden_data" and v.found_data
    assert v.message.startswith("Text in b1,rgb,lsb,xy")
    assert v.drivers[0]["method"] == "lsb"


def test_agreeing_detectors_give_hidden_data_with_numbers():
    v = verdict.fuse([_det("ws", 0.18), _det("rs", 0.17), _det("spa", 0.19)])
    assert v.verdict == "hidden_data" and v.found_data and v.score >= 0.8
    assert "LSB embedding likely" in v.message and "RS 0.170" in v.message and "WS 0.180" in v.message
    assert "R,G,B" in v.message
    assert {d["detector"] for d in v.drivers} == {"ws", "rs", "spa"}
    assert all("payload_bpc" in d for d in v.drivers)


def test_one_detector_alone_cannot_claim_hidden_data():
    v = verdict.fuse([_det("ws", 0.01), _det("rs", 0.3), _det("spa", 0.3)])
    assert v.verdict == "clean"


def test_thresholds_scale_with_image_size():
    big = verdict.fuse([_det("ws", 0.08), _det("rs", 0.08), _det("spa", 0.08)])
    tiny = verdict.fuse([_det("ws", 0.08, 4096), _det("rs", 0.08, 4096), _det("spa", 0.08, 4096)])
    assert big.verdict == "hidden_data" and tiny.verdict == "clean"


def test_lossy_sources_never_raise_the_verdict():
    v = verdict.fuse([_det("ws", 0.4, lossy=True), _det("rs", 0.4, lossy=True), _det("spa", 0.4, lossy=True)])
    assert v.verdict == "clean"


def test_undecided_detectors_contribute_nothing():
    v = verdict.fuse([_det("ws", None), _det("rs", None), _det("spa", None)])
    assert v.verdict == "clean" and v.score == 0.0


@pytest.fixture(scope="module")
def engine():
    return StegnoxEngine()


@pytest.mark.parametrize("kind", ["clean", "replace_0.1", "replace_0.2", "match_0.4"])
def test_engine_result_on_embedded_covers(engine, tmp_path, kind):
    cover = cover_array(clean_pngs("RGB")[2])
    arr = {"clean": lambda a: a, "replace_0.1": lambda a: lsb_replace(a, 0.1, seed=8),
           "replace_0.2": lambda a: lsb_replace(a, 0.2, seed=8), "match_0.4": lambda a: lsb_match(a, 0.4, seed=8)}[kind](cover)
    path = tmp_path / f"{kind}.png"
    Image.fromarray(arr).save(path)
    r = engine.extract_all_methods(path, methods=DETECTORS)
    if kind.startswith("replace"):
        assert r["verdict"] == "hidden_data" and r["found_data"], r["message"]
        assert "LSB embedding likely" in r["message"]
        assert r["drivers"] and r["drivers"][0]["detector"] in ("ws", "rs", "spa")
    elif kind.startswith("match"):
        assert r["verdict"] == "hidden_data", r["message"]
        assert "LSB matching" in r["message"] and r["drivers"][0]["detector"] == "lsbm"
    else:
        assert r["verdict"] == "clean", r["message"]
    assert all(r["methods"][m]["status"] == "ok" for m in DETECTORS)
