"""PNG structure: chunk CRCs, private/unknown chunks and what they hold, an IHDR whose width or height
was lowered to hide rows (recovered from the image data's length and the IHDR CRC, and rendered),
and extra data after the end of the zlib stream (zsteg's "extradata").

Data after IEND is left to the trailing method; text chunks' content to the metadata method.
"""
from __future__ import annotations

import re
import struct
import zlib

from stegnox_gui.engine.container import Container, Part, png_raw_size
from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.method import Finding, Method, RunContext
from stegnox_gui.engine.payload.describe import describe_blob, quote
from stegnox_gui.engine.payload.text import TEXT_THRESHOLD, text_score

STANDARD_CHUNKS = {
    "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "cHRM", "gAMA", "iCCP", "sBIT", "sRGB", "cICP", "mDCV", "mDCv", "cLLI",
    "cLLi", "tEXt", "zTXt", "iTXt", "bKGD", "hIST", "pHYs", "sPLT", "eXIf", "tIME", "acTL", "fcTL", "fdAT", "oFFs",
    "pCAL", "sCAL", "gIFg", "gIFx", "gIFt", "sTER", "dSIG", "fRAc",
}
# Private chunks that ordinary software writes (Apple, ImageMagick, Fireworks, Android, Adobe): information.
KNOWN_PRIVATE = {"iDOT": "Apple", "CgBI": "Apple (iOS optimised)", "vpAg": "ImageMagick", "caNv": "ImageMagick",
                 "orNT": "ImageMagick", "mkBF": "Fireworks", "mkTS": "Fireworks", "mkBS": "Fireworks",
                 "mkBT": "Fireworks", "prVW": "Fireworks", "npTc": "Android nine-patch", "npLb": "Android nine-patch",
                 "npOl": "Android nine-patch", "skMf": "Skia", "skRf": "Skia", "pcLb": "Photoshop", "meTa": "Microsoft",
                 "tpNG": "Microsoft", "jHDR": "JNG", "exIf": "early eXIf", "zxIf": "compressed EXIF draft",
                 "caBX": "C2PA content credentials", "iCCN": "ICC profile name", "pHYg": "global pHYs (MNG)"}
MAX_CRC_REPORTS = 5
_BRUTE_LIMIT = 1 << 14  # widths/heights tried when brute-forcing the IHDR CRC


class PngStructureMethod(Method):
    name = "png_structure"
    title = "PNG structure (chunks, CRCs, hidden rows, extra data)"
    needs_pixels = False

    def applies_to(self, image: ImageData) -> bool:
        return image.format == "PNG"

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        c = image.container
        findings: list[Finding] = []
        findings += _crc_findings(c)
        findings += _unknown_chunks(c)
        findings += _dimension_findings(c)
        findings += _order_findings(c)
        findings += _text_in_tables(c)
        findings.append(_summary(c))
        return findings


_COLOR_TYPES = {0: "gray", 2: "RGB", 3: "palette", 4: "gray+alpha", 6: "RGBA"}


def chunk_list(c: Container) -> str:
    """"IHDR, tEXt x2, IDAT x12, IEND": runs of the same part name collapsed."""
    runs: list[list] = []
    for p in c.parts:
        if runs and runs[-1][0] == p.name:
            runs[-1][1] += 1
        else:
            runs.append([p.name, 1])
    return ", ".join(name if n == 1 else f"{name} x{n}" for name, n in runs)


def _summary(c: Container) -> Finding:
    h = c.header
    shape = (f"{h['width']}x{h['height']} {_COLOR_TYPES.get(h['color_type'], h['color_type'])} {h['bit_depth']}-bit"
             f"{' interlaced' if h.get('interlace') else ''}") if "width" in h else "no IHDR"
    return Finding("png_structure", "structure", 0.0, f"PNG {shape}; chunks: {chunk_list(c)}",
                   params={"chunks": [p.name for p in c.parts][:256], "problems": c.problems[:20],
                           "end_offset": c.end_offset}, hidden=False)


def _crc_findings(c: Container) -> list[Finding]:
    bad = [p for p in c.parts if p.crc_ok is False and p.name != "IHDR"]  # IHDR: see the dimension check
    out = []
    for p in bad[:MAX_CRC_REPORTS]:
        out.append(Finding("png_structure", "structure", 0.6,
                           f"CRC mismatch in {p.name} chunk at offset {p.offset}: its content was changed after "
                           f"writing (stored {p.crc_stored:08x}, computed {p.crc_computed:08x})",
                           params={"chunk": p.name, "offset": p.offset, "crc_stored": f"{p.crc_stored:08x}",
                                   "crc_computed": f"{p.crc_computed:08x}"}))
    if len(bad) > MAX_CRC_REPORTS:
        out.append(Finding("png_structure", "structure", 0.6, f"{len(bad) - MAX_CRC_REPORTS} more chunks with a bad CRC",
                           params={"count": len(bad)}))
    return out


def _unknown_chunks(c: Container) -> list[Finding]:
    out = []
    after_iend = False
    for p in c.parts:
        if p.name == "IEND":
            after_iend = True
        if p.name in STANDARD_CHUNKS or after_iend:
            continue
        data = p.data(c.raw)
        params = {"chunk": p.name, "offset": p.offset, "length": p.data_length,
                  "critical": p.name[0].isupper(), "crc_ok": p.crc_ok}
        if p.name in KNOWN_PRIVATE:
            out.append(Finding("png_structure", "structure", 0.0,
                               f"Private chunk {p.name} ({KNOWN_PRIVATE[p.name]}, {p.data_length} bytes)",
                               params=params, hidden=False))
            continue
        kind = "critical" if p.name[0].isupper() else "ancillary"
        if not data:
            out.append(Finding("png_structure", "structure", 0.5, f"Empty unknown {kind} chunk {p.name} at {p.offset}",
                               params=params))
            continue
        blob = describe_blob(data, anomaly_confidence=0.65)
        if blob.encoding:
            params["encoding"] = blob.encoding
        out.append(Finding("png_structure", "text" if blob.detected_type == "text" else "structure",
                           max(blob.confidence, 0.5),
                           f"Unknown {kind} chunk {p.name} at offset {p.offset} holds {blob.what}",
                           params=params, payload=blob.payload, detected_type=blob.detected_type))
    return out


_TEXT_RUN = re.compile(rb"[\x20-\x7e\t\r\n]{16,}")


def text_runs(data: bytes) -> list[tuple[int, bytes]]:
    """Readable runs (>= 16 characters) in a colour table or similar binary structure."""
    out = []
    for m in _TEXT_RUN.finditer(data):
        if text_score(m.group()) >= TEXT_THRESHOLD:
            out.append((m.start(), m.group()))
    return out


def _text_in_tables(c: Container) -> list[Finding]:
    """Text written into the palette or transparency table (unused entries are never displayed)."""
    out = []
    for p in c.parts:
        if p.name not in ("PLTE", "tRNS", "hIST", "sPLT", "bKGD"):
            continue
        for off, run in text_runs(p.data(c.raw))[:4]:
            out.append(Finding("png_structure", "text", 0.92,
                               f"Text in the {p.name} chunk at offset {p.data_offset + off}: {quote(run)}",
                               params={"chunk": p.name, "offset": p.data_offset + off, "length": len(run)},
                               payload=run, detected_type="text"))
    return out


def _order_findings(c: Container) -> list[Finding]:
    out = []
    idats = [i for i, p in enumerate(c.parts) if p.name == "IDAT"]
    if idats and idats[-1] - idats[0] + 1 != len(idats):
        between = [c.parts[i].name for i in range(idats[0], idats[-1]) if c.parts[i].name != "IDAT"]
        out.append(Finding("png_structure", "structure", 0.55,
                           f"IDAT chunks are not consecutive ({', '.join(between)} between them)",
                           params={"between": between}))
    if len(c.find("IHDR")) > 1:
        out.append(Finding("png_structure", "structure", 0.6, "More than one IHDR chunk",
                           params={"count": len(c.find("IHDR"))}))
    return out


# ------------------------------------------------------------------------------------ hidden rows

def _ihdr_crc(width: int, height: int, rest: bytes) -> int:
    return zlib.crc32(b"IHDR" + struct.pack(">II", width, height) + rest)


def _crc_dimensions(ihdr: Part, raw: bytes, w: int, h: int) -> tuple[int, int] | None:
    """The width/height that make the stored IHDR CRC right, changing one of them (None if neither)."""
    rest = raw[ihdr.data_offset + 8:ihdr.data_offset + 13]
    target = ihdr.crc_stored
    w_bytes = b"IHDR" + struct.pack(">I", w)
    prefix = zlib.crc32(w_bytes)
    tail = rest
    for hh in range(1, max(_BRUTE_LIMIT, 4 * h)):
        if zlib.crc32(struct.pack(">I", hh) + tail, prefix) == target:
            return w, hh
    h_bytes = struct.pack(">I", h) + rest
    for ww in range(1, max(_BRUTE_LIMIT, 4 * w)):
        if zlib.crc32(b"IHDR" + struct.pack(">I", ww) + h_bytes) == target:
            return ww, h
    return None


def _length_dimensions(h: dict, actual: int) -> tuple[int, int] | None:
    """Dimensions explaining `actual` bytes of scanlines: same width first, then same height."""
    w, hh, depth, ctype, inter = h["width"], h["height"], h["bit_depth"], h["color_type"], h["interlace"]
    if not inter:
        stride = png_raw_size(w, 1, depth, ctype, 0)
        if stride and actual % stride == 0:
            return w, actual // stride
        if hh and actual % hh == 0:  # width lowered: rows are longer than declared
            row = actual // hh - 1
            for ww in range(w, w * 8 + 8):
                if png_raw_size(ww, 1, depth, ctype, 0) == row + 1:
                    return ww, hh
        return None
    for new_h in range(hh, hh * 4 + 8):  # interlaced: try taller images of the same width
        size = png_raw_size(w, new_h, depth, ctype, inter)
        if size == actual:
            return w, new_h
        if size is None or size > actual:
            break
    return None


def _both_dimensions(ihdr: Part, raw: bytes, h: dict, actual: int) -> tuple[int, int] | None:
    """Width and height that both explain the scanline bytes and make the stored IHDR CRC right."""
    if h["interlace"]:
        return None
    rest = raw[ihdr.data_offset + 8:ihdr.data_offset + 13]
    for ww in range(1, _BRUTE_LIMIT * 4):
        stride = png_raw_size(ww, 1, h["bit_depth"], h["color_type"], 0)
        if not stride or stride > actual:
            break
        if actual % stride == 0 and _ihdr_crc(ww, actual // stride, rest) == ihdr.crc_stored:
            return ww, actual // stride
    return None


def _patched_png(c: Container, ihdr: Part, w: int, h: int) -> bytes:
    """The file with the IHDR set to w x h (CRC recomputed), up to IEND: the image as it really is."""
    raw = c.raw
    rest = raw[ihdr.data_offset + 8:ihdr.data_offset + ihdr.data_length]
    body = struct.pack(">II", w, h) + rest
    chunk = struct.pack(">I", len(body)) + b"IHDR" + body + struct.pack(">I", zlib.crc32(b"IHDR" + body))
    return raw[:ihdr.offset] + chunk + raw[ihdr.end:c.end_offset]


def _dimension_findings(c: Container) -> list[Finding]:
    ihdrs = c.find("IHDR")
    if not ihdrs or "width" not in c.header or not c.find("IDAT"):
        return []
    ihdr = ihdrs[0]
    h = c.header
    w0, h0 = h["width"], h["height"]
    expected = c.png_expected_size()
    inflated = c.png_inflate()
    if expected is None or inflated is None:
        return []
    actual = inflated.size
    crc_bad = ihdr.crc_ok is False
    out: list[Finding] = []
    by_crc = _crc_dimensions(ihdr, c.raw, w0, h0) if crc_bad else None
    true_dims = None
    evidence = []
    if by_crc and by_crc != (w0, h0):
        true_dims = by_crc
        evidence.append("the IHDR CRC matches this size")
    if actual > expected and inflated.complete:
        by_len = _length_dimensions(h, actual)
        if by_len is None and crc_bad and true_dims is None:
            by_len = _both_dimensions(ihdr, c.raw, h, actual)  # width and height both changed
            if by_len:
                evidence.append("the IHDR CRC matches this size")
        if by_len and (true_dims is None or true_dims == by_len):
            true_dims = by_len
            evidence.append(f"the image data holds {actual} bytes of scanlines, {actual - expected} more than declared")
    if true_dims is not None:
        tw, th = true_dims
        payload = _patched_png(c, ihdr, tw, th)
        if th != h0 and tw == w0:
            what = f"IHDR height {h0} hides {th - h0} rows" if th > h0 else f"IHDR height {h0} exceeds the data ({th} rows)"
        elif tw != w0 and th == h0:
            what = f"IHDR width {w0} hides {tw - w0} columns" if tw > w0 else f"IHDR width {w0} was changed"
        else:
            what = f"IHDR size {w0}x{h0} was changed"
        hides = tw * th > w0 * h0
        out.append(Finding(
            "png_structure", "structure", 0.93 if hides else 0.6,
            f"{what}: true size {tw}x{th} ({'; '.join(evidence)})",
            params={"declared_width": w0, "declared_height": h0, "true_width": tw, "true_height": th,
                    "hidden_rows": th - h0 if tw == w0 else None, "ihdr_crc_ok": not crc_bad},
            payload=payload, detected_type="png",
            data={"declared": [w0, h0], "true": [tw, th], "scanline_bytes": actual, "declared_bytes": expected}))
        return out + _extra_stream(c, inflated.extra_compressed)
    if crc_bad:
        out.append(Finding("png_structure", "structure", 0.6,
                           f"IHDR CRC mismatch (stored {ihdr.crc_stored:08x}, computed {ihdr.crc_computed:08x}); "
                           "no other width/height matches it", params={"chunk": "IHDR", "offset": ihdr.offset}))
    if actual > expected and inflated.complete:
        blob = describe_blob(inflated.beyond, anomaly_confidence=0.65)
        out.append(Finding("png_structure", "text" if blob.detected_type == "text" else "structure",
                           blob.confidence if blob.readable else 0.65,
                           f"{actual - expected} extra bytes after the last scanline in the image data: {blob.what}",
                           params={"declared_bytes": expected, "scanline_bytes": actual, "encoding": blob.encoding},
                           payload=blob.payload, detected_type=blob.detected_type))
    elif actual < expected and inflated.complete:
        out.append(Finding("png_structure", "structure", 0.5,
                           f"The image data holds {actual} bytes of scanlines, fewer than the {expected} the IHDR "
                           f"declares ({w0}x{h0})", params={"declared_bytes": expected, "scanline_bytes": actual}))
    return out + _extra_stream(c, inflated.extra_compressed)


def _extra_stream(c: Container, extra: bytes) -> list[Finding]:
    """Bytes after the end of the zlib stream inside the IDAT chunks (zsteg's extradata)."""
    if not extra.strip(b"\x00"):
        return []
    inner = extra
    label = ""
    try:
        dec = zlib.decompressobj()
        out = dec.decompress(extra, 64 * 1024 * 1024)
        if dec.eof and out:
            inner, label = out, "a second zlib stream holding "
    except zlib.error:
        pass
    blob = describe_blob(inner, anomaly_confidence=0.7)
    return [Finding("png_structure", "text" if blob.detected_type == "text" else "structure",
                    blob.confidence if blob.readable else 0.7,
                    f"{len(extra)} bytes after the end of the compressed image data (inside IDAT): {label}{blob.what}",
                    params={"length": len(extra), "encoding": blob.encoding}, payload=blob.payload,
                    detected_type=blob.detected_type)]


METHOD = PngStructureMethod()
