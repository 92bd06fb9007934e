"""Median wall-clock timing and BLAS/OpenMP thread pinning for benchmarks."""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable


def median_time(fn: Callable[[], object], min_time: float = 0.2, min_runs: int = 5,
                max_runs: int = 1000) -> float:
    """Median seconds per call of ``fn`` after one warm-up call."""
    fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < max_runs and (len(times) < min_runs
                                     or time.perf_counter() - start < min_time):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


@contextlib.contextmanager
def pinned_threads(n: int):
    """Limit BLAS/OpenMP pools to ``n`` threads (threadpoolctl, when installed)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield False
        return
    with threadpool_limits(limits=n):
        yield True


def blas_kernel() -> str:
    """Which BLAS (and its core type) NumPy's float matmul ran on, for the report."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl not installed)"
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return f"{pool.get('internal_api')} {pool.get('version')} ({pool.get('architecture')})"
    return "unknown"


def interleaved_medians(fns: list[Callable[[], object]], min_time: float = 0.2,
                        min_runs: int = 5, max_runs: int = 1000) -> list[float]:
    """Median seconds per call of each of ``fns``, called round-robin (one warm-up each).

    Interleaving keeps the comparison fair on a shared machine whose load drifts: every
    implementation is timed under the same conditions.
    """
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    start = time.perf_counter()
    runs = 0
    while runs < max_runs and (runs < min_runs
                               or time.perf_counter() - start < min_time * len(fns)):
        for fn, ts in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        runs += 1
    return [statistics.median(ts) for ts in times]
