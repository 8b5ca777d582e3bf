"""Train the LSB-matching detector: Fisher linear discriminants (one for colour images, one for gray; features
in engine/detection/lsbm.py), clean crops against the same crops with simulated LSB matching, and write
weights and thresholds to `stegnox_gui/engine/detection/lsbm_model.py`.

Training crops are drawn in memory from make_covers.training_sources(): the calibration photographs plus
photographs and rendered wallpapers that make_covers never puts in its calib or eval splits, so the
benchmark's held-out covers stay unseen. Each crop is an RGB or JPEG-decoded colour image and its gray
conversion (Pillow "L"). Prints a 5-fold cross-validation grouped by photograph (a fold's photographs never
trained its discriminant) with the chosen thresholds.

    .venv/bin/python benchmarks/train_lsbm.py [--crops 90]    (about 4 minutes on 2 cores)
"""
from __future__ import annotations

import argparse
import random
import sys
from multiprocessing import Pool
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import make_covers  # noqa: E402
from stegnox_gui.engine.detection.lsbm import image_features  # noqa: E402
from stegnox_gui.engine.detection.simulate import lsb_match  # noqa: E402

OUT = ROOT / "stegnox_gui" / "engine" / "detection" / "lsbm_model.py"
RATES = (0.1, 0.2, 0.3, 0.4)
# Ridge regularisation (fraction of the mean variance added to the covariance's diagonal); `hidden` is the
# 99.9th percentile of the clean training projections plus MARGIN. Chosen by the cross-validation this
# script prints (2,800 crops per model, 2026-12-04): colour 1.7% of clean crops over the threshold, 99%
# detected at 0.4; gray 0.8% over, 70% at 0.4. On the crops without smooth ones, a wider margin (1.0) gave
# gray 0.5% over but only 62% at 0.4 (against 1.7% and 78% with 0.5).
RIDGE = {"color": 0.001, "gray": 0.001}
# Ridge penalty of the payload regression (on standardised features): chosen on the training crops; the
# benchmark's held-out covers give a mean absolute error of about 0.025 (colour) / 0.035 (gray) at 0.2.
RATE_RIDGE = 0.01
HIDDEN_QUANTILE = 0.999
MARGIN = 0.5
# Smooth crops (sky, fog) are kept, unlike in make_covers' splits: +-1 embedding moves their features far
# from textured photos', and a discriminant that never saw them extrapolates badly.
MIN_TEXTURE = 0.3


def crop_features(source: tuple[str, Path, str, int, int]) -> list[dict]:
    """Clean and stego features of the crops of one photograph, colour and gray."""
    photo, path, group, count, seed = source
    rng = random.Random(seed)
    out = []
    for k, crop in enumerate(make_covers.photo_crops(path, count, rng, min_texture=MIN_TEXTURE)):
        colour = np.asarray(make_covers.variant(crop, rng.choices(["rgb", "jpeg"], [3, 1])[0], rng))
        for j, arr in enumerate((colour, np.asarray(Image.fromarray(colour).convert("L")))):
            rate = rng.choice(RATES)
            clean, stego = image_features(arr), image_features(lsb_match(arr, rate, seed=seed * 1000 + 2 * k + j))
            if clean is not None and stego is not None:
                out.append({"photo": photo, "group": group, "kind": clean[0], "rate": rate,
                            "clean": clean[1], "stego": stego[1]})
    return out


def fld(c: np.ndarray, s: np.ndarray, ridge: float) -> tuple[np.ndarray, np.ndarray]:
    """(mean, weights) of the discriminant, scaled so clean projections have mean 0 and deviation 1."""
    mid = (c.mean(0) + s.mean(0)) / 2
    cov = np.cov(c.T) + np.cov(s.T)
    cov += np.eye(len(cov)) * ridge * np.trace(cov) / len(cov)
    w = np.linalg.solve(cov, s.mean(0) - c.mean(0))
    pc = (c - mid) @ w
    w = w / float(np.std(pc))
    # fold the clean mean into the offset: (x - mean) @ w has mean 0 on the clean crops
    return mid + float(np.mean(pc)) / float(np.std(pc)) * w / float(w @ w), w


def rate_regression(c: np.ndarray, s: np.ndarray, rates: np.ndarray) -> tuple[np.ndarray, float]:
    """(weights, offset) of a ridge regression of the embedding rate on the features (clean crops = 0):
    a payload estimate far closer than a linear map of the discriminant, which saturates at high rates."""
    x, y = np.vstack([c, s]), np.concatenate([np.zeros(len(c)), rates])
    mu, sd = x.mean(0), x.std(0)
    sd = np.where(sd > 1e-12, sd, 1.0)
    z = (x - mu) / sd
    w = np.linalg.solve(z.T @ z / len(z) + RATE_RIDGE * np.eye(z.shape[1]), z.T @ (y - y.mean()) / len(z))
    return w / sd, float(y.mean() - mu @ (w / sd))


def thresholds(clean_proj: np.ndarray) -> tuple[float, float]:
    return float(np.quantile(clean_proj, HIDDEN_QUANTILE)) + MARGIN, float(np.quantile(clean_proj, 0.99))


def cross_validate(rows: list[dict], kind: str, folds: int = 5) -> None:
    photos = sorted({r["photo"] for r in rows})
    random.Random(0).shuffle(photos)
    over = total = 0
    hits = {r: [0, 0] for r in RATES}
    for k in range(folds):
        test_photos = set(photos[k::folds])
        train = [r for r in rows if r["photo"] not in test_photos]
        test = [r for r in rows if r["photo"] in test_photos and r["group"] == "photo"]
        clean = np.array([r["clean"] for r in train])
        mean, w = fld(clean, np.array([r["stego"] for r in train]), RIDGE[kind])
        hidden, _ = thresholds((clean - mean) @ w)
        for r in test:
            over += int((r["clean"] - mean) @ w > hidden)
            total += 1
            hits[r["rate"]][0] += int((r["stego"] - mean) @ w > hidden)
            hits[r["rate"]][1] += 1
    rates = ", ".join(f"{r}: {h / max(1, n):.0%}" for r, (h, n) in hits.items())
    print(f"  {folds}-fold CV by photograph: clean over hidden {over}/{total} ({over / max(1, total):.1%}); "
          f"detected at {rates}")


def train(rows: list[dict], kind: str) -> dict:
    c, s = np.array([r["clean"] for r in rows]), np.array([r["stego"] for r in rows])
    rates = np.array([r["rate"] for r in rows])
    mean, w = fld(c, s, RIDGE[kind])
    pc, ps = (c - mean) @ w, (s - mean) @ w
    hidden, suspicious = thresholds(pc)
    print(f"{kind}: {len(c)} clean crops of {len({r['photo'] for r in rows})} images, {c.shape[1]} features; "
          f"max {pc.max():.2f}, hidden threshold {hidden:.2f}, suspicious {suspicious:.2f}")
    for r in RATES:
        print(f"  training rate {r}: {np.mean(ps[rates == r] > hidden):.0%} over hidden")
    cross_validate(rows, kind)
    rate_w, rate_offset = rate_regression(c, s, rates)
    return {"mean": [_digits(x) for x in mean], "weights": [_digits(x) for x in w],
            "hidden": round(hidden, 4), "suspicious": round(suspicious, 4),
            "rate_weights": [_digits(x) for x in rate_w], "rate_offset": _digits(rate_offset)}


def _digits(x: float) -> float:
    return float(f"{float(x):.7g}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--crops", type=int, default=90, help="crops per photograph (a third for rendered art)")
    args = ap.parse_args(argv)
    sources = [(photo, path, group, args.crops if group == "photo" else args.crops // 3, 2000 + i)
               for i, (photo, path, group) in enumerate(make_covers.training_sources())]
    with Pool(2) as pool:
        rows = [r for batch in pool.imap(crop_features, sources) for r in batch]
    models = {kind: train([r for r in rows if r["kind"] == kind], kind) for kind in ("color", "gray")}
    OUT.write_text(
        '"""LSB-matching detector models, written by benchmarks/train_lsbm.py (do not edit by hand).\n\n'
        "Fisher linear discriminants (features in lsbm.py), trained on clean crops of photographs and rendered\n"
        "wallpapers (make_covers.training_sources(), never the benchmark's eval split) against the same crops\n"
        f"with simulated LSB matching at {', '.join(map(str, RATES))} bits per value. Projections are scaled to\n"
        "mean 0, standard deviation 1 on the clean crops; `hidden` is their 99.9th percentile plus "
        f"{MARGIN},\n`suspicious` their 99th percentile; rate_weights and rate_offset estimate the rate "
        "(ridge regression).\n"
        '"""\n'
        f"MODELS = {models!r}\n")
    print(f"written {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
