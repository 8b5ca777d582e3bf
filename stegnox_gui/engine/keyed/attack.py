"""What the dictionary-attack methods (steghide, outguess) share: the passphrases to try, in batches with
where they came from, and the size above which they skip an image."""
from __future__ import annotations

from typing import Any, Iterator

from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.keyed import wordlist
from stegnox_gui.engine.method import Finding, RunContext

BATCH = 4096  # passphrases tried per vectorised pass; cancel is checked between passes
# Both read every DCT coefficient of a JPEG in Python (0.1-1 s per megapixel): bounded by default.
DEFAULT_MAX_PIXELS = 12_000_000


def batches(ctx: RunContext) -> Iterator[tuple[str, list[str]]]:
    """(source, passphrases): the empty passphrase, the word lists of the `wordlists` option, then
    (unless `builtin_wordlist` is False) the built-in common passwords; stops when cancelled."""
    options = ctx.options
    for source, words in wordlist.batches(options.get("wordlists", ()),
                                          builtin=bool(options.get("builtin_wordlist", True)), size=BATCH):
        if ctx.cancelled():
            return
        yield source, words


def skipped_as_too_large(method: str, tool: str, image: ImageData, options: dict[str, Any]) -> Finding | None:
    """An information finding when the image is over the `keyed_max_pixels` option, else None."""
    limit = int(options.get("keyed_max_pixels", DEFAULT_MAX_PIXELS))
    if image.format == "JPEG" and image.width * image.height > limit:
        return Finding(method, "structure", 0.0, f"{tool} check skipped: {image.width}x{image.height} is over "
                       f"the {limit / 1e6:g} MP limit of the dictionary attacks", hidden=False)
    return None


def shown(passphrase: str) -> str:
    return repr(passphrase) if passphrase else "empty"
