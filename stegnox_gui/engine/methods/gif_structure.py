"""GIF structure: application extensions that no known software writes (and what they hold), unknown
extension blocks, and frames placed outside the logical screen, where viewers never show them.
Comments and plain-text blocks are the metadata method's; data after the trailer the trailing method's.
"""
from __future__ import annotations

import struct

from stegnox_gui.engine.container import Container, gif_subblock_data
from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.method import Finding, Method, RunContext
from stegnox_gui.engine.methods.png_structure import chunk_list, text_runs
from stegnox_gui.engine.payload.describe import describe_blob, quote

KNOWN_APPLICATIONS = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"XMP DataXMP", b"ICCRGBG1012", b"MGK8BIM0000",
                      b"MGKIPTC0000", b"MGLK8BIM000", b"STARDIV 5.0", b"ImageMagick", b"FRACTINT")


class GifStructureMethod(Method):
    name = "gif_structure"
    title = "GIF structure (extensions, off-screen frames)"
    needs_pixels = False

    def applies_to(self, image: ImageData) -> bool:
        return image.format == "GIF"

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        c = image.container
        frames = len(c.find("image"))
        summary = Finding("gif_structure", "structure", 0.0,
                          f"{c.header.get('version', 'GIF')} {c.header.get('width', '?')}x{c.header.get('height', '?')}, "
                          f"{frames} frame{'s' if frames != 1 else ''}; blocks: {chunk_list(c)}",
                          params={"frames": frames, "problems": c.problems[:20]}, hidden=False)
        return _extensions(c) + _offscreen_frames(c) + _text_in_palettes(c) + [summary]


def _extensions(c: Container) -> list[Finding]:
    out = []
    for p in c.parts:
        if p.name == "application":
            data = gif_subblock_data(c.raw, p)
            ident, body = data[:11], data[11:]
            if any(ident.startswith(k) for k in KNOWN_APPLICATIONS) or not body:
                continue
            blob = describe_blob(body, anomaly_confidence=0.6)
            out.append(Finding("gif_structure", "text" if blob.detected_type == "text" else "structure",
                               max(blob.confidence, 0.6),
                               f"Application extension {ident.decode('latin-1')!r} at offset {p.offset} holds {blob.what}",
                               params={"offset": p.offset, "identifier": ident.decode("latin-1"),
                                       "encoding": blob.encoding},
                               payload=blob.payload, detected_type=blob.detected_type))
        elif p.name.startswith("extension 0x"):
            blob = describe_blob(gif_subblock_data(c.raw, p), anomaly_confidence=0.6)
            out.append(Finding("gif_structure", "structure", max(blob.confidence, 0.6),
                               f"Unknown GIF {p.name} at offset {p.offset} holds {blob.what}",
                               params={"offset": p.offset, "label": p.marker}, payload=blob.payload,
                               detected_type=blob.detected_type))
    return out


def _text_in_palettes(c: Container) -> list[Finding]:
    out = []
    for p in c.parts:
        if p.name != "global color table":
            continue
        for off, run in text_runs(p.data(c.raw))[:4]:
            out.append(Finding("gif_structure", "text", 0.92,
                               f"Text in the global colour table at offset {p.data_offset + off}: {quote(run)}",
                               params={"offset": p.data_offset + off, "length": len(run)}, payload=run,
                               detected_type="text"))
    return out


def _offscreen_frames(c: Container) -> list[Finding]:
    sw, sh = c.header.get("width", 0), c.header.get("height", 0)
    out = []
    for p in c.parts:
        if p.name != "image" or p.offset + 9 > len(c.raw):
            continue
        left, top, w, h = struct.unpack_from("<HHHH", c.raw, p.offset + 1)
        if left >= sw or top >= sh:
            out.append(Finding("gif_structure", "structure", 0.65,
                               f"Frame {w}x{h} at ({left},{top}) lies outside the {sw}x{sh} screen: viewers never "
                               f"show it", params={"offset": p.offset, "left": left, "top": top, "width": w,
                                                   "height": h}))
    return out


METHOD = GifStructureMethod()
