"""The engine frame: progress, cancel at method boundaries, failing methods, small JSON results."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from natural_covers import embed, natural_rgb
from stegnox_gui.engine.errors import AnalysisCancelled, ImageDecodeError, ImageLoadError
from stegnox_gui.engine.method import Finding, Method
from stegnox_gui.engine.stegnox_engine import PREVIEW_LIMIT, StegnoxEngine


class Recorder(Method):
    needs_pixels = False

    def __init__(self, name: str, findings=(), fail: Exception | None = None, pixels: bool = False) -> None:
        self.name, self.title = name, name.title()
        self.findings, self.fail, self.calls = list(findings), fail, 0
        self.needs_pixels = pixels

    def run(self, image, ctx):
        self.calls += 1
        if self.fail:
            raise self.fail
        return list(self.findings)


@pytest.fixture
def png(tmp_path) -> Path:
    path = tmp_path / "cover.png"
    Image.fromarray(natural_rgb(64, 80, seed=1)).save(path)
    return path


def test_progress_is_reported_as_methods_finish(png) -> None:
    methods = [Recorder("one"), Recorder("two"), Recorder("three")]
    seen = []
    StegnoxEngine(methods=methods).extract_all_methods(png, progress=lambda f, n: seen.append((round(f, 3), n)))
    assert seen == [(0.333, "one"), (0.667, "two"), (1.0, "three")]


def test_cancel_stops_at_the_next_method_boundary(png) -> None:
    methods = [Recorder("one"), Recorder("two"), Recorder("three")]
    done = []
    with pytest.raises(AnalysisCancelled):
        StegnoxEngine(methods=methods).extract_all_methods(
            png, progress=lambda f, n: done.append(n), cancel=lambda: len(done) >= 1)
    assert [m.calls for m in methods] == [1, 0, 0]


def test_a_raising_method_is_recorded_and_the_others_run(png) -> None:
    good = Recorder("good", [Finding("good", "text", 0.95, "Text found", payload=b"hello there")])
    methods = [Recorder("bad", fail=RuntimeError("boom")), good, Recorder("oom", fail=MemoryError())]
    result = StegnoxEngine(methods=methods).extract_all_methods(png)
    assert result["methods"]["bad"]["status"] == "error" and "boom" in result["methods"]["bad"]["error"]
    assert result["methods"]["oom"]["error"] == "Out of memory"
    assert result["methods"]["good"]["status"] == "ok" and good.calls == 1
    assert result["verdict"] == "hidden_data" and result["findings"][0]["summary"] == "Text found"


def test_result_is_json_and_small_even_with_a_big_payload(png, tmp_path) -> None:
    big = bytes(range(256)) * 40_000  # 10 MB
    methods = [Recorder("carver", [Finding("carver", "file", 0.97, "Big file", payload=big, detected_type="zip")])]
    out = tmp_path / "out"
    result = StegnoxEngine(methods=methods).extract_all_methods(png, output_dir=out)
    text = json.dumps(result)
    assert len(text) < 20_000
    f = result["findings"][0]
    assert f["payload_size"] == len(big) and len(f["preview"]) <= PREVIEW_LIMIT
    assert Path(f["path"]).read_bytes() == big and f["path"].endswith(".zip")
    for key in ("found_data", "verdict", "score", "message", "image", "findings", "methods", "elapsed_seconds",
                "engine_version"):
        assert key in result
    assert result["image"]["width"] == 80 and len(result["image"]["sha256"]) == 64


def test_findings_are_sorted_hidden_first_then_by_confidence(png) -> None:
    fs = [Finding("m", "metadata", 0.99, "camera", hidden=False), Finding("m", "text", 0.6, "weak"),
          Finding("m", "text", 0.9, "strong")]
    result = StegnoxEngine(methods=[Recorder("m", fs)]).extract_all_methods(png)
    assert [f["summary"] for f in result["findings"]] == ["strong", "weak", "camera"]


def test_pixel_methods_are_skipped_when_pixels_are_unreadable(tmp_path) -> None:
    path = tmp_path / "broken.png"
    good = tmp_path / "good.png"
    Image.fromarray(natural_rgb(64, 64, seed=2)).save(good)
    path.write_bytes(good.read_bytes()[:33] + b"\x00" * 40)  # signature and IHDR, then nothing readable
    pixel = Recorder("pixels", pixels=True)
    found = Recorder("bytes", [Finding("bytes", "trailing", 0.9, "Data after IEND", payload=b"x" * 20)])
    result = StegnoxEngine(methods=[pixel, found]).extract_all_methods(path)
    assert result["methods"]["pixels"]["status"] == "skipped" and pixel.calls == 0
    assert result["error"]
    with pytest.raises(ImageDecodeError):
        StegnoxEngine(methods=[Recorder("pixels", pixels=True)]).extract_all_methods(path)


def test_unknown_method_name_is_a_clear_error(png) -> None:
    with pytest.raises(ValueError, match="nope"):
        StegnoxEngine(methods=[Recorder("one")]).extract_all_methods(png, methods=["nope"])


def test_real_engine_finds_lsb_text_and_carves_it(tmp_path) -> None:
    arr = natural_rgb(120, 160, seed=3)
    channels = {n: arr[..., i].copy() for i, n in enumerate("rgb")}
    text = b"The spare key is taped under the third bench from the fountain."
    embed(channels, text)
    path = tmp_path / "stego.png"
    Image.merge("RGB", [Image.fromarray(channels[c]) for c in "rgb"]).save(path)
    result = StegnoxEngine().extract_all_methods(path, output_dir=tmp_path / "out", methods=["lsb"])
    assert result["found_data"] and result["verdict"] == "hidden_data"
    assert "spare key" in result["message"]
    assert Path(result["findings"][0]["path"]).read_bytes() == text
    json.dumps(result)


def test_missing_file_raises_load_error(tmp_path) -> None:
    with pytest.raises(ImageLoadError, match="not found"):
        StegnoxEngine(methods=[]).extract_all_methods(tmp_path / "nope.png")


def test_same_named_images_do_not_overwrite_each_others_payloads(tmp_path) -> None:
    out = tmp_path / "out"
    paths = []
    for i, folder in enumerate(("a", "b")):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "photo.png"
        Image.fromarray(natural_rgb(40, 40, seed=30 + i)).save(path)
        paths.append(path)
    carved = []
    for i, path in enumerate(paths):
        methods = [Recorder("m", [Finding("m", "file", 0.9, "x", payload=f"payload {i}".encode() * 4)])]
        carved.append(StegnoxEngine(methods=methods).extract_all_methods(path, output_dir=out)["findings"][0]["path"])
    assert carved[0] != carved[1]
    assert [Path(p).read_bytes()[:9] for p in carved] == [b"payload 0", b"payload 1"]
