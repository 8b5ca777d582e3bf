"""BMP structure: header against pixel data. Non-zero reserved fields, bytes between the headers and
the pixel data, non-zero row padding (carved in row order), the unused fourth byte of 32-bit pixels,
and declared sizes that disagree with the file. Data past the pixel data is the trailing method's.
"""
from __future__ import annotations

import numpy as np

from stegnox_gui.engine.container import Container
from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.method import Finding, Method, RunContext
from stegnox_gui.engine.payload.describe import describe_blob


class BmpStructureMethod(Method):
    name = "bmp_structure"
    title = "BMP structure (header fields, gaps, row padding)"
    needs_pixels = False

    def applies_to(self, image: ImageData) -> bool:
        return image.format == "BMP"

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        c = image.container
        if "pixel_offset" not in c.header:
            return [Finding("bmp_structure", "structure", 0.0, "Unreadable BMP header",
                            params={"problems": c.problems}, hidden=False)]
        return _reserved(c) + _gaps(c) + _padding(c) + _unused_alpha(c) + _sizes(c) + [_summary(c)]


def _summary(c: Container) -> Finding:
    h = c.header
    order = "bottom-up" if h["height"] > 0 else "top-down"
    return Finding("bmp_structure", "structure", 0.0,
                   f"BMP {h['width']}x{abs(h['height'])} {h['bpp']}-bit {order}, {h['dib_size']}-byte info header, "
                   f"compression {h['compression']}, pixels at {h['pixel_offset']}, declared size {h['bf_size']}",
                   params={k: v for k, v in h.items() if isinstance(v, int) or v is None}, hidden=False)


def _reserved(c: Container) -> list[Finding]:
    r1, r2 = c.header["reserved1"], c.header["reserved2"]
    if not (r1 or r2):
        return []
    raw = c.raw[6:10]
    blob = describe_blob(raw, anomaly_confidence=0.6)
    return [Finding("bmp_structure", "structure", 0.6,
                    f"Reserved header fields are not zero (0x{r1:04X}, 0x{r2:04X}): {blob.what}",
                    params={"reserved1": r1, "reserved2": r2}, payload=raw,
                    detected_type="text" if blob.detected_type == "text" else None)]


def _gaps(c: Container) -> list[Finding]:
    out = []
    for offset, length in c.gaps:
        data = c.raw[offset:offset + length]
        blob = describe_blob(data, anomaly_confidence=0.7)
        if blob.confidence == 0.0:
            continue  # zero filler between the headers and the pixels is common
        out.append(Finding("bmp_structure", "text" if blob.detected_type == "text" else "structure",
                           max(blob.confidence, 0.7),
                           f"{length} bytes between the headers and the pixel data at offset {offset}: {blob.what}",
                           params={"offset": offset, "length": length, "encoding": blob.encoding},
                           payload=blob.payload, detected_type=blob.detected_type))
    return out


def _pixel_rows(c: Container) -> np.ndarray | None:
    """The pixel data as (rows, row_size) uint8, in file order; None if compressed or truncated."""
    h = c.header
    if h["compression"] not in (0, 3, 6):
        return None
    rows, row = abs(h["height"]), h["row_size"]
    start = h["pixel_offset"]
    if start + rows * row > len(c.raw) or rows == 0:
        return None
    return np.frombuffer(c.raw, dtype=np.uint8, count=rows * row, offset=start).reshape(rows, row)


def _padding(c: Container) -> list[Finding]:
    h = c.header
    used = (h["width"] * h["bpp"] + 7) // 8
    pad = h["row_size"] - used
    if pad <= 0:
        return []
    rows = _pixel_rows(c)
    if rows is None:
        return []
    padding = rows[:, used:]
    if not padding.any():
        return []
    data = padding.tobytes().rstrip(b"\x00")  # in file order: rows as stored, bottom-up for most BMPs
    blob = describe_blob(data, anomaly_confidence=0.65)
    nonzero_rows = int(np.count_nonzero(padding.any(axis=1)))
    return [Finding("bmp_structure", "text" if blob.detected_type == "text" else "structure",
                    max(blob.confidence, 0.65),
                    f"Row padding holds data ({pad} bytes per row, {nonzero_rows} rows not zero): {blob.what}",
                    params={"padding_per_row": pad, "rows_with_data": nonzero_rows, "order": "file order",
                            "encoding": blob.encoding},
                    payload=blob.payload, detected_type=blob.detected_type)]


def _unused_alpha(c: Container) -> list[Finding]:
    """32-bit BI_RGB pixels have a fourth byte viewers ignore: data there is invisible."""
    h = c.header
    if h["bpp"] != 32 or h["compression"] != 0:
        return []
    rows = _pixel_rows(c)
    if rows is None:
        return []
    fourth = rows[:, 3::4]
    if not fourth.any() or (fourth == 255).all():
        return []
    data = fourth.tobytes()
    blob = describe_blob(data.rstrip(b"\x00"), anomaly_confidence=0.6)
    if not blob.readable and len(np.unique(fourth)) < 3:
        return []  # a constant or two-level alpha: an ordinary mask
    return [Finding("bmp_structure", "text" if blob.detected_type == "text" else "structure",
                    blob.confidence if blob.readable else 0.6,
                    f"The unused fourth byte of the 32-bit pixels holds data: {blob.what}",
                    params={"order": "file order"}, payload=blob.payload, detected_type=blob.detected_type)]


def _sizes(c: Container) -> list[Finding]:
    h = c.header
    n = len(c.raw)
    pixel_end = h["pixel_offset"] + (h["pixel_size"] or 0)
    out = []
    if h["bf_size"] and h["bf_size"] > n:
        out.append(Finding("bmp_structure", "structure", 0.0,
                           f"Declared file size {h['bf_size']} exceeds the file ({n} bytes): truncated",
                           params={"bf_size": h["bf_size"], "file_size": n}, hidden=False))
    elif h["bf_size"] and h["bf_size"] > pixel_end + 4 and h["bf_size"] <= n:
        out.append(Finding("bmp_structure", "structure", 0.6,
                           f"Declared file size {h['bf_size']} covers {h['bf_size'] - pixel_end} bytes past the pixel "
                           f"data (ends at {pixel_end})",
                           params={"bf_size": h["bf_size"], "pixel_end": pixel_end}))
    if pixel_end > n:
        out.append(Finding("bmp_structure", "structure", 0.0,
                           f"Pixel data truncated: {pixel_end - n} bytes missing",
                           params={"pixel_end": pixel_end, "file_size": n}, hidden=False))
    return out


METHOD = BmpStructureMethod()