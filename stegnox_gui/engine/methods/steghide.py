"""steghide payloads in JPEG and 24-bit BMP images, opened by a dictionary attack as stegseek does.

Every passphrase of the list (the empty one, the user's word lists from the `wordlists` option, then
the built-in common passwords) is screened against steghide's 24-bit magic in one vectorised pass;
a match is extracted in full, decrypted (rijndael-128, steghide's default) and confirmed by the CRC-32
steghide stores. Without the right passphrase in the list nothing is reported: steghide leaves no trace
a keyless reader can see.
"""
from __future__ import annotations

from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.keyed import attack, steghide
from stegnox_gui.engine.method import Finding, Method, RunContext
from stegnox_gui.engine.payload.recognize import describe_payload


class SteghideMethod(Method):
    name = "steghide"
    title = "steghide (dictionary attack: empty, word lists, common passwords)"
    role = "extraction"
    needs_pixels = False

    def applies_to(self, image: ImageData) -> bool:
        return image.format in ("JPEG", "BMP")

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        skipped = attack.skipped_as_too_large(self.name, "steghide", image, ctx.options)
        if skipped is not None:
            return [skipped]
        cover = self._cover(image)
        if cover is None:
            return []
        for source, batch in attack.batches(ctx):
            for passphrase in steghide.candidate_passphrases(cover, batch):
                finding = self._open(cover, passphrase, source=source)
                if finding is not None:
                    return [finding]
        return []

    @staticmethod
    def _cover(image: ImageData) -> steghide.Cover | None:
        if image.format == "BMP":
            return steghide.bmp_cover(image.raw)
        if image.dct is None:
            return None  # progressive or damaged: steghide itself writes baseline JPEGs
        return steghide.jpeg_cover(c.coefs for c in image.dct.components)

    def _open(self, cover: steghide.Cover, passphrase: str, *, source: str) -> Finding | None:
        """The finding for a passphrase that passed the screen; None if its header is implausible
        (the 24-bit magic matched by chance)."""
        shown = attack.shown(passphrase)
        try:
            found = steghide.extract(cover, passphrase)
        except steghide.SteghideError as exc:
            # magic, version, cipher and a length that fits: steghide data, even if it does not open
            return Finding(self.name, "structure", 0.85,
                           f"steghide data found (passphrase {shown}) but not opened: {exc}",
                           params={"tool": "steghide", "passphrase": passphrase, "passphrase_source": source})
        if found is None:
            return None
        rec = describe_payload(found.data, header="steghide")
        params = {"tool": "steghide", "passphrase": passphrase, "passphrase_source": source,
                  "embedded_filename": found.filename, "encryption": found.encryption,
                  "compressed": found.compressed, "checksum": {True: "ok", False: "FAILED", None: "none"}[found.checksum_ok],
                  "carrier": "non-zero DCT coefficients" if cover.format == "JPEG" else "pixel colour parities"}
        kind, dtype, preview = ("file", "data", None) if rec is None else (rec.kind, rec.type, rec.preview)
        if rec is not None:
            params.update({k: v for k, v in rec.params.items() if k not in params})
        what = f"file '{found.filename}'" if found.filename else "data"
        if kind == "text":
            text = (preview or found.data.decode("utf-8", "replace")).strip()
            summary = f"steghide {what} (passphrase {shown}): {text[:60]!r}"
        else:
            summary = f"steghide {what}, {dtype.upper()} {len(found.data):,} bytes (passphrase {shown})"
        if found.checksum_ok is False:
            summary += "; its CRC-32 does not match"
        confidence = {True: 0.99, None: 0.93, False: 0.7}[found.checksum_ok]
        return Finding(self.name, kind, confidence, summary, params=params, payload=found.data,
                       detected_type=dtype, preview=preview)


METHOD = SteghideMethod()
