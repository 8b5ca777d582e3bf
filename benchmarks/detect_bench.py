"""Detection benchmark: cost of each LSB detector and of the whole engine (seconds per megapixel), and an
ROC summary of the fused verdict per embedding kind and rate, on held-out covers.

The covers come from `benchmarks/make_covers.py` (run first; its "eval" split uses photographs the
calibration never saw). For each cover the benchmark writes the clean image and simulated embeddings
(random-position LSB replacement, sequential LSB replacement, random LSB matching at 0.05-0.4 bits per
channel value) and runs the detectors, then `verdict.fuse`. It prints:
  - seconds per megapixel (median of repeats, one process, numpy on one core) per detector and engine;
  - per kind and rate: AUC of the verdict score against the clean covers, the detection rate at the score
    thresholds giving 1% and 5% false positives on them, and the rate of actual hidden_data verdicts;
  - the payload estimates' median and error per kind and rate (WS for replacement, the LSB-matching
    detector's regression for matching);
  - clean and synthetic images given a hidden_data verdict (false alarms).

    .venv/bin/python benchmarks/detect_bench.py [--limit N] [--rates 0.05,0.1,0.2,0.4]
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stegnox_gui.engine import verdict  # noqa: E402
from stegnox_gui.engine.detection.simulate import lsb_match, lsb_replace  # noqa: E402
from stegnox_gui.engine.image_data import load_image  # noqa: E402
from stegnox_gui.engine.method import RunContext  # noqa: E402
from stegnox_gui.engine.stegnox_engine import StegnoxEngine  # noqa: E402

COVERS = ROOT / "benchmarks" / "out" / "covers"
DETECTORS = ["chi_square", "rs_analysis", "sample_pairs", "weighted_stego", "lsb_matching"]
KINDS = {
    "replace_random": lambda a, r, s: lsb_replace(a, r, s),
    "replace_seq": lambda a, r, s: lsb_replace(a, r, s, sequential=True),
    "match_random": lambda a, r, s: lsb_match(a, r, s),
}


def methods():
    return [importlib.import_module(f"stegnox_gui.engine.methods.{m}").METHOD for m in DETECTORS]


def detect(path: Path) -> tuple[verdict.Verdict, dict[str, float | None]]:
    """The fused verdict and each detector's image-level payload estimate (bits per channel value)."""
    image = load_image(path)
    findings = [f for m in methods() if m.applies_to(image) for f in m.run(image, RunContext())]
    findings.sort(key=lambda f: (not f.hidden, -f.confidence))
    estimates = {f.data["detector"]: f.data.get("payload_bpc") for f in findings if verdict.is_detector_finding(f)}
    return verdict.fuse(findings), estimates


# the detector whose payload estimate is reported per embedding kind
ESTIMATOR = {"replace_random": "ws", "replace_seq": "ws", "match_random": "lsbm"}


def auc(pos: list[float], neg: list[float]) -> float:
    """Probability that a stego score exceeds a clean one (ties count half)."""
    p, n = np.asarray(pos)[:, None], np.asarray(neg)[None, :]
    return float(np.mean((p > n) + 0.5 * (p == n)))


def rate_at_fp(pos: list[float], neg: list[float], fp: float) -> float:
    thr = float(np.quantile(neg, 1 - fp, method="higher"))
    return float(np.mean(np.asarray(pos) > thr))


def timing(tmp: Path) -> list[tuple[str, float]]:
    """Seconds per megapixel on a ~4 MP and a ~1 MP natural image (tiled from an eval cover)."""
    src = sorted((COVERS / "eval").glob("*_rgb.png"))[0]
    base = np.asarray(Image.open(src).convert("RGB"))
    rows = []
    for w, h in ((2304, 1728), (1152, 864)):
        reps = (h // base.shape[0] + 1, w // base.shape[1] + 1, 1)
        big = np.ascontiguousarray(np.tile(base, reps)[:h, :w])
        path = tmp / f"timing_{w}x{h}.png"
        Image.fromarray(lsb_replace(big, 0.1, 1)).save(path, compress_level=1)
        image = load_image(path)
        mp = w * h / 1e6
        for m in methods():
            times = []
            for _ in range(3):  # CPU time of this process: the machine is shared, wall time is noisy
                t0 = time.process_time()
                m.run(image, RunContext())
                times.append(time.process_time() - t0)
            rows.append((f"{m.name} {w}x{h}", statistics.median(times) / mp))
        engine = StegnoxEngine()
        t0 = time.process_time()
        engine.extract_all_methods(path)
        rows.append((f"whole engine (all methods, decode) {w}x{h}", (time.process_time() - t0) / mp))
        t0 = time.process_time()
        engine.extract_all_methods(path, methods=DETECTORS)
        rows.append((f"detectors via engine (with decode) {w}x{h}", (time.process_time() - t0) / mp))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="use only the first N eval covers")
    ap.add_argument("--rates", default="0.05,0.1,0.2,0.4")
    ap.add_argument("--no-timing", action="store_true")
    args = ap.parse_args(argv)
    covers = sorted((COVERS / "eval").glob("*.png"))
    if not covers:
        print("No covers: run benchmarks/make_covers.py first", file=sys.stderr)
        return 1
    if args.limit:
        covers = covers[: args.limit]
    rates = [float(r) for r in args.rates.split(",")]
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        if not args.no_timing:
            print("Cost (seconds per megapixel, one core):")
            for name, spm in timing(tmp):
                print(f"  {name:40s} {spm:7.3f} s/MP")
        kinds = {e["file"].split("/")[-1]: e.get("kind") for e in json.loads((COVERS / "manifest.json").read_text())}
        clean_scores, clean_hidden, results, by_kind, estimates = [], [], {}, {}, {}
        for i, cover in enumerate(covers):
            arr = np.asarray(Image.open(cover))
            v, _ = detect(cover)
            clean_scores.append(v.score)
            if v.verdict == "hidden_data":
                clean_hidden.append((cover.name, v.message))
            for kind, fn in KINDS.items():
                for rate in rates:
                    path = tmp / "stego.png"
                    Image.fromarray(fn(arr, rate, 1000 + i)).save(path, compress_level=1)
                    v, est = detect(path)
                    results.setdefault((kind, rate), []).append((v.score, v.verdict == "hidden_data"))
                    if est.get(ESTIMATOR[kind]) is not None:
                        estimates.setdefault((kind, rate), []).append(est[ESTIMATOR[kind]])
                    by_kind.setdefault((kind, rate, kinds.get(cover.name)), []).append(v.verdict == "hidden_data")
        synth = sorted((COVERS / "synth").glob("*.png"))
        synth_hidden = [(p.name, v.message) for p in synth if (v := detect(p)[0]).verdict == "hidden_data"]
    print(f"\nROC on {len(covers)} held-out covers (photos never used for calibration):")
    print(f"  {'embedding':16s} {'rate':>5s} {'AUC':>6s} {'det@1%FP':>9s} {'det@5%FP':>9s} {'hidden_data':>12s}")
    table = []
    for (kind, rate), rows in results.items():
        pos = [s for s, _ in rows]
        row = (kind, rate, auc(pos, clean_scores), rate_at_fp(pos, clean_scores, 0.01),
               rate_at_fp(pos, clean_scores, 0.05), float(np.mean([h for _, h in rows])))
        table.append(row)
        print(f"  {row[0]:16s} {row[1]:5.2f} {row[2]:6.3f} {row[3]:9.1%} {row[4]:9.1%} {row[5]:12.1%}")
    print("\nhidden_data rate by cover kind (rgb = PNG photo, jpeg = JPEG-decoded pixels, gray):")
    for (kind, rate, ck), hits in sorted(by_kind.items(), key=lambda kv: (kv[0][0], kv[0][1], str(kv[0][2]))):
        print(f"  {kind:16s} {rate:5.2f} {str(ck):6s} {np.mean(hits):7.1%}  (n={len(hits)})")
    print("\nPayload estimates (WS for LSB replacement, the LSB-matching regression for LSB matching):")
    print(f"  {'embedding':16s} {'rate':>5s} {'median':>7s} {'MAE':>6s} {'90% abs err':>12s}  (n)")
    for (kind, rate), vals in estimates.items():
        err = np.abs(np.asarray(vals) - rate)
        print(f"  {kind:16s} {rate:5.2f} {np.median(vals):7.3f} {err.mean():6.3f} {np.quantile(err, 0.9):12.3f}  ({len(vals)})")
    print(f"\nFalse alarms (hidden_data): clean covers {len(clean_hidden)}/{len(covers)} "
          f"({len(clean_hidden) / len(covers):.1%}); synthetic {len(synth_hidden)}/{len(synth)}")
    for name, msg in clean_hidden + synth_hidden:
        print(f"  {name}: {msg}")
    out = ROOT / "benchmarks" / "out" / "detect_bench.json"
    out.write_text(json.dumps({"table": table, "clean_false_alarms": clean_hidden, "covers": len(covers)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
