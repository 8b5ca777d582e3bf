"""LSB and bit-plane extraction: searches the layout space zsteg tries (and more) for payloads.

Every layout's stream is read as a short prefix first (only the first pixels are touched), and
recognised (tool headers, known files, zlib, readable text). Only layouts whose prefix looks like a
payload are read further, as far as the payload's true length needs.
"""
from __future__ import annotations

import hashlib
import itertools
import time
from dataclasses import dataclass

from stegnox_gui.engine.bitstream import BitSource, Layout, pack_bits, selection_indices
from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.method import Finding, Method, RunContext
from stegnox_gui.engine.payload.recognize import Recognized, describe_payload, recognize
from stegnox_gui.engine.payload.text import word_score

PREFIX_BYTES = 384  # zsteg reads 256; a little more lets most headerless texts end inside the prefix
DEFAULT_BUDGET_SECONDS = 1.0
LOSSY_FORMATS = {"JPEG", "MPO"}  # pixel LSBs do not survive lossy compression
STEGANO_GENERATORS = ("composite", "triangular", "fibonacci", "mersenne", "fermat", "log")

_NAMES = {"r": "R", "g": "G", "b": "B", "a": "A", "gray": "gray", "index": "palette index"}


def _bit_sets() -> list[tuple[int, ...]]:
    groups = [tuple(range(n - 1, -1, -1)) for n in range(1, 5)]  # zsteg b1..b4
    planes = [(p,) for p in range(1, 8)]  # single planes b2..b8 alone
    ascending = [(0, 1), (0, 1, 2, 3)]  # low bits lowest first (stegpy's packing)
    return groups + planes + ascending


def channel_sets(src: BitSource) -> list[str]:
    """Channel combinations worth reading for this image."""
    names = set(src.arrays)
    sets: list[str] = []
    if {"r", "g", "b"} <= names:
        sets += ["r", "g", "b"] + ["".join(p) for p in itertools.permutations("rgb")]
        if "a" in names:
            sets += ["a", "rgba", "argb", "abgr", "bgra"]
    if "gray" in names:
        sets.append("gray")
        if "a" in names:
            sets.append("a")
    if "index" in names:
        sets.append("index")
    return sets


def search_plan(src: BitSource) -> list[tuple[str, str, list[Layout]]]:
    """(order, selection, layouts) groups in priority order: zsteg's default space first."""
    chans = channel_sets(src)
    bits = _bit_sets()
    plan: list[tuple[str, str, list[Layout]]] = []

    def group(order: str, selection: str, channel_list: list[str], bit_list: list[tuple[int, ...]]) -> None:
        layouts = [Layout(c, b, bo, order, selection) for b in bit_list for c in channel_list for bo in ("lsb", "msb")]
        plan.append((order, selection, layouts))

    group("xy", "all", chans, bits)
    group("yx", "all", chans, bits)
    for order in ("xY", "Xy", "XY", "yX", "Yx", "YX"):
        group(order, "all", chans, bits[:4])
    low = [(0,), (1, 0)]
    group("xy", "prime", chans, low)
    group("yx", "prime", chans, low)
    for gen in STEGANO_GENERATORS:
        group("xy", gen, chans, [(0,)])
    return plan


@dataclass
class _Hit:
    layout: Layout
    rec: Recognized


class LsbMethod(Method):
    name = "lsb"
    title = "LSB and bit planes"
    role = "extraction"

    def applies_to(self, image: ImageData) -> bool:
        return image.has_pixels and image.format not in LOSSY_FORMATS

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        budget = float(ctx.options.get("lsb_budget_seconds", DEFAULT_BUDGET_SECONDS))
        src = BitSource(image)
        started = time.perf_counter()
        hits: list[_Hit] = []
        plan = search_plan(src)
        total = sum(len(g[2]) for g in plan)
        tried = 0
        stopped = None
        for order, selection, layouts in plan:
            if ctx.cancelled():
                break
            if time.perf_counter() - started > budget:
                stopped = f"time budget of {budget:g} s reached"
                break
            hits.extend(self._scan_group(src, order, selection, layouts))
            tried += len(layouts)
        findings = self._findings(src, hits)
        if stopped:
            findings.append(Finding(self.name, "statistic", 0.0,
                                    f"LSB search stopped early ({stopped}): {tried} of {total} layouts read",
                                    hidden=False, data={"layouts_tried": tried, "layouts_total": total}))
        return findings

    def _scan_group(self, src: BitSource, order: str, selection: str, layouts: list[Layout]) -> list[_Hit]:
        channels = sorted({c for lay in layouts for c in lay.channel_list()})
        col = {c: i for i, c in enumerate(channels)}
        min_bpp = min(lay.bits_per_pixel for lay in layouts)
        npix = -(-PREFIX_BYTES * 8 // min_bpp)
        if selection == "all":
            matrix = src.ordered_values(channels, order, 0, npix)
        else:
            idx = selection_indices(selection, src.pixel_count, npix)
            if len(idx) == 0:
                return []
            matrix = src.values_at(channels, order, idx)
        hits = []
        for lay in layouts:
            need = -(-PREFIX_BYTES * 8 // lay.bits_per_pixel)
            cols = [col[c] for c in lay.channel_list()]
            values = matrix[:need, cols] if len(cols) > 1 else matrix[:need, cols[0]]
            prefix = pack_bits(values, lay.planes, lay.bit_order)
            if len(prefix) < 8:
                continue
            rec = self._recognize(src, lay, prefix)
            if rec is not None:
                if rec.params.get("header") == "openstego":
                    rec = _openstego_data(src, lay, rec)
                hits.append(_Hit(lay, rec))
        return hits

    @staticmethod
    def _recognize(src: BitSource, lay: Layout, prefix: bytes) -> Recognized | None:
        capacity = src.capacity_bytes(lay)
        stream = prefix
        for _ in range(6):
            found = recognize(stream, capacity=capacity)
            if not found:
                return None
            best = found[0]
            pending = [r for r in found if r.incomplete]
            done = [r for r in found if not r.incomplete]
            if done and (not pending or done[0].confidence >= 0.95):
                return done[0]
            want = max(r.needed or 0 for r in pending)
            if want <= len(stream):
                return done[0] if done else None
            longer = src.extract(lay, want)
            if len(longer) <= len(stream):
                return done[0] if done else (best if not best.incomplete else None)
            stream = longer
        return None

    def _findings(self, src: BitSource, hits: list[_Hit]) -> list[Finding]:
        seen: set[str] = set()
        findings: list[Finding] = []
        for hit in sorted(hits, key=lambda h: -h.rec.confidence):
            rec = hit.rec
            digest = hashlib.sha256(rec.payload).hexdigest()
            if digest in seen or not rec.payload:
                continue
            seen.add(digest)
            mirror = _mirror_of(rec.payload, findings)
            if mirror is None:
                findings.append(_finding(self.name, hit.layout, rec))
            elif (rec.kind == "text" and findings[mirror].kind == "text"
                  and word_score(rec.payload) > word_score(findings[mirror].payload or b"")):
                # the earlier one was this text read backwards: keep the reading with real words
                findings[mirror] = _finding(self.name, hit.layout, rec)
        findings.sort(key=lambda f: -f.confidence)
        return findings


def _openstego_data(src: BitSource, lay: Layout, rec: Recognized) -> Recognized:
    """OpenStego writes its header with 1 bit per channel, then starts the data on the next whole
    pixel with the header's number of bits per channel: read the data from there."""
    if lay.planes != (0,) or lay.selection != "all":
        return rec
    header_bits = rec.params["header_length"] * 8
    first_pixel = -(-header_bits // lay.bits_per_pixel)
    bits = int(rec.params.get("channel_bits") or 1)
    if not 1 <= bits <= 8:
        return rec
    data_layout = Layout.low_bits(bits, lay.channels, lay.bit_order, lay.order)
    data = src.extract(data_layout, rec.params["payload_length"], skip_pixels=first_pixel)
    described = describe_payload(data, header="openstego") or Recognized("file", "data", data, 0.9)
    described.params = {**rec.params, **described.params, "data_bits": data_layout.bits_name,
                        "data_first_pixel": first_pixel}
    described.confidence = max(described.confidence, 0.97)
    return described


def _mirror_of(payload: bytes, earlier: list[Finding]) -> int | None:
    """Index of an earlier finding that is this payload read backwards (pixels in reverse order with
    the opposite byte packing give the same bits reversed), or None."""
    if len(payload) < 12:
        return None
    rev = payload[::-1]
    probe = rev[len(rev) // 4: len(rev) // 4 + 12]
    for i, f in enumerate(earlier):
        if f.payload and probe in f.payload:
            return i
    return None


def _finding(method: str, lay: Layout, rec: Recognized) -> Finding:
    where = _where(lay)
    if rec.kind == "text":
        shown = (rec.preview or rec.payload.decode("utf-8", "replace")).strip()
        short = shown if len(shown) <= 60 else shown[:57] + "..."
        summary = f"Text hidden in {where}: {short!r}"
    else:
        label = rec.params.get("file") or f"{rec.type.upper()} data"
        summary = f"{label} hidden in {where}, {len(rec.payload):,} bytes"
    header = rec.params.get("header")
    if header:
        summary += f" ({header} header)"
    params = {**lay.params(), **{k: v for k, v in rec.params.items()}}
    params.setdefault("header", None)
    return Finding(method=method, kind=rec.kind, confidence=rec.confidence, summary=summary, params=params,
                   payload=rec.payload, detected_type=rec.type, preview=rec.preview)


def _where(lay: Layout) -> str:
    chans = ",".join(_NAMES.get(c, c) for c in lay.channel_list())
    n = len(lay.planes)
    if lay.planes == tuple(range(n - 1, -1, -1)):
        bits = "LSB" if n == 1 else f"{n} low bits"
    elif n == 1:
        bits = f"bit plane {lay.planes[0]}"
    else:
        bits = f"{n} low bits (lowest first)"
    return f"{bits} of {chans} ({lay.name})"


METHOD = LsbMethod()
