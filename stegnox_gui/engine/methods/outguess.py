"""OutGuess payloads in JPEG images, opened by a dictionary attack over the same passphrases as steghide.

OutGuess stores no checksum, so a key counts only when its header fits the image (a length the image
can hold) and its data reads as text or a complete known file. Without the key in the list nothing is
reported. Embeddings with error correction (`outguess -e`) are not read.
"""
from __future__ import annotations

from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.keyed import attack, outguess
from stegnox_gui.engine.method import Finding, Method, RunContext
from stegnox_gui.engine.payload.recognize import describe_payload
from stegnox_gui.engine.payload.signatures import SIGNATURES
from stegnox_gui.engine.payload.text import text_run_length

# Magics long enough that a wrong key's random bytes almost never start with one.
_STRONG_MAGICS = tuple(m for sig in SIGNATURES for m in sig.magics if len(m) >= 3)


def _plausible_start(head: bytes) -> bool:
    return text_run_length(head) == len(head) or head.startswith(_STRONG_MAGICS)


class OutguessMethod(Method):
    name = "outguess"
    title = "OutGuess (dictionary attack: empty, word lists, common passwords)"
    role = "extraction"
    needs_pixels = False

    def applies_to(self, image: ImageData) -> bool:
        return image.format == "JPEG"

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        skipped = attack.skipped_as_too_large(self.name, "OutGuess", image, ctx.options)
        if skipped is not None:
            return [skipped]
        if image.dct is None:
            return []  # progressive or damaged: OutGuess writes baseline JPEGs
        bits = outguess.cover_bits(image.dct)
        for source, batch in attack.batches(ctx):
            for found in outguess.search(bits, batch, _plausible_start):
                finding = self._finding(found, source)
                if finding is not None:
                    return [finding]
        return []

    def _finding(self, found: outguess.Candidate, source: str) -> Finding | None:
        rec = describe_payload(found.data, header="outguess")
        if rec is None:
            return None  # a wrong key whose first bytes happened to look like text
        params = {"tool": "outguess", "passphrase": found.key, "passphrase_source": source, "seed": found.seed,
                  "payload_length": found.length, "carrier": "LSB of DCT coefficients other than 0 and 1",
                  **{k: v for k, v in rec.params.items()}}
        shown = attack.shown(found.key)
        if rec.kind == "text":
            text = (rec.preview or found.data.decode("utf-8", "replace")).strip()
            summary = f"OutGuess data (key {shown}): {text[:60]!r}"
        else:
            summary = f"OutGuess data (key {shown}): {rec.type.upper()} {len(found.data):,} bytes"
        return Finding(self.name, rec.kind, min(0.97, rec.confidence), summary, params=params,
                       payload=found.data, detected_type=rec.type, preview=rec.preview)


METHOD = OutguessMethod()
