"""Embedded files: known file signatures anywhere inside the image's structure (binwalk-like), carved
with their true length.

The image's own parts are excluded: its pixel data (IDAT, JPEG scan data, GIF image data, BMP pixels),
its own header, and what follows its end (the trailing method's). Ordinary embedded files are
information: an EXIF or Photoshop thumbnail, compressed metadata (zTXt, iCCP) in a PNG. Files that start
exactly where a structure method already reports content (an unknown chunk, an unusual APPn, a gap) are
left to that method.
"""
from __future__ import annotations

from stegnox_gui.engine.container import Container, Part
from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.method import Finding, Method, RunContext
from stegnox_gui.engine.methods.jpeg_structure import KNOWN_APP
from stegnox_gui.engine.methods.png_structure import STANDARD_CHUNKS
from stegnox_gui.engine.methods.trailing import image_text_preview
from stegnox_gui.engine.payload.recognize import describe_payload
from stegnox_gui.engine.payload.signatures import Carved, scan

MAX_HITS = 32
MIN_REGION = 16  # the framing between two IDAT chunks (CRC, length, type) holds no file
_WEAK = {"mp3", "pe", "zlib", "bmp"}
_THUMBNAIL_SEGMENTS = {"APP1", "APP2", "APP13", "eXIf"}  # EXIF, MPF and Photoshop previews
_COMPRESSED_CHUNKS = {"zTXt", "iTXt", "iCCP", "eXIf", "zxIf", "IDAT", "fdAT"}
_METADATA_PARTS = {f"APP{i}" for i in range(16)} | {"COM", "tEXt", "comment", "application"}


def _allowed_regions(c: Container) -> list[tuple[int, int]]:
    """[start, end) ranges to search: the file up to its end, minus pixel data and the file's own start."""
    end = c.end_offset if c.complete else len(c.raw)
    cuts = sorted((o, o + n) for o, n in c.pixel_ranges if n > 0)
    regions, pos = [], 1  # offset 0 is the image itself
    for a, b in cuts:
        if a > pos:
            regions.append((pos, min(a, end)))
        pos = max(pos, b)
    if pos < end:
        regions.append((pos, end))
    return [(a, b) for a, b in regions if b - a >= MIN_REGION]


def _part_at(c: Container, offset: int) -> Part | None:
    for p in c.parts:
        if p.offset <= offset < p.end:
            return p
    return None


def _owned_elsewhere(c: Container, hit: Carved, part: Part | None) -> bool:
    """A structure method already carves a file starting here."""
    if any(hit.offset == o for o, _ in c.gaps):
        return True
    if part is None or hit.offset != part.data_offset:
        return False
    if c.format == "PNG":
        return part.name not in STANDARD_CHUNKS
    if c.format == "JPEG" and part.marker is not None and 0xE0 <= part.marker <= 0xEF:
        data = part.data(c.raw)
        return not any(data.startswith(k) for k in KNOWN_APP.get(part.marker - 0xE0, ()))
    return False


class EmbeddedMethod(Method):
    name = "embedded"
    title = "Embedded files (signatures inside the file)"
    needs_pixels = False

    def applies_to(self, image: ImageData) -> bool:
        return image.format in ("PNG", "JPEG", "GIF", "BMP")

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        c = image.container
        raw = image.raw
        hits: dict[int, Carved] = {}
        for a, b in _allowed_regions(c):
            for h in scan(raw, start=a, end=b, max_hits=MAX_HITS):
                hits.setdefault(h.offset, h)
        findings: list[Finding] = []
        covered_until = -1
        for off in sorted(hits)[:MAX_HITS]:
            hit = hits[off]
            if hit.offset < covered_until:
                continue  # inside a file already reported (its own parts)
            part = _part_at(c, hit.offset)
            where = f"{part.name} at offset {part.offset}" if part else f"offset {hit.offset}"
            if part is not None and hit.type == "zlib" and part.name in _METADATA_PARTS | _COMPRESSED_CHUNKS:
                continue  # compressed metadata: the PNG's own, or a value the metadata method decodes
            if _owned_elsewhere(c, hit, part):
                continue
            params = {"offset": hit.offset, "length": hit.length, "inside": part.name if part else None,
                      "complete": hit.complete}
            payload = hit.bytes_of(raw)
            if part is not None and hit.type in ("jpeg", "png") and part.name in _THUMBNAIL_SEGMENTS:
                findings.append(Finding("embedded", "file", 0.0,
                                        f"Preview image in {where}: {hit.description} ({hit.length} bytes)",
                                        params=params, payload=payload, detected_type=hit.type, hidden=False))
                covered_until = hit.end
                continue
            weak = hit.type in _WEAK or not hit.complete
            described = describe_payload(payload, header=False)
            findings.append(Finding("embedded", "file", 0.75 if weak else 0.93,
                                    f"{hit.description} ({hit.length} bytes) embedded in {where}, offset {hit.offset}",
                                    params=params, payload=payload, detected_type=hit.type,
                                    preview=(described.preview if described and described.preview
                                             else image_text_preview(payload, hit.type))))
            covered_until = hit.end
        return findings


METHOD = EmbeddedMethod()
