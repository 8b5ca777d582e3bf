"""Rebuild the detection calibration/evaluation covers from Debian's wallpaper photos.

Downloads (with `apt-get download`, no root needed) a few Debian packages of natural photographs, and
writes random crops of them, prescaled with Lanczos by a non-integer factor (so the photos' JPEG block grid
is softened, like real re-saved pictures), as PNG files:

  benchmarks/out/covers/calib/   photos of one half of the photographs (fits the detector thresholds)
  benchmarks/out/covers/eval/    photos of the other half (the benchmark's held-out corpus)
  benchmarks/out/covers/synth/   rendered wallpapers, gradients, flat and screenshot-like images (false alarms)

`training_sources()` lists the images benchmarks/train_lsbm.py draws its crops from: the calib photographs
plus another package's photographs and rendered wallpapers (TRAIN_PACKAGE), never the eval ones.

Variants: RGB, gray (Pillow "L"), and "jpeg" (pixels decoded from a JPEG re-save at quality 70-95, stored as
PNG). Deterministic for a given --seed. `engine/detection/calibration.py` records what was fitted from it.

    .venv/bin/python benchmarks/make_covers.py [--calib 240 --eval 160 --synth 40 --seed 7]
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent / "out"
DEBS = OUT / "debs"
COVERS = OUT / "covers"
PACKAGES = ["lomiri-wallpapers-16.04", "lomiri-wallpapers-20.04", "mate-backgrounds", "ukui-wallpapers"]
# Natural photographs among those packages (the rest is rendered art, used only as synthetic negatives).
PHOTO_WORDS = ["Bridge", "Dragonfly", "Picture_0B", "Picture_1A", "Wine", "aitzgorri", "analogpattern", "free_by",
               "friends", "greentock", "life_by", "picosdeeuropa", "seeding", "sunset", "umang", "Kleiber",
               "/nature/"]
SYNTH_WORDS = ["ukui-wallpapers", "Fossa", "Infinite-Sea", "Painting-Colors", "/abstract/", "Ubuntu-Mate"]
# Used only to train the LSB-matching detector (benchmarks/train_lsbm.py), never in calib or eval: more
# photographs, and rendered wallpapers as clean negatives (one folder per wallpaper, largest image taken).
TRAIN_PACKAGE = "plasma-workspace-wallpapers"
TRAIN_PHOTOS = ["BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow", "FallenLeaf", "Grey",
                "Kite", "MilkyWay", "OneStandsOut", "Path", "Volna", "summer_1am"]
TRAIN_ART = ["Altai", "Autumn", "Canopee", "Cascade", "Cluster", "Elarun", "Flow", "Honeywave", "IceCold", "Kay",
             "Kokkini", "Opal", "PastelHills", "Patak", "SafeLanding", "Shell"]


def fetch_packages(packages: list[str] = PACKAGES) -> list[Path]:
    """Every image file of the wallpaper packages (downloaded and unpacked once)."""
    DEBS.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for pkg in packages:
        if not list(DEBS.glob(f"{pkg}_*.deb")):
            subprocess.run(["apt-get", "download", pkg], cwd=DEBS, check=True, capture_output=True)
        deb = sorted(DEBS.glob(f"{pkg}_*.deb"))[-1]
        dest = DEBS / pkg
        if not dest.exists():
            subprocess.run(["dpkg-deb", "-x", str(deb), str(dest)], check=True)
        files += [p for p in sorted(dest.rglob("*")) if p.suffix.lower() in (".jpg", ".jpeg", ".png")]
    return files


def split_photos(files: list[Path]) -> tuple[list[Path], list[Path]]:
    """The natural photographs among `files`, split by photograph (not by crop) into calib and eval, so the
    evaluation covers come from photos calibration never saw."""
    photos = [p for p in files if any(w in str(p) for w in PHOTO_WORDS)]
    calib = [p for p in photos if int(hashlib.sha256(p.name.encode()).hexdigest(), 16) % 5 < 3]
    return calib, [p for p in photos if p not in calib]


def training_sources() -> list[tuple[str, Path, str]]:
    """(photograph id, image file, "photo" | "art") for training the LSB-matching detector: the calib
    photographs, TRAIN_PHOTOS and TRAIN_ART."""
    calib, _ = split_photos(fetch_packages())
    out = [(p.name, p, "photo") for p in calib]
    root = DEBS / TRAIN_PACKAGE / "usr" / "share" / "wallpapers"
    fetch_packages([TRAIN_PACKAGE])
    for group, names in (("photo", TRAIN_PHOTOS), ("art", TRAIN_ART)):
        for name in names:
            images = list((root / name / "contents" / "images").glob("*"))
            if images:
                out.append((name, max(images, key=lambda p: _pixel_count(p)), group))
    return out


def _pixel_count(path: Path) -> int:
    with Image.open(path) as im:
        return im.width * im.height


def _texture(a: np.ndarray) -> float:
    g = a.astype(np.float32).mean(axis=2) if a.ndim == 3 else a.astype(np.float32)
    return float(np.mean(np.abs(np.diff(g, axis=1))))


def photo_crops(photo: Path, count: int, rng: random.Random, min_texture: float = 1.0) -> list[np.ndarray]:
    """`count` random crops (256-1024 px a side) of the photo prescaled by a random factor in 0.35-0.9;
    crops whose mean neighbour difference is below min_texture (nearly featureless) are skipped."""
    with Image.open(photo) as im:
        im = im.convert("RGB")
        crops = []
        for _ in range(max(1, count // 3)):
            scale = rng.uniform(0.35, 0.9)
            small = im.resize((max(256, round(im.width * scale)), max(256, round(im.height * scale))),
                              Image.Resampling.LANCZOS)
            arr = np.asarray(small)
            tries = 0
            while len(crops) < count and tries < 40:
                tries += 1
                w = min(arr.shape[1], rng.choice([256, 320, 384, 512, 512, 640, 768, 1024]))
                h = min(arr.shape[0], rng.choice([256, 240, 384, 512, 480, 600, 768, 1024]))
                x0 = rng.randrange(0, arr.shape[1] - w + 1)
                y0 = rng.randrange(0, arr.shape[0] - h + 1)
                crop = arr[y0:y0 + h, x0:x0 + w]
                if _texture(crop) < min_texture:
                    continue
                crops.append(np.ascontiguousarray(crop))
                if len(crops) % 3 == 0:
                    break
        return crops


def variant(crop: np.ndarray, kind: str, rng: random.Random) -> Image.Image:
    img = Image.fromarray(crop)
    if kind == "gray":
        return img.convert("L")
    if kind == "jpeg":
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=rng.randint(70, 95))
        buf.seek(0)
        return Image.open(buf).convert("RGB")
    return img


def synthetic(rng: random.Random, art: list[Path], index: int) -> Image.Image:
    """Images that are not photographs: flat, gradients, screenshot-like, rendered art, saturated."""
    w, h = rng.choice([(256, 256), (320, 240), (512, 384), (640, 480)])
    kind = index % 6
    if kind == 0:
        return Image.new("RGB", (w, h), rng.choice(["white", "black", (200, 30, 40)]))
    if kind == 1:
        x = np.linspace(0, 255, w)[None, :] * np.ones((h, 1))
        return Image.fromarray(np.stack([x, x[::-1] * 0.5, np.full_like(x, 90)], -1).astype(np.uint8))
    if kind == 2:  # screenshot-like: flat panels, text, anti-aliased lines
        img = Image.new("RGB", (w, h), (240, 240, 240))
        d = ImageDraw.Draw(img)
        d.rectangle([0, 0, w, 24], fill=(40, 60, 120))
        for y in range(40, h - 10, 16):
            d.text((10, y), "".join(rng.choice("abcdefgh ijklmn") for _ in range(40)), fill=(20, 20, 20))
        d.line([0, h - 1, w - 1, 30], fill=(200, 0, 0), width=2)
        return img
    if kind == 3:  # overexposed photo-like: clipped highlights
        base = rng.choice(art) if art else None
        if base is None:
            return Image.new("L", (w, h), 255)
        with Image.open(base) as im:
            im = im.convert("RGB").resize((w, h), Image.Resampling.LANCZOS)
            a = np.clip(np.asarray(im).astype(np.int32) * 2, 0, 255).astype(np.uint8)
            return Image.fromarray(a)
    base = art[rng.randrange(len(art))]
    with Image.open(base) as im:
        im = im.convert("RGB")
        s = rng.uniform(0.2, 0.6)
        im = im.resize((max(w, round(im.width * s)), max(h, round(im.height * s))), Image.Resampling.LANCZOS)
        x0, y0 = rng.randrange(0, im.width - w + 1), rng.randrange(0, im.height - h + 1)
        return im.crop((x0, y0, x0 + w, y0 + h))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calib", type=int, default=240)
    ap.add_argument("--eval", type=int, default=160)
    ap.add_argument("--synth", type=int, default=36)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    files = fetch_packages()
    calib_photos, eval_photos = split_photos(files)
    art = [p for p in files if any(w in str(p) for w in SYNTH_WORDS) and p not in calib_photos + eval_photos]
    if not calib_photos or not eval_photos:
        print("no photographs found in the packages", file=sys.stderr)
        return 1
    manifest = []
    for split, group, total in (("calib", calib_photos, args.calib), ("eval", eval_photos, args.eval)):
        out = COVERS / split
        out.mkdir(parents=True, exist_ok=True)
        per_photo = max(1, -(-total // len(group)))
        n = 0
        for photo in group:
            for crop in photo_crops(photo, per_photo, rng):
                if n >= total:
                    break
                kind = rng.choices(["rgb", "gray", "jpeg"], weights=[6, 2, 2])[0]
                name = f"{split}_{n:04d}_{kind}.png"
                variant(crop, kind, rng).save(out / name)
                manifest.append({"file": f"{split}/{name}", "split": split, "kind": kind, "photo": photo.name,
                                 "size": [int(crop.shape[1]), int(crop.shape[0])]})
                n += 1
        print(f"{split}: {n} covers from {len(group)} photographs")
    out = COVERS / "synth"
    out.mkdir(parents=True, exist_ok=True)
    for i in range(args.synth):
        name = f"synth_{i:03d}.png"
        synthetic(rng, art, i).save(out / name)
        manifest.append({"file": f"synth/{name}", "split": "synth", "kind": "synthetic"})
    (COVERS / "manifest.json").write_text(json.dumps(manifest, indent=1))
    print(f"synth: {args.synth}; written to {COVERS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
