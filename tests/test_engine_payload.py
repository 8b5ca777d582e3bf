"""engine/payload: text scoring, tool headers and stream recognition."""
from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from stegnox_gui.engine.payload import headers as hdr
from stegnox_gui.engine.payload.recognize import recognize
from stegnox_gui.engine.payload.text import TEXT_THRESHOLD, as_text, leading_text, text_score

SENTENCES = [
    b"The lock keeper tied a yellow ribbon inside the birdhouse by the allotments on Wednesday afternoon.",
    b"Wear boots, the path is muddy.",
    b"Ask for PIN block ZSX7-BUQB at the front desk.",
    "Rendez-vous \u00e0 la gare \u00e0 midi, pr\u00e8s du caf\u00e9.".encode(),
    b"flag{l1ttle_b1ts_t3ll_t4les}",
    b"Line one of the note\nLine two: the code is 4471\n",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_real_text_scores_high(text) -> None:
    assert text_score(text) >= TEXT_THRESHOLD
    assert as_text(text) == text.decode("utf-8")


def test_random_and_patterned_bytes_never_read_as_text() -> None:
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(3000):
        data = rng.integers(0, 256, 64, dtype=np.uint8).tobytes()
        worst = max(worst, text_score(data))
        printable = rng.integers(32, 127, 24, dtype=np.uint8).tobytes()  # printable noise, no words
        worst = max(worst, text_score(printable))
    for pattern in (b"U" * 40, b"m[6" * 15, b"\xff" * 40, bytes(range(65, 91)) * 2, b"#4DUDUUTDDDDDS25@fffff"):
        worst = max(worst, text_score(pattern))
    assert worst < TEXT_THRESHOLD


def test_leading_text_cuts_noise_after_the_sentence() -> None:
    assert leading_text(b"Wear boots, the path is muddy.Xq}\x01\x9f") == b"Wear boots, the path is muddy."
    assert leading_text(b"Wear boots. Then walk on\x01") == b"Wear boots. Then walk on"
    assert leading_text(b"\x01\x02short") is None


def test_stegano_header() -> None:
    msg = "Café at noon".encode()
    h = hdr.stegano(f"{len(msg)}:".encode() + msg + b"\x00junk", 1000)
    assert h and h.header == "stegano" and h.payload(f"{len(msg)}:".encode() + msg) == msg
    assert hdr.stegano(b"99999:abc", 100) is None  # longer than the capacity
    assert hdr.stegano(b"0:abc", 100) is None


def test_stegpy_header_with_and_without_file_name() -> None:
    text = b"stegv3" + struct.pack(">I", 5) + b"\x00" + b"hello"
    h = hdr.stegpy(text, 100)
    assert (h.offset, h.length, h.filename, h.strong) == (11, 5, None, True)
    named = b"stegv3" + struct.pack(">I", 3) + b"\x07not.txt" + b"abc"
    h = hdr.stegpy(named, 100)
    assert h.filename == "not.txt" and h.payload(named) == b"abc"


def test_openstego_header() -> None:
    body = gzip.compress(b"Secret plans for the weekend: the boat leaves at dawn.", mtime=0)
    head = (b"OPENSTEGO" + b"\x02" + struct.pack("<I", len(body)) + b"\x01" + bytes([8]) + b"\x01\x00"
            + b"AES128\x00\x00" + b"plan.txt")
    h = hdr.openstego(head + body, 10_000)
    assert h.filename == "plan.txt" and h.info["compressed"] and not h.info["encrypted"]
    assert h.payload(head + body) == body
    found = recognize(head + body + b"\x00" * 50)
    assert found[0].params["header"] == "openstego" and found[0].confidence >= 0.9


def test_length_prefixed_payloads_need_meaning() -> None:
    text = SENTENCES[0]
    assert recognize(struct.pack(">I", len(text)) + text + b"\x13" * 40)[0].payload == text
    assert recognize(struct.pack("<I", len(text)) + text + b"\x13" * 40)[0].params["header"] == "len32le"
    noise = np.random.default_rng(3).integers(0, 256, 200, dtype=np.uint8).tobytes()
    assert recognize(struct.pack(">I", 50) + noise) == []  # a length over noise is nothing


def test_prefix_asks_for_more_when_the_payload_runs_past_it() -> None:
    text = b" ".join(SENTENCES[:3]) * 5
    stream = struct.pack(">I", len(text)) + text
    found = recognize(stream[:100], capacity=10_000)
    assert found and found[0].needed == len(stream)
    assert recognize(stream, capacity=10_000)[0].payload == text
