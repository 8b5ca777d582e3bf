"""`stegnox analyze PATH...`: analyse images headless and print a report per image (or JSON lines)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Iterator, TextIO

EXIT_CLEAN = 0
EXIT_FOUND = 1  # bit: hidden data found in at least one image
EXIT_USAGE = 2  # argparse's own status for bad arguments
EXIT_FAILED = 4  # bit: at least one file could not be analysed

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".gif", ".bmp", ".dib", ".tif", ".tiff", ".webp"}

EPILOG = """\
Exit status: 0 = every file analysed and nothing hidden found; 1 = hidden data found in at least one
image; 4 = at least one file could not be analysed (missing, not an image, corrupt, too large); 5 = both;
2 = bad arguments. A folder argument analyses the images inside it (recursively).
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="analyse images and print what is hidden in them",
                       description="Analyse images with every method (LSB layouts, metadata, appended and "
                                   "embedded files, container structure, statistics) and report what is hidden.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH", help="image files or folders")
    p.add_argument("--json", action="store_true", help="print one JSON object per image, one per line")
    p.add_argument("--output-dir", "-o", metavar="DIR", help="write recovered payloads (carved files) here")
    p.add_argument("--methods", "-m", metavar="NAMES", action="append",
                   help="run only these methods, comma-separated (repeatable; see --list-methods)")
    p.add_argument("--pixel-limit", type=int, metavar="N", help="refuse images with more pixels than this")
    p.add_argument("--list-methods", action="store_true", help="print the method names and exit")
    p.add_argument("--all-findings", action="store_true", help="also show ordinary (not hidden) information")
    p.add_argument("--summary", "-s", action="store_true", help="one line per image (verdict, score, message)")
    add_passphrase_options(p)
    p.set_defaults(func=run)


def add_passphrase_options(p: argparse.ArgumentParser) -> None:
    """Options of the dictionary attack on keyed tools (steghide, OutGuess), shared with `stegnox worker`."""
    p.add_argument("--wordlist", "-w", metavar="FILE", action="append", default=[],
                   help="passphrases to try on steghide and OutGuess, one per line (plain or .gz; repeatable); tried after "
                        "the empty passphrase, before the built-in common passwords")
    p.add_argument("--no-common-passwords", action="store_true",
                   help="do not try the built-in list of 19,640 common passwords")
    p.add_argument("--keyed-max-mp", type=float, metavar="MP", default=None,
                   help="largest JPEG (megapixels) the steghide and OutGuess attacks read; they cost "
                        "0.1-0.3 s per megapixel (default 12)")


def passphrase_options(args: argparse.Namespace, err: TextIO) -> dict[str, Any] | None:
    """Engine options from those arguments, or None (after saying why) when one is wrong."""
    for path in args.wordlist:
        if not os.access(path, os.R_OK):
            print(f"stegnox: cannot read word list {path}", file=err)
            return None
        if not Path(path).is_file():  # every image reads it again: a pipe would be empty the second time
            print(f"stegnox: word list {path} must be a regular file (not a pipe or a folder)", file=err)
            return None
    options: dict[str, Any] = {"wordlists": [str(Path(p).resolve()) for p in args.wordlist],
                               "builtin_wordlist": not args.no_common_passwords}
    if args.keyed_max_mp is not None:
        if args.keyed_max_mp <= 0:
            print("stegnox: --keyed-max-mp must be a positive number", file=err)
            return None
        options["keyed_max_pixels"] = int(args.keyed_max_mp * 1_000_000)
    return options


def _expand(paths: list[str]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            yield from files
        else:
            yield path


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from stegnox_gui.engine.image_data import DEFAULT_PIXEL_LIMIT
    from stegnox_gui.engine.stegnox_engine import StegnoxEngine

    out = out or sys.stdout
    err = err or sys.stderr
    options = passphrase_options(args, err)
    if options is None:
        return EXIT_USAGE
    engine = StegnoxEngine(pixel_limit=args.pixel_limit or DEFAULT_PIXEL_LIMIT, options=options)
    if args.list_methods:
        for m in engine.methods:
            print(f"{m.name:18} {m.role:11} {m.title}", file=out)
        return EXIT_CLEAN
    if not args.paths:
        print("stegnox analyze: give at least one image file or folder (or --list-methods)", file=err)
        return EXIT_USAGE
    methods = None
    if args.methods:
        methods = [n for item in args.methods for n in item.split(",") if n]
        known = set(engine.method_names())
        unknown = [n for n in methods if n not in known]
        if unknown:
            print(f"stegnox analyze: unknown method(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}",
                  file=err)
            return EXIT_USAGE
    if args.pixel_limit is not None and args.pixel_limit <= 0:
        print("stegnox analyze: --pixel-limit must be a positive number", file=err)
        return EXIT_USAGE

    try:
        return _analyze_all(engine, args, methods, out, err)
    except BrokenPipeError:  # the reader (e.g. `head`) went away: stop quietly
        try:
            sys.stdout = open("/dev/null", "w")  # noqa: SIM115 - silences the interpreter's flush at exit
        except OSError:
            pass
        return EXIT_CLEAN


def _analyze_all(engine: Any, args: argparse.Namespace, methods: list[str] | None, out: TextIO, err: TextIO) -> int:
    status = EXIT_CLEAN
    counts: dict[str, int] = {}
    for path in _expand(args.paths):
        try:
            result = engine.extract_all_methods(path, output_dir=args.output_dir, methods=methods)
        except Exception as exc:  # EngineError, or anything else: never let one file stop the batch
            status |= EXIT_FAILED
            counts["failed"] = counts.get("failed", 0) + 1
            if args.summary and not args.json:
                print(f"{'ERROR':<12} {'':>5}  {path}: {str(exc) or type(exc).__name__}", file=out, flush=True)
            else:
                _report_error(path, exc, args.json, out, err)
            continue
        counts[result["verdict"]] = counts.get(result["verdict"], 0) + 1
        if result.get("found_data"):
            status |= EXIT_FOUND
        if args.json:
            print(json.dumps({"path": str(path), **result}, ensure_ascii=False), file=out, flush=True)
        elif args.summary:
            print(f"{result['verdict']:<12} {result['score']:>5.2f}  {path}: {result['message']}", file=out, flush=True)
        else:
            print(format_report(path, result, show_all=args.all_findings), file=out, flush=True)
    total = sum(counts.values())
    if total > 1 and not args.json:
        parts = ", ".join(f"{counts[k]} {k}" for k in ("hidden_data", "suspicious", "clean", "failed") if k in counts)
        print(f"{total} files: {parts}", file=out, flush=True)
    return status


def _report_error(path: Path, exc: Exception, as_json: bool, out: TextIO, err: TextIO) -> None:
    message = str(exc) or type(exc).__name__
    if as_json:
        print(json.dumps({"path": str(path), "error": message, "error_type": type(exc).__name__}), file=out, flush=True)
    else:
        print(f"== {path}\n   ERROR: {message}\n", file=out, flush=True)
        print(f"stegnox analyze: {path}: {message}", file=err, flush=True)


def format_report(path: Path, result: dict[str, Any], show_all: bool = False) -> str:
    """The readable report of one image."""
    img = result.get("image", {})
    lines = [f"== {path}  ({img.get('format')} {img.get('width')}x{img.get('height')} {img.get('mode')}, "
             f"{img.get('file_size', 0):,} bytes)"]
    lines.append(f"   verdict: {result['verdict']} (score {result['score']:.2f}): {result['message']}")
    if result.get("error"):
        lines.append(f"   note: {result['error']}")
    shown = [f for f in result.get("findings", []) if show_all or f.get("hidden")]
    for i, f in enumerate(shown, 1):
        lines.append(f"   [{i}] {f['kind']:9} {f['confidence']:.2f}  {f['method']}: {f['summary']}")
        params = {k: v for k, v in (f.get("params") or {}).items() if v not in (None, "", [], {})}
        if params:
            lines.append("       " + ", ".join(f"{k}={v}" for k, v in list(params.items())[:10]))
        if f.get("payload_size") is not None:
            lines.append(f"       payload: {f['payload_size']:,} bytes, {f.get('detected_type') or 'data'}, "
                         f"sha256 {f['sha256'][:16]}...")
        if f.get("preview"):
            preview = f["preview"] if len(f["preview"]) <= 400 else f["preview"][:400] + "..."
            lines.extend("       | " + line for line in preview.splitlines()[:12])
        if f.get("path"):
            lines.append(f"       saved to {f['path']}")
    hidden_count = sum(1 for f in result.get("findings", []) if not f.get("hidden"))
    if hidden_count and not show_all:
        lines.append(f"   ({hidden_count} ordinary finding(s) not shown; --all-findings shows them)")
    methods = result.get("methods", {})
    errors = {n: m for n, m in methods.items() if m.get("status") == "error"}
    ok = sum(1 for m in methods.values() if m.get("status") == "ok")
    lines.append(f"   methods: {ok} ok, {len(errors)} failed, "
                 f"{sum(1 for m in methods.values() if m.get('status') == 'skipped')} skipped; "
                 f"{result.get('elapsed_seconds', 0):.2f} s")
    for name, m in errors.items():
        lines.append(f"   method {name} failed: {m.get('error')}")
    return "\n".join(lines) + "\n"
