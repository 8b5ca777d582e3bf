"""Engine benchmark: StegnoxEngine.extract_all_methods on generated 1, 4, 12 and 24 megapixel PNG and
JPEG images, beside a plain Pillow decode of the same files (the baseline, measured in the same run).

Each measurement runs in its own subprocess pinned to one thread (OMP/BLAS threads = 1), so peak
memory (VmHWM) belongs to that case alone; the interpreter's footprint after imports is measured
first and subtracted ("+MB"), and compared with the decoded RGB image ("x img"). Prints seconds, megapixels per second, analysis/decode ratio, peak memory
against the decoded image size, and every method's seconds so slow methods are visible.

Run: `python benchmarks/engine_bench.py` (`--sizes 1 4` for a quicker run, `--keep DIR` to reuse the
generated images between runs).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AIM_SECONDS_12MP = 1.5
AIM_RATIO = 4.0
AIM_MEMORY = 10.0

CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[1])
mode, path = sys.argv[2], sys.argv[3]
from PIL import Image
import numpy as np
Image.MAX_IMAGE_PIXELS = None
if mode == "engine":
    from stegnox_gui.engine.stegnox_engine import StegnoxEngine
    engine = StegnoxEngine(pixel_limit=200_000_000)
    engine.methods  # import every method before measuring
    import stegnox_gui.engine.methods as registry
def status(field):
    # VmHWM/VmRSS belong to this program's address space (ru_maxrss would include the parent's, inherited
    # through fork); writing 5 to clear_refs resets the high-water mark to the current size.
    try:
        for line in open("/proc/self/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
except OSError:
    pass
base = status("VmRSS")
t0 = time.perf_counter()
if mode == "decode":
    with Image.open(path) as im:
        im.load()
        arr = np.asarray(im)
    extra = {}
else:
    result = engine.extract_all_methods(path)
    extra = {"methods": {n: m["seconds"] for n, m in result["methods"].items()},
             "errors": {n: m["error"] for n, m in result["methods"].items() if m["status"] == "error"},
             "verdict": result["verdict"]}
seconds = time.perf_counter() - t0
peak = status("VmHWM")
print(json.dumps({"seconds": seconds, "peak_kb": peak, "base_kb": base, **extra}))
"""


def make_image(path: Path, megapixels: float, fmt: str) -> tuple[int, int]:
    """A photo-like image: smooth multi-scale structure, gradients and sensor noise, written once."""
    import numpy as np
    from PIL import Image

    width = int((megapixels * 1e6 * 4 / 3) ** 0.5) // 8 * 8
    height = int(megapixels * 1e6 / width) // 8 * 8
    if path.exists():
        return width, height
    rng = np.random.default_rng(int(megapixels * 10))
    small = rng.normal(128, 45, size=(max(8, height // 32), max(8, width // 32), 3)).clip(0, 255).astype(np.uint8)
    img = Image.fromarray(small).resize((width, height), Image.BICUBIC)
    arr = np.asarray(img).astype(np.int16)
    arr += rng.integers(-3, 4, size=arr.shape, dtype=np.int16)
    out = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    if fmt == "PNG":
        out.save(path, "PNG")
    else:
        out.save(path, "JPEG", quality=90)
    return width, height


def run_child(mode: str, path: Path) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               NUMEXPR_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), mode, str(path)], capture_output=True,
                          text=True, env=env, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} {path.name} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 4, 12, 24], help="megapixels")
    parser.add_argument("--formats", nargs="+", default=["PNG", "JPEG"])
    parser.add_argument("--keep", type=Path, help="folder for the generated images (reused when present)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="stegnox-bench-"))
    folder.mkdir(parents=True, exist_ok=True)

    print(f"{'case':<12}{'WxH':>12}{'decode s':>10}{'MP/s':>8}{'engine s':>10}{'MP/s':>8}{'ratio':>7}"
          f"{'peak MB':>9}{'+MB':>8}{'x img':>7}  verdict")
    rows = []
    for fmt in args.formats:
        for mp in args.sizes:
            path = folder / f"bench_{mp:g}mp.{'png' if fmt == 'PNG' else 'jpg'}"
            w, h = make_image(path, mp, fmt)
            decode = run_child("decode", path)
            engine = run_child("engine", path)
            real_mp = w * h / 1e6
            decoded_mb = w * h * 3 / 1e6
            extra_mb = (engine["peak_kb"] - engine["base_kb"]) / 1024
            ratio = engine["seconds"] / decode["seconds"]
            print(f"{fmt + ' ' + format(mp, 'g') + 'MP':<12}{f'{w}x{h}':>12}{decode['seconds']:>10.3f}"
                  f"{real_mp / decode['seconds']:>8.1f}{engine['seconds']:>10.3f}{real_mp / engine['seconds']:>8.1f}"
                  f"{ratio:>7.2f}{engine['peak_kb'] / 1024:>9.0f}{extra_mb:>8.0f}{extra_mb / decoded_mb:>7.2f}"
                  f"  {engine['verdict']}")
            rows.append((fmt, mp, engine))
            if engine["errors"]:
                print(f"    method errors: {engine['errors']}")
    print("\nPer-method seconds (slowest first):")
    for fmt, mp, engine in rows:
        ranked = sorted(engine["methods"].items(), key=lambda kv: -kv[1])
        shown = ", ".join(f"{n} {s:.3f}" for n, s in ranked if s >= 0.005)
        print(f"  {fmt} {mp:g}MP: {shown}")
    twelve = [e for f, mp, e in rows if f == "PNG" and mp == 12]
    if twelve:
        print(f"\nAim for a 12 MP PNG: <= {AIM_SECONDS_12MP} s, <= {AIM_RATIO}x decode, memory <= {AIM_MEMORY}x "
              f"the decoded image (see the PNG 12MP row).")
    print(f"(images in {folder})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
