"""``pyedge demo``: the shipped Fashion-MNIST model on its test slice, as one table row per
encoding (float32 for now), then the kernel self-check and a short kernel benchmark."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

COLUMNS = ("encoding", "bytes", "size ratio", "accuracy", "delta", "p50 batch 1",
           "p50 batch 100", "speed ratio", "threads")


def evaluate(model, x: np.ndarray, labels: np.ndarray, batch: int = 100) -> tuple[float, list]:
    """(top-1 accuracy, seconds per batch) of ``model`` over ``x`` in batches of ``batch``."""
    hits, times = 0, []
    for s in range(0, len(x), batch):
        t0 = time.perf_counter()
        logits = model(x[s:s + batch])
        times.append(time.perf_counter() - t0)
        hits += int((logits.argmax(1) == labels[s:s + batch]).sum())
    return hits / len(x), times


def latency_batch1(model, x: np.ndarray, runs: int = 200, warmup: int = 10) -> float:
    """Median seconds of one single-image run over ``runs`` images of ``x``."""
    times = []
    for i in range(warmup + runs):
        xi = x[i % len(x)][None]  # [1, 1, 28, 28]
        t0 = time.perf_counter()
        model(xi)
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    return float(np.median(times))


def measure(path: str | Path, x: np.ndarray, labels: np.ndarray) -> dict:
    """One table row: file size, accuracy on (x, labels), p50 latencies, threads."""
    import pyedge

    model = pyedge.load(path)
    model(x[:100])  # plans and binds the batch-100 frame before timing
    acc, times = evaluate(model, x, labels)
    return {"bytes": Path(path).stat().st_size, "accuracy": acc,
            "p50_batch1_s": latency_batch1(model, x),
            "p50_batch100_s": float(np.median(times)), "threads": pyedge.get_num_threads()}


def format_rows(rows: list[dict], base: dict) -> str:
    """The demo table; ratios and deltas are relative to ``base`` (the float32 row)."""
    lines = [" | ".join(COLUMNS), " | ".join("---" for _ in COLUMNS)]
    for r in rows:
        lines.append(" | ".join((
            r["encoding"], str(r["bytes"]), f"{base['bytes'] / r['bytes']:.2f}x",
            f"{100 * r['accuracy']:.2f} %",
            f"{100 * (r['accuracy'] - base['accuracy']):+.2f} pt",
            f"{1e3 * r['p50_batch1_s']:.3f} ms", f"{1e3 * r['p50_batch100_s']:.2f} ms",
            f"{base['p50_batch100_s'] / r['p50_batch100_s']:.2f}x", str(r["threads"]))))
    return "\n".join(lines)


def selfcheck_line() -> tuple[bool, str]:
    """Every native and NumPy kernel against its oracle, summarised in one line."""
    from pyedge.kernels import registry
    from pyedge.selfcheck import CHECKS

    rng = np.random.default_rng(0)
    failed, n = [], 0
    for family, check in CHECKS.items():
        for k in registry.kernels(family, ("native", "numpy")):
            n += 1
            if not check(k.name, rng):
                failed.append(k.name)
    line = (f"kernel self-check: {n - len(failed)}/{n} kernels bit-exact/within tolerance "
            f"of their oracles")
    return not failed, line + (f"; FAILED: {', '.join(failed)}" if failed else "")


def run(threads: int = 1) -> int:
    """Print the demo (model timings with ``threads`` threads, kernel benchmark with one);
    0 when the model ran and every kernel passed its self-check."""
    import pyedge
    from pyedge.benchmarks import kernels as bench
    from pyedge.demo_data import MODEL, MODEL_INFO, TEST_SLICE, load_images

    t0 = time.perf_counter()
    x, labels = load_images(TEST_SLICE)
    recorded = json.loads(MODEL_INFO.read_text())["float_accuracy"]
    before = pyedge.get_num_threads()
    pyedge.set_num_threads(threads)
    try:
        row = {"encoding": "float32", **measure(MODEL, x, labels)}
    finally:
        pyedge.set_num_threads(before)
    print(f"Fashion-MNIST depthwise-separable CNN ({MODEL.name}) on {len(x):,} test images "
          f"(float32 accuracy on all 10,000: {100 * recorded['test10k_pyedge']:.2f} %)")
    print()
    print(format_rows([row], row))
    print()
    ok, line = selfcheck_line()
    print(line)
    print()
    print(bench.format_table(bench.run(("gemm",), threads=1, min_time=0.05)))
    print(f"\ndemo finished in {time.perf_counter() - t0:.1f} s")
    return 0 if ok else 1
