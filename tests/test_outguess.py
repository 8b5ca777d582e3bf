"""OutGuess: the bit list, the ARC4 streams, extraction of real `outguess -k KEY` files from the
developer corpus (common keys from the built-in list, a random key from a word list), and no finding
without the key."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from stegnox_gui.cli.main import main as cli_main
from stegnox_gui.engine.jpeg_dct import ZIGZAG, Component, DctImage
from stegnox_gui.engine.keyed import outguess
from stegnox_gui.engine.stegnox_engine import StegnoxEngine

CORPUS = Path(__file__).parent / "data" / "corpus-dev"
MANIFEST = [e for e in json.loads((CORPUS / "manifest.json").read_text()) if e["tool"] == "outguess"]
COMMON = [e for e in MANIFEST if e["params"]["key_in_common_list"]]
RANDOM_KEY = next(e for e in MANIFEST if not e["params"]["key_in_common_list"])


def test_vectorised_arc4_streams_match_the_single_stream() -> None:
    """The streams of many keys stepped together (the screen) and one key's stream (the full read)."""
    keys = ["", "a", "trustno1", "caf\u00e9"]
    streams = outguess._Arc4(outguess._digests(b"Seeding", keys))
    plain = [outguess._Arc4One(b"Seeding", k) for k in keys]
    for _ in range(300):
        assert streams.byte().tolist() == [p.byte() for p in plain]
    streams.add_random(np.array([[7, 1]] * len(keys)))
    for p in plain:
        p.add_random(bytes([7, 1]))
    for _ in range(50):
        assert streams.byte().tolist() == [p.byte() for p in plain]


def test_bit_list_skips_zeros_and_ones_keeps_dc_and_follows_mcu_order() -> None:
    natural_y = np.zeros((1, 2, 64), np.int32)
    natural_y[0, 0, 0], natural_y[0, 0, 9], natural_y[0, 0, 8] = 5, -1, 1  # DC 5, a -1, a +1 (skipped)
    natural_y[0, 1, 0] = 2
    zigzag = natural_y[..., ZIGZAG]
    image = DctImage(16, 8, [Component(1, 1, 1, coefs=zigzag, blocks_w=2, blocks_h=1)])
    assert outguess.cover_bits(image).tolist() == [1, 1, 0]  # 5, then -1 (natural index 9), then block 2's DC 2
    # two components, 2x1 sampled Y: MCU = Y0 Y1 C0
    y = np.zeros((1, 2, 64), np.int32)
    y[0, 0, 0], y[0, 1, 0] = 3, 4
    c = np.zeros((1, 1, 64), np.int32)
    c[0, 0, 0] = 7
    image = DctImage(16, 8, [Component(1, 2, 1, coefs=y, blocks_w=2, blocks_h=1),
                             Component(2, 1, 1, coefs=c, blocks_w=1, blocks_h=1)])
    assert outguess.cover_bits(image).tolist() == [1, 0, 1]


def test_common_keys_open_the_real_outguess_files() -> None:
    engine = StegnoxEngine()
    for entry in COMMON:
        result = engine.extract_all_methods(CORPUS / entry["file"], methods=["outguess"])
        assert result["verdict"] == "hidden_data", entry["file"]
        finding = result["findings"][0]
        assert finding["params"]["passphrase"] == entry["params"]["key"]
        assert finding["sha256"] == entry["payload_sha256"]


def test_a_random_key_opens_only_from_a_word_list(tmp_path) -> None:
    image = CORPUS / RANDOM_KEY["file"]
    assert StegnoxEngine().extract_all_methods(image, methods=["outguess"])["findings"] == []
    words = tmp_path / "keys.txt"
    words.write_text("letmein\n" + RANDOM_KEY["params"]["key"] + "\n")
    code = cli_main(["analyze", "--json", "-m", "outguess", "--no-common-passwords", "-w", str(words),
                     "-o", str(tmp_path / "out"), str(image)])
    assert code == 1
    carved = list((tmp_path / "out").iterdir())
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in carved] == [RANDOM_KEY["payload_sha256"]]


VARIANTS = Path(__file__).parent / "data" / "outguess-variants"


@pytest.mark.parametrize("name", ["sunshine_444.jpg", "sunshine_333x251.jpg", "sunshine_seed600.jpg"])
def test_real_outguess_files_of_other_covers_and_seeds(name) -> None:
    """No chroma subsampling, edge MCUs outside the image, a seed found with `-s 600 -i 1000`."""
    result = StegnoxEngine().extract_all_methods(VARIANTS / name, methods=["outguess"])
    assert result["verdict"] == "hidden_data", result["message"]
    finding = result["findings"][0]
    assert finding["params"]["passphrase"] == "sunshine"
    assert finding["sha256"] == hashlib.sha256((VARIANTS / "msg.txt").read_bytes()).hexdigest()


def test_no_finding_on_clean_jpegs_of_the_corpus() -> None:
    clean = [e for e in json.loads((CORPUS / "manifest.json").read_text())
             if e["category"] == "clean" and e["file"].endswith(".jpg")]
    engine = StegnoxEngine()
    for entry in clean:
        assert engine.extract_all_methods(CORPUS / entry["file"], methods=["outguess", "steghide"])["findings"] == []
