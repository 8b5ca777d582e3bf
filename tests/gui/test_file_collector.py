"""Expanding dropped paths into image files: folders, symlink loops, non-images, pasted text."""
import os

import pytest
from PIL import Image

from stegnox_gui.gui.file_collector import collect_images, paths_from_text


def _png(path, colour=(10, 20, 30)):
    Image.new("RGB", (4, 4), colour).save(path)
    return path


def test_folder_recursion_skips_non_images_and_counts_them(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    _png(tmp_path / "a" / "one.png")
    _png(tmp_path / "a" / "b" / "two.PNG")
    Image.new("RGB", (4, 4)).save(tmp_path / "a" / "b" / "three.jpg")
    (tmp_path / "a" / "notes.txt").write_text("hello")
    (tmp_path / "a" / "b" / "blob.dat").write_bytes(b"\x00" * 50)
    got = collect_images([tmp_path / "a"])
    assert sorted(os.path.basename(p) for p in got.files) == ["one.png", "three.jpg", "two.PNG"]
    assert got.skipped == 2
    assert "3 images" in got.describe() and "2 non-image files skipped" in got.describe()


def test_image_without_extension_is_recognised_by_content(tmp_path):
    Image.new("RGB", (4, 4)).save(tmp_path / "evidence.dat", format="PNG")
    Image.new("RGB", (4, 4)).save(tmp_path / "noext", format="BMP")
    got = collect_images([tmp_path])
    assert sorted(os.path.basename(p) for p in got.files) == ["evidence.dat", "noext"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loop_ends_and_each_file_is_listed_once(tmp_path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    _png(root / "sub" / "x.png")
    os.symlink(root, root / "sub" / "back")  # loop to the top
    os.symlink(root / "sub", root / "again")  # second way into the same folder
    os.symlink(root / "sub" / "x.png", root / "alias.png")  # same file twice
    got = collect_images([root, root / "sub" / "x.png"])
    assert len(got.files) == 1
    assert got.loops >= 1


def test_missing_paths_are_reported_not_raised(tmp_path):
    got = collect_images([tmp_path / "nope.png"])
    assert got.files == [] and got.missing == [str(tmp_path / "nope.png")]
    assert "not found" in got.describe()


def test_pasted_text_paths_and_file_urls(tmp_path):
    p = _png(tmp_path / "a b.png")
    text = f'"{p}"\n\nfile://{str(p).replace(" ", "%20")}\n'
    assert paths_from_text(text) == [str(p), str(p)]
