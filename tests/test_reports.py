"""Report exports: JSON, CSV and self-contained HTML, with hostile strings escaped."""
from __future__ import annotations

import base64
import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from PIL import Image

from stegnox_gui.reports import export_jobs

HOSTILE = "<script>alert('x')</script>"


@pytest.fixture()
def image_path(tmp_path):
    path = tmp_path / f"{HOSTILE.replace('/', '_')}.png"
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    img.putpixel((3, 3), (0, 255, 0))
    img.save(path)
    return path


def _job(image_path, job_id=1, **extra):
    results = {
        "found_data": True, "verdict": "hidden_data", "score": 0.97,
        "message": f"Text hidden in LSB: {HOSTILE}",
        "drivers": [{"method": "lsb<i>", "confidence": 0.97, "summary": "x"}],
        "image": {"path": str(image_path), "format": "PNG", "width": 64, "height": 48, "mode": "RGB",
                  "file_size": 123, "sha256": "ab" * 32},
        "findings": [
            {"method": "lsb", "kind": "text", "confidence": 0.97, "summary": f"found {HOSTILE}", "hidden": True,
             "params": {"channels": "rgb", "bits": 1}, "detected_type": "text",
             "preview": "<img src=x onerror=alert(1)> and <b>bold</b>", "payload_size": 40, "sha256": "cd" * 32,
             "path": None, "data": {}},
            {"method": "metadata", "kind": "metadata", "confidence": 0.1, "summary": "Software: GIMP",
             "hidden": False, "params": {}, "detected_type": None, "preview": None, "payload_size": None,
             "sha256": None, "path": None, "data": {}},
        ],
        "methods": {"lsb": {"status": "ok", "seconds": 0.1, "error": None}},
        "error": None, "elapsed_seconds": 0.2, "engine_version": "0.1",
    }
    job = {"job_id": job_id, "image_path": str(image_path), "status": "completed", "priority": 1,
           "verdict": "hidden_data", "score": 0.97, "message": results["message"], "error": None,
           "created_at": 1_700_000_000.0, "completed_at": 1_700_000_005.0, "results": results}
    job.update(extra)
    return job


def _failed_job(job_id=2):
    return {"job_id": job_id, "image_path": "/nowhere/=cmd|' /C calc'!A0.png", "status": "failed",
            "priority": 0, "verdict": None, "score": None, "message": None,
            "error": "Not an image (unrecognised file type): <evil>.png", "created_at": "2026-01-01T00:00:00",
            "completed_at": None, "results": None}


def test_json_holds_full_records(tmp_path, image_path):
    jobs = [_job(image_path), _failed_job()]
    out = export_jobs(jobs, tmp_path / "r.json", "json")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["job_count"] == 2
    assert doc["jobs"] == jobs


def test_csv_one_row_per_job_with_top_finding(tmp_path, image_path):
    jobs = [_job(image_path), _failed_job()]
    out = export_jobs(jobs, tmp_path / "r.csv", "csv")
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2
    assert rows[0]["verdict"] == "hidden_data"
    assert rows[0]["top_finding"] == f"lsb: found {HOSTILE}"
    assert rows[0]["hidden_finding_count"] == "1"
    assert rows[0]["created_at"].startswith("2023-11-14T22:13:20")
    assert rows[1]["status"] == "failed"
    assert "Not an image" in rows[1]["error"]
    # A cell a spreadsheet would run as a formula is defused.
    failed_path = rows[1]["image_path"]
    assert not failed_path.startswith("=")


def test_csv_formula_cells_are_defused(tmp_path, image_path):
    job = _job(image_path, message="=HYPERLINK(\"http://evil\")")
    out = export_jobs([job], tmp_path / "r.csv", "csv")
    row = next(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert row["message"] == "'=HYPERLINK(\"http://evil\")"


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.imgs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.imgs.append(dict(attrs).get("src", ""))


def test_html_is_self_contained_escaped_and_has_thumbnails(tmp_path, image_path):
    jobs = [_job(image_path), _failed_job()]
    out = export_jobs(jobs, tmp_path / "r.html", "html")
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    parser = _Collect()
    parser.feed(text)
    assert "script" not in parser.tags
    # One thumbnail (the failed job's image does not exist), decodable and of the right colour.
    assert len(parser.imgs) == 1
    src = parser.imgs[0]
    assert src.startswith("data:image/jpeg;base64,")
    thumb = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
    assert max(thumb.size) <= 160
    r, g, b = thumb.convert("RGB").getpixel((thumb.width // 2, thumb.height // 2))
    assert r > 150 and g < 90
    assert not re.search(r"(src|href)=\"(https?:|file:|//)", text)
    assert "Not an image (unrecognised file type): &lt;evil&gt;.png" in text
    assert "Verdict driven by lsb&lt;i&gt; (0.97)" in text


def test_html_handles_a_thousand_jobs(tmp_path, image_path):
    jobs = [_job(image_path, job_id=i) for i in range(1000)]
    out = export_jobs(jobs, tmp_path / "big.html", "html")
    text = out.read_text(encoding="utf-8")
    assert text.count("<section class=\"job\" id=\"job-") == 1000
    assert "href=\"#job-1000\"" in text
    assert text.rstrip().endswith("</html>")


def test_unknown_format_and_unwritable_path_leave_nothing(tmp_path, image_path):
    with pytest.raises(ValueError, match="Unknown report format"):
        export_jobs([_job(image_path)], tmp_path / "r.xml", "xml")
    with pytest.raises(OSError):
        export_jobs([_job(image_path)], tmp_path / "missing-dir" / "r.csv", "csv")
    good = export_jobs([_job(image_path)], tmp_path / "keep.json", "json")
    before = good.read_bytes()
    with pytest.raises(TypeError):
        export_jobs([{"job_id": object.__new__(type("X", (), {"__str__": None}))}], good, "json")
    assert good.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_damaged_image_still_gets_a_thumbnail(tmp_path):
    from stegnox_gui.reports.thumbnails import thumbnail_data_uri

    path = tmp_path / "bad-crc.png"
    Image.new("RGB", (40, 30), (20, 40, 220)).save(path)
    raw = bytearray(path.read_bytes())
    raw[29:33] = b"\0\0\0\0"  # the IHDR CRC: Pillow refuses the file, forensic tools read it
    path.write_bytes(bytes(raw))
    with pytest.raises(Exception):
        Image.open(path).load()
    uri = thumbnail_data_uri(path)
    assert uri is not None
    thumb = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")
    r, g, b = thumb.getpixel((thumb.width // 2, thumb.height // 2))
    assert b > 180 and r < 60
    assert thumbnail_data_uri(tmp_path / "missing.png") is None
