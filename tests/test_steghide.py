"""steghide: the permutation, the passphrase screen, extraction of real steghide 0.5.1 files from the
developer corpus (JPEG and BMP, empty and common passphrases), word lists, and the CLI options."""
from __future__ import annotations

import gzip
import hashlib
import json
import random
import zlib
from pathlib import Path

import numpy as np
import pytest

from stegnox_gui.cli.main import main as cli_main
from stegnox_gui.engine.jpeg_dct import read_dct
from stegnox_gui.engine.keyed import steghide, wordlist
from stegnox_gui.engine.stegnox_engine import StegnoxEngine

CORPUS = Path(__file__).parent / "data" / "corpus-dev"
MANIFEST = [e for e in json.loads((CORPUS / "manifest.json").read_text()) if e["tool"] == "steghide"]
SUNSHINE = next(e for e in MANIFEST if e["params"]["passphrase"] == "sunshine")


def _cover(entry: dict) -> steghide.Cover:
    raw = (CORPUS / entry["file"]).read_bytes()
    if entry["file"].endswith(".bmp"):
        return steghide.bmp_cover(raw)
    return steghide.jpeg_cover(c.coefs for c in read_dct(raw).components)


def _fisher_yates(maximum: int, seed: int, count: int) -> list[int]:
    """A plain full-array shuffle driven by steghide's LCG, to check the lazy Selector against."""
    values, state, out = list(range(maximum)), seed, []
    for j in range(count):
        state = (steghide.LCG_A * state + steghide.LCG_C) & 0xFFFFFFFF
        k = j + int(float(maximum - j) * (state / 4294967296.0))
        values[j], values[k] = values[k], values[j]
        out.append(values[j])
    return out


def test_selector_is_steghides_shuffle_drawn_lazily() -> None:
    for seed in range(300):
        maximum = 20 + seed % 90
        drawn = steghide.Selector(maximum, seed).take(maximum)
        assert drawn == _fisher_yates(maximum, seed, maximum)
        assert sorted(drawn) == list(range(maximum))
    sel = steghide.Selector(1000, 7)
    assert sel.take(10) + sel.take(30)[10:] == _fisher_yates(1000, 7, 30)


def test_screen_agrees_with_a_replay_even_when_positions_repeat() -> None:
    """Small covers make drawn positions repeat often; the vectorised screen must still pick exactly
    the passphrases whose replayed permutation spells the magic."""
    rng = np.random.default_rng(3)
    for maximum, spv, modulus in ((90, 3, 2), (400, 3, 2), (60, 2, 4)):
        cover = steghide.Cover(rng.integers(0, modulus, maximum).astype(np.uint8), spv, modulus, "test")
        words = [f"w{i}" for i in range(4000)]
        n_values = -(-steghide.MAGIC_BITS // cover.bits_per_value)
        expected = []
        for w in words:
            pos = steghide.Selector(maximum, steghide.seed_for(w)).take(n_values * spv)
            vals = cover.values[pos].reshape(-1, spv).astype(int).sum(1) % modulus
            bits = [(int(v) >> b) & 1 for v in vals for b in range(cover.bits_per_value)][:steghide.MAGIC_BITS]
            if sum(b << i for i, b in enumerate(bits)) == steghide.MAGIC:
                expected.append(w)
        assert steghide.candidate_passphrases(cover, words) == expected


def test_crc32_is_mhashs_unreflected_crc() -> None:
    assert steghide.crc32_bzip2(b"123456789") == 0xFC891918  # the CRC-32/BZIP2 check value
    assert steghide.crc32_bzip2(b"") == 0


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_real_steghide_files_open_with_their_passphrase(entry) -> None:
    found = steghide.extract(_cover(entry), entry["params"]["passphrase"])
    assert found is not None
    assert hashlib.sha256(found.data).hexdigest() == entry["payload_sha256"]
    assert found.filename == entry["params"]["embedded_filename"]
    assert found.encryption == "rijndael-128 cbc" and found.compressed and found.checksum_ok is True


VARIANTS = Path(__file__).parent / "data" / "steghide-variants"
VARIANT_MANIFEST = json.loads((VARIANTS / "manifest.json").read_text())


@pytest.mark.parametrize("entry", VARIANT_MANIFEST, ids=[e["file"] for e in VARIANT_MANIFEST])
def test_real_steghide_files_of_other_options_and_covers(entry, tmp_path) -> None:
    """Ciphers and modes, no compression or checksum, palette and 1-bit BMPs: made by steghide 0.5.1."""
    note = (VARIANTS / "note.txt").read_bytes()
    words = tmp_path / "w.txt"
    words.write_text("wrong\n" + entry["passphrase"] + "\n")
    engine = StegnoxEngine(options={"builtin_wordlist": False, "wordlists": [str(words)]})
    result = engine.extract_all_methods(VARIANTS / entry["file"], methods=["steghide"])
    assert result["verdict"] == "hidden_data", result["message"]
    finding = result["findings"][0]
    assert finding["params"]["passphrase"] == entry["passphrase"]
    if entry["opens"]:
        assert finding["sha256"] == hashlib.sha256(note).hexdigest()
        assert finding["params"]["embedded_filename"] == "note.txt"
    else:
        assert "not opened" in finding["summary"] and finding["sha256"] is None


def test_a_wrong_passphrase_finds_nothing() -> None:
    assert steghide.extract(_cover(SUNSHINE), "not-the-passphrase") is None
    assert steghide.candidate_passphrases(_cover(SUNSHINE), ["", "moonshine", "Sunshine"]) == []


def test_passphrases_come_empty_first_then_word_lists_then_the_common_ones(tmp_path) -> None:
    words = tmp_path / "w.txt"
    words.write_text("alpha\nbeta\n")
    got = list(wordlist.batches([words], size=3))
    assert got[0] == ("empty passphrase", [""]) and got[1] == ("word list", ["alpha", "beta"])
    common = [w for source, batch in got[2:] for w in batch]
    assert {source for source, _ in got[2:]} == {"built-in common passwords"}
    assert common[:3] == ["123456", "123456789", "qwerty"] and len(common) == len(set(common)) > 19_000
    assert [s for s, _ in wordlist.batches(builtin=False)] == ["empty passphrase"]


def test_user_wordlist_is_streamed_and_keeps_any_bytes(tmp_path) -> None:
    plain = tmp_path / "words.txt"
    plain.write_bytes(b"caf\xe9\r\nsunshine\n\n")
    packed = tmp_path / "more.txt.gz"
    packed.write_bytes(gzip.compress(b"zebra\n"))
    assert wordlist.read_wordlist(plain) == ["caf\udce9", "sunshine"]
    assert wordlist.read_wordlist(packed) == ["zebra"]
    # latin-1 bytes are hashed exactly as they were in the file
    assert steghide.seed_for("caf\udce9") != steghide.seed_for("caf\u00e9")
    big = tmp_path / "big.txt"
    big.write_text("".join(f"w{i}\n" for i in range(10_000)))
    sizes = [len(b) for s, b in wordlist.batches([big], builtin=False, size=4096)]
    assert sizes == [1, 4096, 4096, 1808]
    with pytest.raises(ValueError, match="cannot read word list"):
        wordlist.read_wordlist(tmp_path / "missing.txt")


def test_engine_uses_the_wordlist_option(tmp_path) -> None:
    image = CORPUS / SUNSHINE["file"]
    without = StegnoxEngine(options={"builtin_wordlist": False}).extract_all_methods(image, methods=["steghide"])
    assert without["findings"] == []
    words = tmp_path / "case.txt"
    words.write_text("alpha\nsunshine\n")
    engine = StegnoxEngine(options={"builtin_wordlist": False, "wordlists": [str(words)]})
    result = engine.extract_all_methods(image, output_dir=tmp_path / "out", methods=["steghide"])
    assert result["verdict"] == "hidden_data"
    finding = result["findings"][0]
    assert finding["params"]["passphrase"] == "sunshine" and finding["params"]["passphrase_source"] == "word list"
    assert SUNSHINE["payload_text"] in finding["preview"]
    carved = Path(finding["path"]).read_bytes()
    assert hashlib.sha256(carved).hexdigest() == SUNSHINE["payload_sha256"]


def test_unencrypted_uncompressed_embedding_opens(tmp_path) -> None:
    """steghide -e none -Z: the plain stream straight after the header (built here by the test)."""
    rng = random.Random(5)
    data = b"no cipher, no zlib: plain steghide stream"
    # compression flag 0, checksum flag 1, CRC-32, file name, data
    plain = [0, 1] + _int_bits(steghide.crc32_bzip2(data), 32) + _bytes_bits(b"note.txt\0" + data)
    stream = _int_bits(steghide.MAGIC, 24) + [0] + _int_bits(0, 5) + _int_bits(0, 3) + _int_bits(len(plain), 32) + plain
    cover = _embed_bmp_like(stream, "hunter2", rng)
    found = steghide.extract(cover, "hunter2")
    assert found.data == data and found.filename == "note.txt" and found.encryption == "none"
    assert not found.compressed and found.checksum_ok
    assert steghide.candidate_passphrases(cover, ["", "password", "hunter2"]) == ["hunter2"]


def test_compressed_stream_decompresses() -> None:
    rng = random.Random(9)
    data = b"squeezed " * 40
    inner = [1] + _int_bits(steghide.crc32_bzip2(data), 32) + _bytes_bits(b"\0" + data)
    packed = zlib.compress(_pack(inner + [0] * (-len(inner) % 8)), 9)
    plain = [1] + _int_bits(len(inner), 32) + _bytes_bits(packed)
    stream = _int_bits(steghide.MAGIC, 24) + [0] + _int_bits(0, 5) + _int_bits(0, 3) + _int_bits(len(plain), 32) + plain
    found = steghide.extract(_embed_bmp_like(stream, "pw", rng), "pw")
    assert found.data == data and found.filename == "" and found.compressed and found.checksum_ok


def test_cli_wordlist_options(tmp_path, capsys) -> None:
    words = tmp_path / "w.txt"
    words.write_text("sunshine\n")
    image = str(CORPUS / SUNSHINE["file"])
    code = cli_main(["analyze", "--json", "-m", "steghide", "--no-common-passwords", "-w", str(words), image])
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 1 and line["findings"][0]["params"]["passphrase"] == "sunshine"
    assert cli_main(["analyze", "-m", "steghide", "-w", str(tmp_path / "nope.txt"), image]) == 2
    assert "cannot read word list" in capsys.readouterr().err
    code = cli_main(["analyze", "--json", "-m", "steghide", "--keyed-max-mp", "0.05", image])
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0 and line["verdict"] == "clean"
    assert "over the 0.05 MP limit" in line["findings"][0]["summary"]
    assert cli_main(["analyze", "-m", "steghide", "--keyed-max-mp", "0", image]) == 2
    assert cli_main(["worker", "--once", "--data-dir", str(tmp_path / "q"), "-w", str(tmp_path / "nope.txt")]) == 2
    assert "cannot read word list" in capsys.readouterr().err


# --- a minimal embedder for streams steghide itself would write with other options ---------------
def _int_bits(value: int, n: int) -> list[int]:
    return [(value >> i) & 1 for i in range(n)]


def _bytes_bits(data: bytes) -> list[int]:
    return [b for byte in data for b in _int_bits(byte, 8)]


def _pack(bits: list[int]) -> bytes:
    return bytes(sum(bits[i + j] << j for j in range(8)) for i in range(0, len(bits), 8))


def _embed_bmp_like(stream: list[int], passphrase: str, rng: random.Random) -> steghide.Cover:
    """Values of a BMP-like cover (modulus 4, 2 samples per value) that carry `stream` for `passphrase`."""
    n_values = -(-len(stream) // 2)
    size = n_values * 2 * 8
    values = np.array([rng.randrange(4) for _ in range(size)], dtype=np.uint8)
    positions = steghide.Selector(size, steghide.seed_for(passphrase)).take(n_values * 2)
    padded = stream + [0] * (n_values * 2 - len(stream))
    for t in range(n_values):
        want = padded[2 * t] | (padded[2 * t + 1] << 1)
        a, b = positions[2 * t], positions[2 * t + 1]
        values[b] = (want - int(values[a])) % 4
    return steghide.Cover(values, samples_per_vertex=2, modulus=4, format="BMP")
