"""Passphrases to try on keyed stego tools: the empty one, the user's word lists, and a built-in list.

The built-in list is Django's `common-passwords.txt.gz` (19,640 passwords most often found in leaked
password sets, most common first; BSD licence, see `README-wordlist.md` beside it). Word lists are read
as bytes and decoded with `surrogateescape`, so any byte string a tool hashed is tried as it was.
"""
from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

BUILTIN = Path(__file__).with_name("common-passwords.txt.gz")


@lru_cache(maxsize=1)
def builtin_passphrases() -> tuple[str, ...]:
    """The built-in list, most common first."""
    with gzip.open(BUILTIN, "rb") as fh:
        return tuple(_lines(fh.read()))


def read_wordlist(path: str | Path) -> list[str]:
    """Every line of a word list file (plain or .gz), without line endings; a clear error if unreadable."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read word list {p}: {exc.strerror or exc}") from None
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return list(_lines(data))


def _lines(data: bytes) -> Iterator[str]:
    for line in data.split(b"\n"):
        yield line.rstrip(b"\r").decode("utf-8", "surrogateescape")


def passphrases(wordlists: Iterable[str | Path] = (), *, builtin: bool = True) -> list[str]:
    """The empty passphrase, then each word list's lines, then the built-in list; each tried once."""
    seen: dict[str, None] = {"": None}
    for path in wordlists:
        seen.update(dict.fromkeys(read_wordlist(path)))
    if builtin:
        seen.update(dict.fromkeys(builtin_passphrases()))
    return list(seen)
