"""``pyedge demo``: compress the shipped Fashion-MNIST model with several recipes, run each on
the 2,000-image test slice, print one table row per encoding, write the reports and a
size-accuracy plot, then run the kernel self-check."""

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


# (row label, recipe) compressed by the demo; "auto 10x": mixed precision under a 10x budget
RECIPES = (("int8", "int8"), ("w4 gptq", "w4-gptq"), ("nu4", "nu4"),
           ("sparse50-int8", "sparse50-int8"),
           ("auto 10x", {"preset": "auto", "budget": {"size": 0.1}, "max_drop": 0.01}))
CALIB_IMAGES = 256  # calibration images used by the demo (of the 1,000 shipped)
HOLDOUT = 250  # further calibration images auto's search measures accuracy on


def compress_all(report_dir: Path, calib: np.ndarray, holdout: tuple, recipes=RECIPES, *,
                 progress: bool = True) -> list[tuple[str, Path, object]]:
    """Compress the demo model with each recipe; save model and report under report_dir.

    ``holdout`` (images, labels), disjoint from ``calib`` and from the test slice, is what
    the auto search measures accuracy on (its ``max_drop`` guard)."""
    import pyedge
    from pyedge.compress.api import accuracy_metric
    from pyedge.demo_data import MODEL

    done = []
    for label, recipe in recipes:
        stem = label.replace(" ", "_")
        auto = isinstance(recipe, dict) and recipe.get("preset") == "auto"
        model, report = pyedge.compress(
            MODEL, recipe, calib=calib, progress=progress,
            evaluate=accuracy_metric({"input": holdout[0]}, holdout[1]) if auto else None)
        path = report_dir / f"{stem}.pedge"
        model.save(path)
        report.save(report_dir, stem, plot=auto)  # one plot for the rest: demo_pareto.png
        done.append((label, path, report))
    return done


def write_summary(report_dir: Path, rows: list[dict], base: dict) -> list[Path]:
    """demo.md (the table) and demo_pareto.png (size vs accuracy of every row)."""
    from pyedge.compress.report import mark_front, plot_pareto

    md = report_dir / "demo.md"
    md.write_text("# pyedge demo\n\n" + format_rows(rows, base) + "\n")
    points = mark_front([{"label": r["encoding"], "bytes": r["bytes"],
                          "metric": r["accuracy"]} for r in rows])
    png = plot_pareto(points, report_dir / "demo_pareto.png")
    return [md] + ([png] if png else [])


def run(threads: int = 1, report_dir: str | Path = "pyedge-demo-report",
        progress: bool = True) -> int:
    """Print the demo (model timings with ``threads`` threads); write the reports into
    ``report_dir``; 0 when every model ran and every kernel passed its self-check."""
    import pyedge
    from pyedge.demo_data import CALIBRATION, MODEL, MODEL_INFO, TEST_SLICE, load_images

    t0 = time.perf_counter()
    x, labels = load_images(TEST_SLICE)
    calib, calib_labels = load_images(CALIBRATION)
    recorded = json.loads(MODEL_INFO.read_text())["float_accuracy"]
    out_dir = Path(report_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    holdout = (calib[CALIB_IMAGES:CALIB_IMAGES + HOLDOUT],
               calib_labels[CALIB_IMAGES:CALIB_IMAGES + HOLDOUT])
    done = compress_all(out_dir, calib[:CALIB_IMAGES], holdout, progress=progress)
    before = pyedge.get_num_threads()
    pyedge.set_num_threads(threads)
    try:
        rows = [{"encoding": "float32", **measure(MODEL, x, labels)}]
        for label, path, _ in done:
            rows.append({"encoding": label, **measure(path, x, labels)})
    finally:
        pyedge.set_num_threads(before)
    print(f"Fashion-MNIST depthwise-separable CNN ({MODEL.name}) on {len(x):,} test images "
          f"(float32 accuracy on all 10,000: {100 * recorded['test10k_pyedge']:.2f} %)")
    print()
    print(format_rows(rows, rows[0]))
    print()
    for label, _, report in done:
        if report.totals.get("budget_note"):
            print(f"{label}: {report.totals['budget_note']}")
        kept = report.kept()
        if kept:
            print(f"{label}: " + "; ".join(f"{r['name']} {r['encoding']} ({r['reason']})"
                                           for r in kept[:2])
                  + (f"; +{len(kept) - 2} more" if len(kept) > 2 else ""))
    written = write_summary(out_dir, rows, rows[0])
    print(f"\nreports, models and plot: {out_dir}/ ({', '.join(p.name for p in written)}, "
          f"<recipe>.md/.json/.pedge)")
    ok, line = selfcheck_line()
    print(line)
    print("kernel benchmarks: pyedge bench kernels")
    print(f"\ndemo finished in {time.perf_counter() - t0:.1f} s")
    return 0 if ok else 1
