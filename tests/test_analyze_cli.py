"""`stegnox analyze`: readable reports, JSON lines, carved files, exit status, bad files in a batch."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from natural_covers import embed, natural_rgb
from stegnox_gui.cli.main import main

TEXT = b"Leave the envelope behind the radiator in room 204 before Friday."


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("imgs")
    arr = natural_rgb(120, 160, seed=8)
    Image.fromarray(arr).save(d / "clean.png")
    channels = {n: arr[..., i].copy() for i, n in enumerate("rgb")}
    embed(channels, TEXT, chans="bgr")
    Image.merge("RGB", [Image.fromarray(channels[c]) for c in "rgb"]).save(d / "stego.png")
    (d / "notes.png").write_text("not an image")
    return {"clean": d / "clean.png", "stego": d / "stego.png", "bad": d / "notes.png", "dir": d}


def test_readable_report_and_found_status(images, capsys) -> None:
    status = main(["analyze", str(images["stego"]), "--methods", "lsb"])
    out = capsys.readouterr().out
    assert status == 1
    assert "hidden_data" in out and "Leave the envelope" in out and "b1,bgr,lsb,xy" in out


def test_clean_image_exits_zero(images, capsys) -> None:
    assert main(["analyze", str(images["clean"]), "-m", "lsb"]) == 0
    assert "clean" in capsys.readouterr().out


def test_json_lines_and_bad_file_in_the_middle(images, capsys) -> None:
    status = main(["analyze", "--json", "-m", "lsb", str(images["clean"]), str(images["bad"]), str(images["stego"])])
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [Path(r["path"]).name for r in rows] == ["clean.png", "notes.png", "stego.png"]
    assert rows[0]["verdict"] == "clean"
    assert "Not an image" in rows[1]["error"] and rows[1]["error_type"] == "ImageLoadError"
    assert rows[2]["found_data"] and rows[2]["findings"][0]["preview"].startswith("Leave the envelope")
    assert status == 1 | 4


def test_output_dir_receives_the_payload(images, tmp_path, capsys) -> None:
    out_dir = tmp_path / "carved"
    main(["analyze", "--json", "-m", "lsb", "-o", str(out_dir), str(images["stego"])])
    row = json.loads(capsys.readouterr().out)
    assert Path(row["findings"][0]["path"]).read_bytes() == TEXT
    assert Path(row["findings"][0]["path"]).parent == out_dir


def test_folder_argument_and_missing_file(images, capsys) -> None:
    status = main(["analyze", "-m", "lsb", str(images["dir"]), str(images["dir"] / "nope.bmp")])
    out, err = capsys.readouterr()
    assert out.count("== ") == 4  # clean, notes (error), stego, nope (error)
    assert "File not found" in err
    assert status == 5


def test_unknown_method_and_bad_limit_are_usage_errors(images, capsys) -> None:
    assert main(["analyze", "-m", "nope", str(images["clean"])]) == 2
    assert "unknown method" in capsys.readouterr().err
    assert main(["analyze", "--pixel-limit", "0", str(images["clean"])]) == 2


def test_pixel_limit_refuses_large_images(images, capsys) -> None:
    assert main(["analyze", "--json", "--pixel-limit", "1000", str(images["clean"])]) == 4
    assert "pixel limit" in json.loads(capsys.readouterr().out)["error"]


def test_list_methods_needs_no_path(capsys) -> None:
    assert main(["analyze", "--list-methods"]) == 0
    assert "lsb" in capsys.readouterr().out.split()


def test_no_path_is_a_usage_error(capsys) -> None:
    assert main(["analyze"]) == 2
    assert "at least one image" in capsys.readouterr().err


def test_help_documents_exit_status(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["analyze", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "Exit status" in out and "hidden data found" in out


def test_summary_lines_and_batch_count(images, capsys) -> None:
    status = main(["analyze", "-s", "-m", "lsb", str(images["stego"]), str(images["clean"]), str(images["bad"])])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("hidden_data") and "Leave the envelope" in lines[0]
    assert lines[1].startswith("clean") and lines[2].startswith("ERROR")
    assert lines[3] == "3 files: 1 hidden_data, 1 clean, 1 failed"
    assert status == 5
