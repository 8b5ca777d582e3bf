"""Passphrases to try on keyed stego tools: the empty one, the user's word lists, and a built-in list.

The built-in list is Django's `common-passwords.txt.gz` (19,640 passwords most often found in leaked
password sets, most common first; BSD licence, see `README-wordlist.md` beside it). Word lists are read
as bytes and decoded with `surrogateescape`, so any byte string a tool hashed is tried as it was. They
are streamed in batches, so a list of millions of lines (rockyou.txt) costs one batch of memory.
"""
from __future__ import annotations

import gzip
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

BUILTIN = Path(__file__).with_name("common-passwords.txt.gz")
EMPTY = "empty passphrase"
WORDLIST = "word list"
COMMON = "built-in common passwords"


@lru_cache(maxsize=1)
def builtin_passphrases() -> tuple[str, ...]:
    """The built-in list, most common first."""
    with gzip.open(BUILTIN, "rb") as fh:
        return tuple(_decode(line) for line in fh.read().splitlines() if line)


def iter_wordlist(path: str | Path) -> Iterator[str]:
    """The lines of a word list file (plain or .gz) without line endings, read as needed; ValueError
    with a clear message when it cannot be read."""
    p = Path(path)
    try:
        with open(p, "rb") as probe:
            packed = probe.read(2) == b"\x1f\x8b"
        fh = gzip.open(p, "rb") if packed else open(p, "rb")
    except OSError as exc:
        raise ValueError(f"cannot read word list {p}: {exc.strerror or exc}") from None
    with fh:
        for line in fh:
            line = line.rstrip(b"\r\n")
            if line:
                yield _decode(line)


def read_wordlist(path: str | Path) -> list[str]:
    """Every line of a word list file."""
    return list(iter_wordlist(path))


def _decode(line: bytes) -> str:
    return line.decode("utf-8", "surrogateescape")


def batches(wordlists: Iterable[str | Path] = (), *, builtin: bool = True,
            size: int = 4096) -> Iterator[tuple[str, list[str]]]:
    """(source, passphrases) batches: the empty passphrase, then each word list's lines, then the
    built-in list. A passphrase in several lists may be tried more than once."""
    yield EMPTY, [""]
    for path in wordlists:
        lines = iter_wordlist(path)
        while chunk := list(islice(lines, size)):
            yield WORDLIST, chunk
    if builtin:
        common = builtin_passphrases()
        for start in range(0, len(common), size):
            yield COMMON, list(common[start:start + size])
