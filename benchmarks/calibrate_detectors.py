"""Measure the LSB detectors on the clean calibration covers (from make_covers.py) and print the
distribution of their image-level estimates: the basis of `engine/detection/calibration.py`.

    .venv/bin/python benchmarks/calibrate_detectors.py [--limit N]
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stegnox_gui.engine import verdict  # noqa: E402
from stegnox_gui.engine.image_data import load_image  # noqa: E402
from stegnox_gui.engine.method import RunContext  # noqa: E402

COVERS = ROOT / "benchmarks" / "out" / "covers"
DETECTORS = {"chi": "chi_square", "rs": "rs_analysis", "spa": "sample_pairs", "ws": "weighted_stego",
             "lsbm": "lsb_matching"}


def estimates(path: Path) -> dict[str, float | None]:
    image = load_image(path)
    out: dict = {}
    findings = []
    for key, mod in DETECTORS.items():
        method = importlib.import_module(f"stegnox_gui.engine.methods.{mod}").METHOD
        if not method.applies_to(image):
            out[key], out[key + "_hidden"] = None, False
            continue
        f = method.run(image, RunContext())[0]
        findings.append(f)
        out[key] = f.data.get("projection" if key == "lsbm" else "payload_bpc")
        out[key + "_hidden"] = f.hidden
    out["verdict"] = verdict.fuse(findings).verdict
    return out


def summary(label: str, rows: list[dict]) -> None:
    print(f"\n{label}: {len(rows)} images")
    for key in ("ws", "rs", "spa", "fused", "lsbm"):
        vals = np.array([r[key] for r in rows if r.get(key) is not None])
        if len(vals):
            print(f"  {key:5s} mean {vals.mean():+.4f} std {vals.std():.4f} p99 {np.percentile(vals, 99):+.4f} "
                  f"p99.9 {np.percentile(vals, 99.9):+.4f} max {vals.max():+.4f}  undecided {len(rows) - len(vals)}")
    for key in DETECTORS:
        print(f"  {key:5s} flagged hidden: {sum(bool(r.get(key + '_hidden')) for r in rows)}")
    for level in ("hidden_data", "suspicious"):
        print(f"  verdict {level}: {sum(r['verdict'] == level for r in rows)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args(argv)
    calib = sorted((COVERS / "calib").glob("*.png"))
    if args.limit:
        calib = calib[: args.limit]
    tmp = ROOT / "benchmarks" / "out" / "calib_small"
    tmp.mkdir(parents=True, exist_ok=True)
    groups: dict[str, list[dict]] = {"calib": [], "calib_128px": [], "synth": []}
    for p in calib:
        groups["calib"].append(estimates(p))
        with Image.open(p) as im:  # a small crop, for the size dependence of the noise
            small = tmp / p.name
            im.crop((0, 0, 128, 128)).save(small)
        groups["calib_128px"].append(estimates(small))
    for p in sorted((COVERS / "synth").glob("*.png")):
        groups["synth"].append(estimates(p))
    for rows in groups.values():
        for r in rows:
            ok = all(r[k] is not None for k in ("ws", "rs", "spa"))
            r["fused"] = min(r["ws"], (r["rs"] + r["spa"]) / 2) if ok else None  # as verdict.py fuses
    for label, rows in groups.items():
        summary(label, rows)
    (ROOT / "benchmarks" / "out" / "calibration.json").write_text(json.dumps(groups))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
