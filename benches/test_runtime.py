"""Runtime speed goals (pytest-benchmark; run: python -m pytest benches/test_runtime.py
--benchmark-enable): per-node overhead on 1000 tiny ops, import time vs NumPy, load cost."""

from pyedge.benchmarks import runtime


def test_per_node_overhead(benchmark):
    result = benchmark.pedantic(runtime.node_overhead, kwargs={"min_time": 0.5}, rounds=1)
    print(f"\n{result['us_per_node']:.2f} us/node (goal <= 10), NumPy op alone "
          f"{result['numpy_us_per_op']:.2f} us")


def test_import_time_vs_numpy(benchmark):
    result = benchmark.pedantic(runtime.import_time, rounds=1)
    print(f"\nimport pyedge.runtime / import numpy = {result['ratio']:.2f}x (goal <= 1.5x)")


def test_load_cost_100mb(benchmark):
    rows = benchmark.pedantic(runtime.load_cost, kwargs={"size_mb": 100}, rounds=1)
    for r in rows:
        print(f"\n{r['file_mb']:.0f} MB verify={r['verify']}: {r['load_ms']:.1f} ms, "
              f"RSS +{r['rss_delta_mb']:.1f} MB")
