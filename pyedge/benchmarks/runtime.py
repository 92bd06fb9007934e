"""Runtime benchmarks: per-node overhead, import time, load time/RSS, and one model's latency."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from pyedge.benchmarks.timing import median_time, pinned_threads


def node_overhead(n_nodes: int = 1000, width: int = 8, min_time: float = 0.5) -> dict:
    """Run a chain of ``n_nodes`` tiny ops ([1, width] float32; Relu/Add/Mul cycling).

    Reports the model's time per node and, as the floor, the same NumPy calls made directly
    on preallocated arrays (so ``overhead_us_per_node`` is what the runtime adds).
    """
    from pyedge.runtime import GraphBuilder

    b = GraphBuilder()
    v = b.input("x", "float32", ("N", width))
    one = b.weight("one", np.full(width, 0.5, np.float32))
    for i in range(n_nodes):
        op = ("Relu", "Add", "Mul")[i % 3]
        v = b.node(op, [v] if op == "Relu" else [v, one])
    b.output(v)
    model = b.build()
    x = np.random.default_rng(0).standard_normal((1, width)).astype(np.float32)
    feeds = {"x": x}
    t_model = median_time(lambda: model.run(feeds), min_time)
    bufs = [np.empty((1, width), np.float32) for _ in range(2)]
    c = np.full(width, 0.5, np.float32)

    def direct():
        src = x
        for i in range(n_nodes):
            dst = bufs[i & 1]
            k = i % 3
            if k == 0:
                np.maximum(src, np.float32(0), out=dst)
            elif k == 1:
                np.add(src, c, out=dst)
            else:
                np.multiply(src, c, out=dst)
            src = dst
        return src

    t_np = median_time(direct, min_time)
    return {"nodes": n_nodes, "run_us": t_model * 1e6, "us_per_node": t_model * 1e6 / n_nodes,
            "numpy_us_per_op": t_np * 1e6 / n_nodes,
            "overhead_us_per_node": (t_model - t_np) * 1e6 / n_nodes}


def _import_seconds(module: str) -> float:
    code = (f"import time; t = time.perf_counter(); import {module}; "
            f"print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return float(out.stdout)


def import_time(repeats: int = 9) -> dict:
    """Median in-process time of ``import numpy`` and ``import pyedge.runtime`` (fresh
    interpreters, alternated so both see the same machine load)."""
    t_np, t_rt = [], []
    for _ in range(repeats):
        t_np.append(_import_seconds("numpy"))
        t_rt.append(_import_seconds("pyedge.runtime"))
    np_ms, rt_ms = statistics.median(t_np) * 1e3, statistics.median(t_rt) * 1e3
    return {"numpy_ms": np_ms, "pyedge_runtime_ms": rt_ms, "ratio": rt_ms / np_ms}


_LOAD_PROBE = """
import json, sys, time
def rss():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
import numpy as np, pyedge
before = rss()
t = time.perf_counter()
m = pyedge.load(sys.argv[1], verify=sys.argv[2] == '1')
t_load = time.perf_counter() - t
after = rss()
print(json.dumps({"load_s": t_load, "rss_delta": after - before}))
"""


def load_cost(size_mb: int = 100, repeats: int = 3) -> list[dict]:
    """Load time and RSS increase of a ~``size_mb`` MB .pedge, with and without CRC checks.

    Each load runs in a fresh process (Linux /proc RSS). The file holds one Linear layer
    per 4 MiB weight, so binding cost is included.
    """
    from pyedge.runtime import GraphBuilder

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb in sorted({max(size_mb // 10, 1), size_mb}):
            b = GraphBuilder()
            v = b.input("x", "float32", ("N", 1024))
            for i in range(mb // 4):
                w = np.full((1024, 1024), 1e-3, np.float32)
                v = b.node("Linear", [v, b.weight(f"fc{i}.w", w)], name=f"fc{i}")
            b.output(v)
            path = os.path.join(tmp, f"m{mb}.pedge")
            b.save(path)
            for verify in (True, False):
                runs = []
                for _ in range(repeats):
                    out = subprocess.run([sys.executable, "-c", _LOAD_PROBE, path,
                                          "1" if verify else "0"], capture_output=True,
                                         text=True, check=True)
                    runs.append(json.loads(out.stdout))
                rows.append({"file_mb": os.path.getsize(path) / 2**20, "verify": verify,
                             "load_ms": statistics.median(r["load_s"] for r in runs) * 1e3,
                             "rss_delta_mb": statistics.median(r["rss_delta"]
                                                               for r in runs) / 2**20})
    return rows


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_model(path: str, runs: int = 100, threads: int = 1, batch: int = 1) -> dict:
    """``pyedge bench model.pedge``: load, first run, p50/p90 latency, peak RSS."""
    import pyedge

    with pinned_threads(threads):
        pyedge.set_num_threads(threads)
        t = time.perf_counter()
        model = pyedge.load(path)
        t_load = time.perf_counter() - t
        rng = np.random.default_rng(0)
        feeds = {}
        for v in model.inputs:
            shape = tuple(d if isinstance(d, int) else batch for d in v.shape)
            if v.dtype.kind == "f":
                feeds[v.name] = rng.standard_normal(shape).astype(v.dtype)
            else:
                info = np.iinfo(v.dtype) if v.dtype.kind in "iu" else None
                feeds[v.name] = (rng.integers(info.min, info.max, shape, endpoint=True)
                                 .astype(v.dtype) if info else np.zeros(shape, v.dtype))
        t = time.perf_counter()
        model.run(feeds)
        t_first = time.perf_counter() - t
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            model.run(feeds)
            times.append(time.perf_counter() - t)
        pyedge.set_num_threads(None)
    q = statistics.quantiles(times, n=10) if len(times) > 1 else times * 9
    return {"model": path, "threads": threads, "batch": batch, "load_ms": t_load * 1e3,
            "first_run_ms": t_first * 1e3, "p50_ms": statistics.median(times) * 1e3,
            "p90_ms": q[8] * 1e3, "runs": runs, "peak_rss_mb": _peak_rss_mb(),
            "arena_bytes": model.memory_plan(**{d: batch for v in model.inputs
                                                for d in v.shape if isinstance(d, str)})
            .arena_bytes}


def run(min_time: float = 0.5, size_mb: int = 100) -> dict:
    """All runtime benchmarks (``pyedge bench runtime``)."""
    return {"node_overhead": node_overhead(min_time=min_time), "import": import_time(),
            "load": load_cost(size_mb)}


def format_report(result: dict) -> str:
    """Render :func:`run`'s result as text."""
    o, imp = result["node_overhead"], result["import"]
    lines = [
        f"per-node overhead ({o['nodes']} tiny ops): {o['us_per_node']:.2f} us/node "
        f"(NumPy op alone {o['numpy_us_per_op']:.2f} us, runtime adds "
        f"{o['overhead_us_per_node']:.2f} us; goal <= 10 us/node)",
        f"import: numpy {imp['numpy_ms']:.1f} ms, pyedge.runtime {imp['pyedge_runtime_ms']:.1f} ms"
        f" -> {imp['ratio']:.2f}x (goal <= 1.5x)",
        "load (fresh process each):",
    ]
    for r in result["load"]:
        lines.append(f"  {r['file_mb']:7.1f} MB  verify={str(r['verify']):5}  "
                     f"load {r['load_ms']:8.1f} ms  RSS +{r['rss_delta_mb']:.1f} MB")
    return "\n".join(lines)
