"""Measure the compression goals of issue 6 on the demo model's FULL 10,000-image test set.

Development-time tool (needs the Fashion-MNIST IDX files of Debian's dataset-fashion-mnist
in /usr/share/datasets/fashion-mnist). For each recipe: compress the shipped model with the
1,000 shipped calibration images (seed 0), then measure file bytes, size ratio vs the float
file, top-1 accuracy on all 10,000 test images, accuracy delta, and p50 latency of a
batch-100 run (single thread, all recipes timed back to back in one process). Also reports
nu4's per-layer weight MSE ratio vs the best uniform 4-bit quantizer with optimal clipping.

    python tools/measure_compression.py [--recipes int8 w4-gptq ...] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

RECIPES = {"int8": "int8", "w4": "w4", "w4-gptq": "w4-gptq", "nu4": "nu4",
           "nu4-kmeans": {"preset": "nu4", "options": {"method": "kmeans"}},
           "sparse50-int8": "sparse50-int8",
           "auto-10x": {"preset": "auto", "budget": {"size": 0.1}},
           "auto-10x-maxdrop1": {"preset": "auto", "budget": {"size": 0.1}, "max_drop": 0.01}}


def p50_batch100(models: list, x: np.ndarray, rounds: int = 5) -> list[float]:
    """Median seconds of a batch-100 run of each model, all timed interleaved (model after
    model on the same batch, ``rounds`` passes over 2,000 images) so load on a shared
    machine hits every model alike."""
    times = [[] for _ in models]
    for _ in range(rounds):
        for s in range(0, 2000, 100):
            for i, m in enumerate(models):
                t0 = time.perf_counter()
                m(x[s:s + 100])
                times[i].append(time.perf_counter() - t0)
    return [float(np.median(t)) for t in times]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--recipes", nargs="*", default=list(RECIPES), choices=list(RECIPES))
    p.add_argument("--json", help="also write the rows to this file")
    args = p.parse_args(argv)

    from train_demo_model import load_split, to_input

    import pyedge
    from pyedge.compress.api import accuracy_metric
    from pyedge.demo_data import CALIBRATION, MODEL, load_images

    pyedge.set_num_threads(1)
    images, labels = load_split("t10k")
    x, y = to_input(images), labels.astype(np.int64)
    calib, calib_y = load_images(CALIBRATION)
    test10k = accuracy_metric({"input": x}, y)
    base = pyedge.load(MODEL)
    base_acc = test10k(base)
    base_bytes = MODEL.stat().st_size
    rows = [{"recipe": "float32", "bytes": base_bytes, "ratio": 1.0, "accuracy": base_acc,
             "delta_pt": 0.0}]
    models = [base]
    holdout = accuracy_metric({"input": calib[500:]}, calib_y[500:])
    for name in args.recipes:
        t0 = time.perf_counter()
        model, report = pyedge.compress(MODEL, RECIPES[name], calib=calib[:500],
                                        evaluate=holdout if name.startswith("auto") else None,
                                        progress=False, measure=False)
        seconds = time.perf_counter() - t0
        path = Path("/tmp") / f"measure_{name}.pedge"
        model.save(path)
        loaded = pyedge.load(path)
        acc = test10k(loaded)
        row = {"recipe": name, "bytes": path.stat().st_size,
               "ratio": base_bytes / path.stat().st_size, "accuracy": acc,
               "delta_pt": 100 * (acc - base_acc), "compress_s": seconds,
               "encodings": {r["name"]: r["encoding"] for r in report.layers}}
        ratios = {r["name"]: r["info"]["mse_ratio"] for r in report.layers
                  if "mse_ratio" in r["info"]}
        if ratios:
            row["nu_mse_ratio"] = ratios
        rows.append(row)
        models.append(loaded)
        print(f"{name}: done in {seconds:.1f} s", file=sys.stderr)
    for r, t in zip(rows, p50_batch100(models, x), strict=True):
        r["p50_batch100_s"] = t
    f32 = rows[0]["p50_batch100_s"]
    print("| recipe | bytes | size ratio | accuracy (10k) | delta | p50 batch 100 | speed vs "
          "float |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['recipe']} | {r['bytes']:,} | {r['ratio']:.2f}x | "
              f"{100 * r['accuracy']:.2f} % | {r['delta_pt']:+.2f} pt | "
              f"{1e3 * r['p50_batch100_s']:.2f} ms | {f32 / r['p50_batch100_s']:.2f}x |")
    for r in rows:
        if "nu_mse_ratio" in r:
            worst = max(r["nu_mse_ratio"].values())
            print(f"{r['recipe']}: weight MSE / best uniform MSE (same bits, optimal clip): "
                  + ", ".join(f"{k} {v:.3f}" for k, v in r["nu_mse_ratio"].items())
                  + f" (worst {worst:.3f})")
        if "encodings" in r:
            print(f"{r['recipe']}: " + ", ".join(f"{k}={v}" for k, v in r["encodings"].items()))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
