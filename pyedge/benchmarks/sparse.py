"""``pyedge bench sparse``: CSR/BSR spmm vs NumPy float32 dense and scipy.sparse, break-even.

Every comparison is timed interleaved (dense, pyedge, scipy, dense, ...) in one thread; times
are medians and ratios are medians of the per-round ratios, so a round in which another process
took the core is an outlier rather than a bias.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

from pyedge import config
from pyedge.benchmarks.shapes import load_shapes
from pyedge.benchmarks.timing import blas_kernel, pinned_threads
from pyedge.kernels import pack_qc8w, qgemm, qspmm, registry, spmm
from pyedge.kernels.qsparse import family_of as qfamily_of
from pyedge.kernels.sparse import family_of
from pyedge.tensors import BSR, CSR

SPARSITIES = (0.5, 0.7, 0.8, 0.9, 0.95)
BLOCK_SPARSITIES = (0.8, 0.9)
BLOCKS = ((1, 4), (4, 1), (4, 4), (8, 1), (16, 1))
INT8_SPARSITIES = (0.5, 0.7, 0.9)
INT8_BREAK_EVEN_GRID = (0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
BREAK_EVEN_GRID = (0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def interleaved(fns: list[Callable[[], object]], min_time: float = 0.2, min_runs: int = 7,
                max_runs: int = 500) -> list[list[float]]:
    """Seconds per call of each of ``fns``, called in turn round after round (one warm-up)."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    start = time.perf_counter()
    while len(times[0]) < max_runs and (len(times[0]) < min_runs
                                        or time.perf_counter() - start < min_time):
        for fn, ts in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return times


def median_ratio(base: list[float], other: list[float]) -> float:
    """Median over rounds of ``base / other``: a round hit by another process is an outlier."""
    return statistics.median(b / o for b, o in zip(base, other, strict=True))


def _scipy_csr(dense: np.ndarray):
    try:
        import scipy.sparse as sp
    except ImportError:
        return None
    return sp.csr_matrix(dense)


def _encode(w: np.ndarray, block: tuple[int, int], sparsity: float, rng) -> CSR | BSR:
    r, c = block
    keep = rng.random((w.shape[0] // r, w.shape[1] // c)) >= sparsity  # per block
    return CSR.from_dense(w, keep) if block == (1, 1) else BSR.from_dense(w, block, keep)


def bench_case(shape: str, n: int, k: int, b: int, block: tuple[int, int], sparsity: float,
               threads: int, min_time: float, rng, with_scipy: bool = True) -> dict:
    """Time one encoded matrix against dense float32 matmul (and scipy CSR) in one window."""
    w = rng.standard_normal((n, k)).astype(np.float32)
    x = rng.standard_normal((k, b)).astype(np.float32)
    enc = _encode(w, block, sparsity, rng)
    dense = enc.to_dense()
    out_d = np.empty((n, b), np.float32)
    out_s = np.empty((n, b), np.float32)
    fns = [lambda: np.matmul(dense, x, out=out_d),
           lambda: spmm(enc, x, out=out_s, num_threads=threads)]
    sp = _scipy_csr(dense) if with_scipy else None
    if sp is not None:
        fns.append(lambda: sp @ x)
    times = interleaved(fns, min_time)
    med = [statistics.median(t) for t in times]
    kern = registry.select(family_of(enc.block))
    kind = "csr" if block == (1, 1) else f"bsr{block[0]}x{block[1]}"
    row = {"shape": shape, "N": n, "K": k, "B": b, "kind": kind, "sparsity": sparsity,
           "density": enc.density, "kernel": kern.name, "time_us": med[1] * 1e6,
           "dense_us": med[0] * 1e6, "vs_dense_f32": median_ratio(times[0], times[1]),
           "vs_dense_best": min(times[0]) / min(times[1]),
           "nbytes_ratio": (n * k * 4) / enc.nbytes}
    if sp is not None:
        row.update(scipy_us=med[2] * 1e6, vs_scipy=median_ratio(times[2], times[1]))
    return row


def bench_int8_case(shape: str, n: int, k: int, b: int, block: tuple[int, int],
                    sparsity: float, threads: int, min_time: float, rng) -> list[dict]:
    """Int8 values: float activations (vs dense f32) and uint8 activations (vs dense qgemm)."""
    w = rng.standard_normal((n, k)).astype(np.float32)
    r, c = block
    keep = rng.random((n // r, k // c)) >= sparsity
    enc = (CSR.from_dense(w, keep, np.int8) if block == (1, 1)
           else BSR.from_dense(w, block, keep, np.int8))
    dense = enc.to_dense()
    x = rng.standard_normal((k, b)).astype(np.float32)
    xq = rng.integers(0, 256, (k, b), dtype=np.uint8)
    xq_t = np.ascontiguousarray(xq.T)  # qgemm wants activations [B, K]
    wq = np.zeros((n, k), np.int8)
    brow = np.repeat(np.arange(n // r), np.diff(enc.indptr.astype(np.int64)))
    wq.reshape(n // r, r, k // c, c)[brow, :, enc.indices.astype(np.int64), :] = \
        enc.values.reshape(-1, r, c)
    packed = pack_qc8w(wq)
    out_f = np.empty((n, b), np.float32)
    out_q = np.empty((n, b), np.int32)
    out_g = np.empty((b, n), np.int32)
    times = interleaved([lambda: np.matmul(dense, x, out=out_f),
                         lambda: spmm(enc, x, out=out_f, num_threads=threads),
                         lambda: qgemm(xq_t, 128, packed, out=out_g, num_threads=threads),
                         lambda: qspmm(enc, xq, 128, out=out_q, num_threads=threads)], min_time)
    med = [statistics.median(t) for t in times]
    kind = "csr" if block == (1, 1) else f"bsr{r}x{c}"
    base = {"shape": shape, "N": n, "K": k, "B": b, "sparsity": sparsity,
            "density": enc.density, "nbytes_ratio": (n * k * 4) / enc.nbytes}
    return [dict(base, kind=f"{kind}-qc8w", kernel=registry.select(family_of(block, np.int8)).name,
                 time_us=med[1] * 1e6, dense_us=med[0] * 1e6, baseline="dense f32",
                 vs_dense_f32=median_ratio(times[0], times[1]),
                 vs_dense_best=min(times[0]) / min(times[1])),
            dict(base, kind=f"{kind}-qs8", kernel=registry.select(qfamily_of(block)).name,
                 time_us=med[3] * 1e6, dense_us=med[2] * 1e6, baseline="dense qgemm",
                 vs_dense_f32=median_ratio(times[2], times[3]),
                 vs_dense_best=min(times[2]) / min(times[3]))]


def break_even_int8(shape: str, n: int, k: int, b: int, threads: int, min_time: float,
                    rng) -> float | None:
    """Lowest grid sparsity from which CSR qspmm beats dense qgemm (interpolated)."""
    ratios = [bench_int8_case(shape, n, k, b, (1, 1), s, threads, min_time, rng)[1]
              ["vs_dense_f32"] for s in INT8_BREAK_EVEN_GRID]
    return _crossing(ratios, INT8_BREAK_EVEN_GRID)


def _crossing(ratios: list[float], grid: tuple[float, ...] = BREAK_EVEN_GRID) -> float | None:
    wins = [r > 1 for r in ratios]
    if not wins[-1]:
        return None
    i = len(wins) - 1
    while i > 0 and wins[i - 1]:
        i -= 1
    if i == 0:
        return grid[0]
    s0, s1, r0, r1 = grid[i - 1], grid[i], ratios[i - 1], ratios[i]
    return s0 + (1 - r0) * (s1 - s0) / (r1 - r0)


def break_even(shape: str, n: int, k: int, b: int, threads: int, min_time: float, rng,
               block: tuple[int, int] = (1, 1)) -> float | None:
    """Lowest sparsity of the grid from which on the sparse kernel beats dense float32.

    Linear interpolation of the speed ratio between the last losing and first winning grid
    points; None when it never wins on the grid.
    """
    ratios = [bench_case(shape, n, k, b, block, s, threads, min_time, rng,
                         with_scipy=False)["vs_dense_f32"] for s in BREAK_EVEN_GRID]
    return _crossing(ratios)


def run(tables: tuple[str, ...] = ("sparse",), threads: int = 1, min_time: float = 0.2,
        seed: int = 0, int8: bool = True) -> dict:
    """Benchmark every shape of ``tables``: unstructured and block masks, then break-even;
    with ``int8``, also int8-value rows and the break-even of qspmm vs dense qgemm."""
    rng = np.random.default_rng(seed)
    rows, even, even8 = [], {}, {}
    with pinned_threads(threads):
        for table in tables:
            for name, (n, k, b) in load_shapes(table):
                for s in SPARSITIES:
                    rows.append(bench_case(name, n, k, b, (1, 1), s, threads, min_time, rng))
                for block in BLOCKS:
                    for s in BLOCK_SPARSITIES:
                        rows.append(bench_case(name, n, k, b, block, s, threads, min_time,
                                               rng))
                even[name] = break_even(name, n, k, b, threads, min_time / 2, rng)
                if int8:
                    for s in INT8_SPARSITIES:
                        rows += bench_int8_case(name, n, k, b, (1, 1), s, threads, min_time,
                                                rng)
                    rows += bench_int8_case(name, n, k, b, (8, 1), 0.9, threads, min_time,
                                            rng)
                    even8[name] = break_even_int8(name, n, k, b, threads, min_time / 2, rng)
    return {"threads": threads, "blas": blas_kernel(), "backend": config.backend(),
            "rows": rows, "break_even": even, "break_even_int8": even8,
            "goals": goals(rows, even)}


def goals(rows: list[dict], even: dict) -> list[tuple[str, float | None, float, bool]]:
    """The issue's speed goals as (description, measured, target, met); shapes not run skip."""
    def ratio(nkb, kinds, s, key="vs_dense_f32"):
        vals = [r[key] for r in rows if (r["N"], r["K"], r["B"]) == nkb
                and r["kind"] in kinds and r["sparsity"] == s and key in r]
        return max(vals) if vals else None

    shapes = {(r["N"], r["K"], r["B"]): r["shape"] for r in rows}
    want = [("CSR 90% x dense f32", (1024, 1024, 64), ("csr",), "vs_dense_f32", 5.0),
            ("CSR 90% x scipy.sparse", (1024, 1024, 64), ("csr",), "vs_scipy", 3.0),
            ("CSR 90% sparse GEMV x dense f32", (4096, 4096, 1), ("csr",), "vs_dense_f32", 6.0)]
    want += [("best of BSR 8x1 / 4x4 90% x dense f32", nkb, ("bsr8x1", "bsr4x4"),
              "vs_dense_f32", 7.0) for nkb in shapes]
    out = []
    for desc, nkb, kinds, key, target in want:
        if nkb in shapes:
            v = ratio(nkb, kinds, 0.9, key)
            out.append((f"{desc} {shapes[nkb]}", v, target, v is not None and v >= target))
    for nkb in ((1024, 1024, 64), (256, 256, 3136)):
        if nkb in shapes:
            v = even.get(shapes[nkb])
            out.append((f"break-even sparsity {shapes[nkb]}", v, 0.6,
                        v is not None and v <= 0.6))
    return out


def format_table(result: dict) -> str:
    """Render :func:`run`'s result as aligned text: rows, break-even per shape, goals."""
    head = (f"{'shape':<18} {'kind':<12} {'sparse':>6} {'time us':>9} {'dense us':>9} "
            f"{'x dense':>7} {'(best)':>7} {'scipy us':>9} {'x scipy':>7} {'x bytes':>7}  "
            "kernel")
    lines = [f"threads={result['threads']} backend={result['backend']} "
             f"numpy BLAS: {result['blas']}",
             "times: medians of interleaved rounds; x dense / x scipy: median of per-round "
             "ratios; (best): ratio of the fastest rounds",
             "x dense is vs NumPy float32 matmul, except rows *-qs8 (uint8 x int8 -> int32): "
             "vs dense qgemm; x bytes: dense float32 bytes / encoding bytes",
             head, "-" * len(head)]
    for r in result["rows"]:
        sc = (f"{r['scipy_us']:>9.1f} {r['vs_scipy']:>7.2f}" if "scipy_us" in r
              else f"{'-':>9} {'-':>7}")
        lines.append(f"{r['shape']:<18} {r['kind']:<12} {r['sparsity']:>6.0%} "
                     f"{r['time_us']:>9.1f} {r['dense_us']:>9.1f} {r['vs_dense_f32']:>7.2f} "
                     f"{r['vs_dense_best']:>7.2f} {sc} {r['nbytes_ratio']:>7.2f}  "
                     f"{r['kernel']}")
    lines.append("")
    lines.append("break-even sparsity vs dense float32 (CSR, unstructured):")
    for name, s in result["break_even"].items():
        lines.append(f"  {name:<20} {'never on grid' if s is None else f'{s:.0%}'}")
    if result.get("break_even_int8"):
        lines.append("break-even sparsity of qspmm (uint8 x int8 CSR) vs dense qgemm "
                     f"({registry.select('qs8_qc8w_gemm').name}):")
        for name, s in result["break_even_int8"].items():
            lines.append(f"  {name:<20} {'never on grid' if s is None else f'{s:.0%}'}")
    lines.append("")
    lines.append("goals:")
    for desc, value, target, met in result["goals"]:
        v = "-" if value is None else (f"{value:.0%}" if target < 1 else f"{value:.2f}x")
        t = f"<= {target:.0%}" if target < 1 else f">= {target:.1f}x"
        lines.append(f"  [{'met' if met else 'MISSED'}] {desc}: {v} (goal {t})")
    return "\n".join(lines)
