"""``pyedge bench kernels``: dense GEMM family vs NumPy float32 (and onnxruntime) per shape."""

from __future__ import annotations

import numpy as np

from pyedge import config
from pyedge.benchmarks.peers import ort_matmul_integer
from pyedge.benchmarks.shapes import load_shapes
from pyedge.benchmarks.timing import blas_kernel, median_time, pinned_threads
from pyedge.kernels import pack_qc8w, qgemm, registry
from pyedge.kernels.aligned import aligned_empty


def bench_qgemm(name: str, m: int, n: int, k: int, threads: int, min_time: float,
                kernels: tuple[str, ...] = ("auto",)) -> list[dict]:
    """Time qgemm (u8 x s8 -> int32), NumPy float32 matmul and onnxruntime on one shape.

    One row per entry of ``kernels``: a kernel name forces that implementation, ``"auto"``
    takes the registry's choice for ``m`` rows; NumPy and onnxruntime are timed once.
    """
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (m, k), dtype=np.uint8)
    w = rng.integers(-127, 128, (n, k), dtype=np.int8)
    af, wt = a.astype(np.float32), np.ascontiguousarray(w.T.astype(np.float32))
    packed = pack_qc8w(w)
    out = aligned_empty(m * n, np.int32).reshape(m, n)  # as qgemm allocates it
    t_np = median_time(lambda: af @ wt, min_time)
    ort = ort_matmul_integer(a, 128, np.ascontiguousarray(w.T), threads)
    t_ort = median_time(ort, min_time) if ort else None
    rows = []
    for name_k in kernels:
        kern = registry.select("qs8_qc8w_gemm", m) if name_k == "auto" else registry.get(name_k)
        t_ours = median_time(lambda kern=kern: qgemm(a, 128, packed, out=out,
                                                     num_threads=threads, kernel=kern),
                             min_time)
        rows.append({"family": "qgemm", "shape": name, "M": m, "N": n, "K": k,
                     "kernel": kern.name, "time_us": t_ours * 1e6,
                     "gops": 2 * m * n * k / t_ours / 1e9, "vs_numpy_f32": t_np / t_ours,
                     "vs_ort": (t_ort / t_ours) if t_ort else None, "numpy_us": t_np * 1e6,
                     "ort_us": t_ort * 1e6 if t_ort else None})
    return rows


def _lowbit_row(family: str, name: str, m: int, n: int, k: int, kern, fn, t_np: float,
                t_ort: float | None, min_time: float) -> dict:
    t = median_time(fn, min_time)
    return {"family": family, "shape": name, "M": m, "N": n, "K": k, "kernel": kern.name,
            "time_us": t * 1e6, "gops": 2 * m * n * k / t / 1e9, "vs_numpy_f32": t_np / t,
            "vs_ort": t_ort / t if t_ort else None, "numpy_us": t_np * 1e6,
            "ort_us": t_ort * 1e6 if t_ort else None}


def bench_lowbit(name: str, m: int, n: int, k: int, threads: int, min_time: float,
                 families: tuple[str, ...], numba: bool = False) -> list[dict]:
    """Time gemm_qc4w (f32 / qd8 activations, group 32) and gemm_lut (4-bit) on one shape
    beside NumPy float32 matmul and onnxruntime ``MatMulNBits`` (same encoding; accuracy
    level 0 for f32, 4 = int8 activations for qd8); with ``numba`` also the Numba twins."""
    from pyedge.benchmarks.peers import ort_matmul_nbits
    from pyedge.kernels import gemm_lut, gemm_qc4w, pack_lut, pack_qc4w
    from pyedge.tensors import Codebook, Int4Grouped

    rng = np.random.default_rng(0)
    x = rng.standard_normal((m, k)).astype(np.float32)
    w = rng.standard_normal((n, k)).astype(np.float32)
    wt = np.ascontiguousarray(w.T)
    out = np.empty((m, n), dtype=np.float32)
    t_np = median_time(lambda: x @ wt, min_time)
    cases = []
    if "qc4w" in families:
        enc = Int4Grouped.from_float(w, 32)
        packed = pack_qc4w(enc)
        for act, fam, level in (("f32", "f32_qc4w_gemm", 0), ("qd8", "qd8_f32_qc4w_gemm", 4)):
            ort = ort_matmul_nbits(x, enc.q, enc.scale, 32, threads, level)
            cases.append((f"qc4w_{act}", fam, lambda kk, a=act: gemm_qc4w(
                x, packed, None, a, out=out, num_threads=threads, kernel=kk),
                median_time(ort, min_time) if ort else None))
    if "lut4" in families:
        lut = pack_lut(Codebook.from_float(w, 4, iters=2))
        cases.append(("lut4", "f32_lut4_gemm", lambda kk: gemm_lut(
            x, lut, out=out, num_threads=threads, kernel=kk), None))
    rows = []
    for label, fam, call, t_ort in cases:
        kerns = [registry.select(fam, m)]
        if numba:
            kerns += registry.kernels(fam, ("numba",))
        for kern in kerns:
            rows.append(_lowbit_row(label, name, m, n, k, kern, lambda c=call, kk=kern: c(kk),
                                    t_np, t_ort, min_time))
    return rows


def run(tables: tuple[str, ...] = ("gemm", "mobilenet_v2_pointwise"), threads: int = 1,
        min_time: float = 0.2, families: tuple[str, ...] = ("qgemm",),
        numba: bool = False, kernels: tuple[str, ...] = ("auto",)) -> dict:
    """Benchmark every shape of ``tables``; returns rows and the environment they ran in.

    ``kernels`` lists the qgemm implementations to time per shape (``"auto"``: the registry's
    choice); unknown names raise KeyError before anything is timed.
    """
    for name_k in kernels:
        if name_k != "auto":
            registry.get(name_k)
    rows = []
    with pinned_threads(threads):
        for table in tables:
            for name, (m, n, k) in load_shapes(table):
                if "qgemm" in families:
                    rows.extend(bench_qgemm(name, m, n, k, threads, min_time, kernels))
                if {"qc4w", "lut4"} & set(families):
                    rows += bench_lowbit(name, m, n, k, threads, min_time, families, numba)
    return {"threads": threads, "blas": blas_kernel(), "backend": config.backend(),
            "rows": rows}


def format_table(result: dict) -> str:
    """Render :func:`run`'s result as an aligned text table."""
    head = (f"{'family':<8} {'shape':<20} {'M':>6} {'N':>5} {'K':>5} {'time us':>10} "
            f"{'GOPS':>8} {'x np f32':>8} {'x ORT':>7}  kernel")
    lines = [f"threads={result['threads']} backend={result['backend']} "
             f"numpy BLAS: {result['blas']}", head, "-" * len(head)]
    for r in result["rows"]:
        ort = f"{r['vs_ort']:7.2f}" if r.get("vs_ort") else f"{'-':>7}"
        lines.append(f"{r['family']:<8} {r['shape']:<20} {r['M']:>6} {r['N']:>5} {r['K']:>5} "
                     f"{r['time_us']:>10.1f} {r['gops']:>8.1f} {r['vs_numpy_f32']:>8.2f} "
                     f"{ort}  {r['kernel']}")
    return "\n".join(lines)
