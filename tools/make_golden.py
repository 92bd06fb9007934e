"""Write the golden test vectors (tests/golden/*.bin): inputs and pyedge.ref oracle outputs.

Run from the repository root: ``python tools/make_golden.py``. Deterministic (fixed seeds);
expected outputs come only from the NumPy oracles in pyedge/ref, never from a kernel. Float
outputs also store ``tol`` = rtol * (the oracle on absolute values) + atol, with (rtol, atol)
from tests/tolerances.py, so a port checks them element-wise without any NumPy.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyedge.ref import dwconv2d as ref_dw  # noqa: E402
from pyedge.ref import lut as ref_lut  # noqa: E402
from pyedge.ref import pool as ref_pool  # noqa: E402
from pyedge.ref import qc4w as ref_qc4w  # noqa: E402
from pyedge.ref import qgemm as ref_qgemm  # noqa: E402
from pyedge.ref import qspmm as ref_qspmm  # noqa: E402
from pyedge.ref import spmm as ref_spmm  # noqa: E402
from pyedge.ref.lut_channels import lut_channels  # noqa: E402
from pyedge.tensors import Codebook, Int4Grouped  # noqa: E402
from pyedge.tensors.bsr import BSR  # noqa: E402
from pyedge.tensors.csr import CSR  # noqa: E402
from tests.golden.vectors import GOLDEN_DIR, write  # noqa: E402
from tests.tolerances import F32_CONV, F32_LOWBIT, F32_POOL, F32_SPMM  # noqa: E402

I64, F64 = np.int64, np.float64
OUT_RANGE = {np.dtype(np.uint8): (0, 255), np.dtype(np.int8): (-128, 127)}


def _tol(mag: np.ndarray, tol: dict) -> np.ndarray:
    return (tol["rtol"] * np.asarray(mag, np.float64) + tol["atol"]).astype(np.float32)


def _epilogue_args(rng, n: int, out_dtype, clamp_kind: str, acc_scale: float) -> dict:
    """bias, multiplier, out_zp and clamp arrays of one integer case (absent keys = None)."""
    arrays = {"bias": rng.integers(-3000, 3000, n).astype(np.int32)}
    odt = np.dtype(out_dtype)
    if odt == np.int32:
        return arrays
    arrays["multiplier"] = (rng.uniform(0.5, 2.0, n) / acc_scale).astype(np.float32)
    if odt == np.float32:
        if clamp_kind != "none":
            arrays["clamp"] = np.array([-20.0, 30.0], F64)
        return arrays
    lo, hi = OUT_RANGE[odt]
    arrays["out_zp"] = np.array({np.dtype(np.uint8): 128, np.dtype(np.int8): -5}[odt], I64)
    if clamp_kind == "relu":
        arrays["clamp"] = np.array([int(arrays["out_zp"]), hi], I64)
    elif clamp_kind == "narrow":
        arrays["clamp"] = np.array([lo + 30, hi - 40], I64)
    return arrays


def _tie_args(rng, n: int, out_dtype) -> dict:
    """Epilogue arrays whose products float32(acc) * m are often exact .5 ties (m = k / 4)."""
    odt = np.dtype(out_dtype)
    return {"bias": rng.integers(-20, 21, n).astype(np.int32),
            "multiplier": rng.choice(np.float32([0.25, 0.5, 0.75, 1.5]), n),
            "out_zp": np.array({np.dtype(np.uint8): 128, np.dtype(np.int8): -5}[odt], I64)}


def _near(rng, shape, dtype, zp: int, spread: int = 6) -> np.ndarray:
    """8-bit activations within ``spread`` of the zero point (small accumulators)."""
    lo, hi = OUT_RANGE[np.dtype(dtype)]
    return np.clip(zp + rng.integers(-spread, spread + 1, shape), lo, hi).astype(dtype)


def _qexpected(fn, args: tuple, arrays: dict, out_dtype, **kw) -> np.ndarray:
    """``fn(*args, **kw)`` with the case's epilogue arrays as keyword arguments."""
    odt = np.dtype(out_dtype)
    clamp = arrays.get("clamp")
    if clamp is not None:
        cast = float if odt == np.float32 else int
        clamp = (cast(clamp[0]), cast(clamp[1]))
    return fn(*args, bias=arrays.get("bias"), multiplier=arrays.get("multiplier"),
              out_zero_point=int(arrays.get("out_zp", 0)), out_dtype=odt, clamp=clamp, **kw)


def _activations(rng, shape, dtype, zp: int) -> np.ndarray:
    """Random 8-bit activations including the extremes and the zero point itself."""
    lo, hi = OUT_RANGE[np.dtype(dtype)]
    x = rng.integers(lo, hi + 1, shape).astype(dtype)
    flat = x.reshape(-1)
    flat[: min(3, flat.size)] = [lo, hi, zp][: min(3, flat.size)]
    return x


ACT = [(np.uint8, 0), (np.uint8, 128), (np.uint8, 255), (np.int8, -128), (np.int8, 0),
       (np.uint8, 3), (np.int8, 7)]
OUTS = [(np.int32, "none"), (np.uint8, "none"), (np.int8, "relu"), (np.float32, "clamp"),
        (np.uint8, "narrow"), (np.int8, "none"), (np.float32, "none")]


def qgemm_cases(rng) -> list:
    """qs8_qc8w_gemm: M around mr (1, 4, 8, 32), N around nr (4, 16, 32, 64), K around kr/kc."""
    shapes = [(1, 1, 1), (1, 17, 3), (3, 5, 4), (4, 16, 64), (5, 33, 65), (8, 32, 129),
              (9, 17, 7), (2, 64, 256), (33, 34, 70), (1, 65, 130), (7, 3, 1), (16, 48, 96),
              (32, 31, 33), (6, 100, 5)]
    cases = []
    for i, (m, n, k) in enumerate(shapes):
        for j in range(2):
            adt, zp = ACT[(2 * i + j) % len(ACT)]
            odt, clamp = OUTS[(i + 3 * j) % len(OUTS)]
            a = _activations(rng, (m, k), adt, zp)
            w = rng.integers(-127, 128, (n, k)).astype(np.int8)
            if i % 5 == 0:
                w[n // 2] = 0  # an all-zero channel
            arrays = {"a": a, "a_zp": np.array(zp, I64), "w": w}
            arrays.update(_epilogue_args(rng, n, odt, clamp, 64.0 * 127 * np.sqrt(k)))
            if (i + j) % 3 == 2:
                arrays.pop("bias")
            arrays["expected"] = _qexpected(ref_qgemm.qgemm, (a, zp, w), arrays, odt)
            name = f"qgemm_m{m}n{n}k{k}_{np.dtype(adt).name}zp{zp}_{np.dtype(odt).name}_{clamp}"
            cases.append((name, "qs8_qc8w_gemm", arrays))
    for (m, n, k), (adt, zp), odt in [((5, 19, 3), (np.uint8, 128), np.uint8),
                                      ((4, 16, 8), (np.int8, -3), np.int8),
                                      ((9, 33, 5), (np.uint8, 0), np.int8)]:
        a, w = _near(rng, (m, k), adt, zp), rng.integers(-5, 6, (n, k)).astype(np.int8)
        arrays = dict({"a": a, "a_zp": np.array(zp, I64), "w": w}, **_tie_args(rng, n, odt))
        arrays["expected"] = _qexpected(ref_qgemm.qgemm, (a, zp, w), arrays, odt)
        cases.append((f"qgemm_ties_m{m}n{n}k{k}_{np.dtype(odt).name}", "qs8_qc8w_gemm", arrays))
    return cases


def qc4w_cases(rng) -> list:
    """qd8_f32_qc4w_gemm (exact) and f32_qc4w_gemm (tolerance) on the canonical encoding."""
    shapes = [(1, 1, 32, 32), (1, 5, 64, 32), (2, 17, 96, 32), (3, 16, 128, 64),
              (4, 33, 160, 32), (5, 31, 256, 128), (8, 63, 64, 32), (9, 20, 128, 128)]
    cases = []
    for i, (m, n, k, g) in enumerate(shapes):
        x = rng.standard_normal((m, k)).astype(np.float32)
        x[0, :3] = 0.0
        if i == 3:
            x[-1] = 0.0  # an all-zero row (row scale 0)
        if i == 4:
            x[1] = rng.integers(-254, 255, k) / np.float32(2)  # .5 ties after scaling
            x[1, 0] = 127.0
        wf = rng.standard_normal((n, k)).astype(np.float32)
        if i == 5:
            wf = np.where(rng.random((n, k)) < 0.5, -8.0, 7.0).astype(np.float32)
        w = Int4Grouped.from_float(wf, g)
        bias = rng.standard_normal(n).astype(np.float32) if i % 2 == 0 else None
        base = {"x": x, "q": w.q, "scale": w.scale, "group": np.array(g, I64)}
        if bias is not None:
            base["bias"] = bias
        qd8 = dict(base, expected=ref_qc4w.gemm_qc4w_qd8(x, w, bias))
        cases.append((f"qd8_qc4w_m{m}n{n}k{k}g{g}", "qd8_f32_qc4w_gemm", qd8))
        want = ref_qc4w.gemm_qc4w_f32(x, w, bias).astype(np.float32)
        mag = np.abs(x.astype(F64)) @ np.abs(w.to_float().astype(F64)).T
        f32 = dict(base, expected=want, tol=_tol(mag, F32_LOWBIT))
        cases.append((f"f32_qc4w_m{m}n{n}k{k}g{g}", "f32_qc4w_gemm", f32))
    return cases


def lut_cases(rng) -> list:
    """f32_lut{2,3,4}_gemm: codebook GEMM (float, tolerance), per-channel and shared tables."""
    cases = []
    for i, (m, n, k, bits, per_channel) in enumerate(
            [(1, 5, 7, 4, True), (3, 17, 64, 4, False), (4, 16, 33, 2, True),
             (5, 9, 40, 3, True), (8, 33, 96, 3, False), (2, 31, 128, 2, False)]):
        x = rng.standard_normal((m, k)).astype(np.float32)
        w = Codebook.from_float(rng.standard_normal((n, k)).astype(np.float32), bits,
                                per_channel=per_channel, iters=3)
        bias = rng.standard_normal(n).astype(np.float32) if i % 2 else None
        want = ref_lut.gemm_lut(x, w, bias).astype(np.float32)
        absw = Codebook(w.indices, np.abs(w.levels), bits, w.shape)
        mag = ref_lut.gemm_lut(np.abs(x), absw)
        arrays = {"x": x, "indices": w.indices, "levels": w.levels, "bits": np.array(bits, I64)}
        if bias is not None:
            arrays["bias"] = bias
        arrays.update(expected=want, tol=_tol(mag, F32_LOWBIT))
        cases.append((f"lut{bits}_m{m}n{n}k{k}_{'pc' if per_channel else 'pt'}",
                      f"f32_lut{bits}_gemm", arrays))
    return cases


def _sparse(rng, n, k, block, density, dtype):
    """A CSR (block 1x1) or BSR encoding of random weights with about ``density`` blocks kept."""
    r, c = block
    bmask = rng.random((n // r, k // c)) < density
    w = rng.standard_normal((n, k)).astype(np.float32)
    if block == (1, 1):
        return CSR.from_dense(w, bmask, dtype)
    return BSR.from_dense(w, block, bmask, dtype)


def _sparse_arrays(enc) -> dict:
    return {"shape": np.array(enc.shape, I64), "block": np.array(enc.block, I64),
            "indptr": enc.indptr.astype(I64), "indices": enc.indices, "values": enc.values}


SPARSE = [((1, 1), 13, 40, 0.3), ((1, 1), 33, 70, 0.5), ((1, 1), 8, 300, 0.05),
          ((1, 1), 17, 9, 1.0), ((1, 1), 5, 16, 0.0), ((1, 4), 9, 64, 0.4),
          ((4, 1), 20, 37, 0.4), ((4, 4), 16, 48, 0.5), ((8, 1), 24, 33, 0.3),
          ((16, 1), 32, 20, 0.6)]


def qspmm_cases(rng) -> list:
    """qs8_qc8w_spmm_csr / _bsr_RxC: spmm (x[K, B]) and spmm_t (x[B, K]), int8 values."""
    cases = []
    for i, (block, n, k, density) in enumerate(SPARSE):
        enc = _sparse(rng, n, k, block, density, np.int8)
        wint = ref_qspmm.dense_int(enc.shape, enc.block, enc.indptr, enc.indices, enc.values)
        for transposed, nb in ((0, [1, 5, 17][i % 3]), (1, [3, 1, 16][i % 3])):
            adt, zp = ACT[(2 * i + transposed) % len(ACT)]
            odt, clamp = OUTS[(i + 2 * transposed) % len(OUTS)]
            x = _activations(rng, (nb, k) if transposed else (k, nb), adt, zp)
            arrays = dict(_sparse_arrays(enc), x=x, x_zp=np.array(zp, I64),
                          transposed=np.array(transposed, I64))
            arrays.update(_epilogue_args(rng, n, odt, clamp, 64.0 * 127 * np.sqrt(k)))
            xt = x if transposed else x.T
            want = _qexpected(ref_qspmm.qspmm_t, (xt, zp, wint), arrays, odt)
            arrays["expected"] = want if transposed else np.ascontiguousarray(want.T)
            fam = "qs8_qc8w_spmm_" + ("csr" if block == (1, 1) else f"bsr_{block[0]}x{block[1]}")
            cases.append((f"q{fam[14:]}_{'t_' if transposed else ''}n{n}k{k}b{nb}d{density}"
                          f"_{np.dtype(adt).name}zp{zp}_{np.dtype(odt).name}", fam, arrays))
    enc = _sparse(rng, 24, 12, (1, 1), 0.4, np.int8)
    small = np.clip(enc.values, -5, 5).astype(np.int8)  # small weights: .5 ties after scaling
    wint = ref_qspmm.dense_int(enc.shape, enc.block, enc.indptr, enc.indices, small)
    for transposed, nb, odt in ((0, 19, np.uint8), (1, 3, np.int8)):
        x = _near(rng, (nb, 12) if transposed else (12, nb), np.uint8, 100)
        arrays = dict(_sparse_arrays(enc), values=small, x=x, x_zp=np.array(100, I64),
                      transposed=np.array(transposed, I64), **_tie_args(rng, 24, odt))
        want = _qexpected(ref_qspmm.qspmm_t, (x if transposed else x.T, 100, wint), arrays, odt)
        arrays["expected"] = want if transposed else np.ascontiguousarray(want.T)
        cases.append((f"qcsr_ties_{'t_' if transposed else ''}b{nb}", "qs8_qc8w_spmm_csr",
                      arrays))
    return cases


def spmm_cases(rng) -> list:
    """f32_spmm_csr / _bsr_RxC with float32 values: spmm and spmm_t, bias and clamps."""
    cases = []
    for i, (block, n, k, density) in enumerate(SPARSE):
        enc = _sparse(rng, n, k, block, density, np.float32)
        w = ref_spmm.dense_from_blocks(enc.shape, enc.block, enc.indptr, enc.indices,
                                       enc.values)
        for transposed, nb in ((0, [1, 7, 20][i % 3]), (1, [2, 1, 9][i % 3])):
            x = rng.standard_normal((nb, k) if transposed else (k, nb)).astype(np.float32)
            bias = rng.standard_normal(n).astype(np.float32) if (i + transposed) % 2 else None
            bounds = [(-np.inf, np.inf), (0.0, np.inf), (0.0, 6.0), (-1.5, 2.0)]
            lo, hi = bounds[(i + transposed) % 4]
            fn = ref_spmm.spmm_t if transposed else ref_spmm.spmm
            args = (x, w) if transposed else (w, x)
            absargs = (np.abs(x), np.abs(w)) if transposed else (np.abs(w), np.abs(x))
            mag = fn(*absargs, None if bias is None else np.abs(bias))
            arrays = dict(_sparse_arrays(enc), x=x, transposed=np.array(transposed, I64),
                          lo=np.array(lo, F64), hi=np.array(hi, F64))
            if bias is not None:
                arrays["bias"] = bias
            arrays.update(expected=fn(*args, bias, lo, hi), tol=_tol(mag, F32_SPMM))
            fam = "f32_spmm_" + ("csr" if block == (1, 1) else f"bsr_{block[0]}x{block[1]}")
            cases.append((f"{fam[4:]}_{'t_' if transposed else ''}n{n}k{k}b{nb}", fam, arrays))
    for i, (block, n, k, density) in enumerate(SPARSE):  # int8 values with row scales
        enc = _sparse(rng, n, k, block, density, np.int8)
        w = ref_spmm.dense_from_blocks(enc.shape, enc.block, enc.indptr, enc.indices,
                                       enc.values, enc.scale)
        transposed, nb = i % 2, [1, 6, 17][i % 3]
        x = rng.standard_normal((nb, k) if transposed else (k, nb)).astype(np.float32)
        bias = rng.standard_normal(n).astype(np.float32)
        lo, hi = [(-np.inf, np.inf), (0.0, 6.0)][i % 2]
        fn = ref_spmm.spmm_t if transposed else ref_spmm.spmm
        args = (x, w) if transposed else (w, x)
        absargs = (np.abs(x), np.abs(w)) if transposed else (np.abs(w), np.abs(x))
        arrays = dict(_sparse_arrays(enc), scale=enc.scale, x=x, bias=bias,
                      transposed=np.array(transposed, I64), lo=np.array(lo, F64),
                      hi=np.array(hi, F64), expected=fn(*args, bias, lo, hi),
                      tol=_tol(fn(*absargs, np.abs(bias)), F32_SPMM))
        fam = "f32_qc8w_spmm_" + ("csr" if block == (1, 1) else f"bsr_{block[0]}x{block[1]}")
        cases.append((f"{fam[4:]}_{'t_' if transposed else ''}n{n}k{k}b{nb}", fam, arrays))
    for block, n, k, nb in [((4, 1), 12, 30, 9), ((16, 1), 32, 25, 6), ((1, 4), 5, 24, 13),
                            ((4, 4), 8, 16, 5)]:  # float32 values, spmm over several columns
        enc = _sparse(rng, n, k, block, 0.5, np.float32)
        w = ref_spmm.dense_from_blocks(enc.shape, enc.block, enc.indptr, enc.indices,
                                       enc.values)
        x = rng.standard_normal((k, nb)).astype(np.float32)
        bias = rng.standard_normal(n).astype(np.float32)
        arrays = dict(_sparse_arrays(enc), x=x, bias=bias, transposed=np.array(0, I64),
                      lo=np.array(-1.0, F64), hi=np.array(np.inf, F64),
                      expected=ref_spmm.spmm(w, x, bias, -1.0, np.inf),
                      tol=_tol(ref_spmm.spmm(np.abs(w), np.abs(x), np.abs(bias)), F32_SPMM))
        fam = f"f32_spmm_bsr_{block[0]}x{block[1]}"
        cases.append((f"{fam[4:]}_n{n}k{k}b{nb}_cols", fam, arrays))
    return cases


def f32_misc_cases(rng) -> list:
    """f32_gemm_minmax (oracle: float64 dense matmul) and float32 max / average pooling."""
    cases = []
    for m, n, k, (lo, hi) in [(1, 1, 1, (-np.inf, np.inf)), (5, 17, 33, (0.0, np.inf)),
                              (8, 32, 64, (0.0, 6.0)), (13, 40, 7, (-1.0, 1.0))]:
        x = rng.standard_normal((m, k)).astype(np.float32)
        w = rng.standard_normal((n, k)).astype(np.float32)
        bias = rng.standard_normal(n).astype(np.float32)
        mag = ref_spmm.spmm_t(np.abs(x), np.abs(w.astype(F64)), np.abs(bias))
        cases.append((f"sgemm_m{m}n{n}k{k}", "f32_gemm_minmax",
                      {"x": x, "w": w, "bias": bias, "lo": np.array(lo, F64),
                       "hi": np.array(hi, F64),
                       "expected": ref_spmm.spmm_t(x, w.astype(F64), bias, lo, hi),
                       "tol": _tol(mag, F32_CONV)}))
    for kind, ks, s, pads, incl in [("max", 3, 2, (1, 1, 1, 1), 0), ("avg", 3, 1, (1, 1, 1, 1), 0),
                                    ("avg", 2, 2, (0, 0, 1, 1), 1)]:
        x = rng.standard_normal((1, 6, 7, 19)).astype(np.float32)
        want = ref_pool.pool2d(x, kind, (ks, ks), (s, s), pads, bool(incl))
        mag = ref_pool.pool2d(np.abs(x), "avg" if kind == "avg" else "max", (ks, ks), (s, s),
                              pads, bool(incl))
        cases.append((f"f32{kind}pool_{ks}x{ks}s{s}_inc{incl}", f"f32_{kind}pool",
                      {"x": x, "kernel": np.array((ks, ks), I64), "stride": np.array((s, s), I64),
                       "pads": np.array(pads, I64), "include_pad": np.array(incl, I64),
                       "expected": want, "tol": _tol(mag, F32_POOL)}))
    return cases


# (N, H, W, C, m, kernel, stride, pads (t, l, b, r), dilation)
DW = [(1, 5, 6, 3, 1, 3, 1, (1, 1, 1, 1), 1), (1, 7, 7, 17, 1, 3, 2, (1, 1, 1, 1), 1),
      (2, 4, 9, 16, 1, 3, 1, (0, 0, 0, 0), 1), (1, 9, 8, 33, 1, 3, 2, (0, 1, 1, 0), 1),
      (1, 6, 5, 8, 2, 3, 1, (1, 1, 1, 1), 1), (1, 8, 8, 5, 1, 5, 1, (2, 2, 2, 2), 1),
      (1, 9, 11, 4, 1, 5, 2, (2, 2, 2, 2), 1), (1, 7, 7, 6, 1, 3, 1, (2, 2, 2, 2), 2),
      (1, 3, 3, 1, 1, 3, 1, (1, 1, 1, 1), 1), (1, 2, 13, 24, 1, 3, 1, (1, 1, 1, 1), 1),
      (1, 1, 1, 7, 1, 3, 1, (1, 1, 1, 1), 1)]


def qdwconv_cases(rng) -> list:
    """qs8_qc8w_dwconv2d: uint8/int8 NHWC, pads read the zero point, requantized 8-bit out."""
    cases = []
    for i, (n, h, wd, c, mult, ks, s, pads, d) in enumerate(DW):
        adt, zp = ACT[i % len(ACT)]
        odt, clamp = [(np.uint8, "none"), (np.int8, "relu"), (np.uint8, "narrow"),
                      (np.int8, "none")][i % 4]
        x = _activations(rng, (n, h, wd, c), adt, zp)
        w = rng.integers(-127, 128, (ks, ks, c * mult)).astype(np.int8)
        arrays = {"x": x, "x_zp": np.array(zp, I64), "w": w}
        arrays.update(_epilogue_args(rng, c * mult, odt, clamp, 64.0 * 127 * ks))
        geo = dict(stride=(s, s), pads=pads, dilation=(d, d))
        arrays.update(stride=np.array(geo["stride"], I64), pads=np.array(pads, I64),
                      dilation=np.array(geo["dilation"], I64))
        arrays["expected"] = _qexpected(ref_dw.depthwise_conv2d_q,
                                        (np.repeat(x, mult, axis=3), zp, w), arrays, odt, **geo)
        cases.append((f"qdw_{ks}x{ks}s{s}d{d}_n{n}h{h}w{wd}c{c}m{mult}_{np.dtype(adt).name}"
                      f"zp{zp}_{np.dtype(odt).name}_{clamp}", "qs8_qc8w_dwconv2d", arrays))
    for odt, (adt, zp) in ((np.uint8, (np.uint8, 77)), (np.int8, (np.int8, -9))):
        x = _near(rng, (1, 5, 6, 21), adt, zp, 3)
        w = rng.integers(-3, 4, (3, 3, 21)).astype(np.int8)
        arrays = dict({"x": x, "x_zp": np.array(zp, I64), "w": w}, **_tie_args(rng, 21, odt))
        geo = dict(stride=(1, 1), pads=(1, 1, 1, 1), dilation=(1, 1))
        arrays.update(stride=np.array((1, 1), I64), pads=np.array((1, 1, 1, 1), I64),
                      dilation=np.array((1, 1), I64))
        arrays["expected"] = _qexpected(ref_dw.depthwise_conv2d_q, (x, zp, w), arrays, odt,
                                        **geo)
        cases.append((f"qdw_ties_3x3_c21_{np.dtype(odt).name}", "qs8_qc8w_dwconv2d", arrays))
    return cases


def dwconv_cases(rng) -> list:
    """f32_dwconv2d_3x3s1 / 3x3s2 / 5x5s1 / 5x5s2 / generic: float NHWC, tolerance."""
    cases = []
    for i, (n, h, wd, c, mult, ks, s, pads, d) in enumerate(DW):
        x = rng.standard_normal((n, h, wd, c)).astype(np.float32)
        w = rng.standard_normal((ks, ks, c * mult)).astype(np.float32)
        bias = rng.standard_normal(c * mult).astype(np.float32)
        lo, hi = [(-np.inf, np.inf), (0.0, np.inf), (0.0, 6.0)][i % 3]
        geo = dict(stride=(s, s), pads=pads, dilation=(d, d))
        want = ref_dw.depthwise_conv2d(x, w, bias, fmin=lo, fmax=hi, **geo)
        mag = ref_dw.depthwise_conv2d(np.abs(x), np.abs(w), np.abs(bias), **geo)
        arrays = {"x": x, "w": w, "bias": bias, "stride": np.array(geo["stride"], I64),
                  "pads": np.array(pads, I64), "dilation": np.array(geo["dilation"], I64),
                  "lo": np.array(lo, F64), "hi": np.array(hi, F64), "expected": want,
                  "tol": _tol(mag, F32_CONV)}
        fam = f"f32_dwconv2d_{ks}x{ks}s{s}" if d == 1 else "f32_dwconv2d_generic"
        cases.append((f"dw_{ks}x{ks}s{s}d{d}_n{n}h{h}w{wd}c{c}m{mult}", fam, arrays))
    return cases


def pool_lut_cases(rng) -> list:
    """u8_maxpool, u8_avgpool (round half to even) and x8_lut_channels: integer, exact."""
    cases = []
    for kind, n, h, wd, c, ks, s, pads, incl in [
            ("max", 1, 5, 5, 3, 2, 2, (0, 0, 0, 0), 0), ("max", 2, 7, 6, 17, 3, 2, (1, 1, 1, 1), 0),
            ("avg", 1, 6, 6, 16, 2, 2, (0, 0, 0, 0), 0), ("avg", 1, 7, 5, 9, 3, 1, (1, 1, 1, 1), 0),
            ("avg", 1, 5, 7, 33, 3, 2, (1, 0, 1, 1), 1),
            ("avg", 1, 4, 4, 5, 4, 1, (0, 0, 0, 0), 0)]:
        x = rng.integers(0, 256, (n, h, wd, c)).astype(np.uint8)
        want = ref_pool.pool2d(x, kind, (ks, ks), (s, s), pads, bool(incl))
        arrays = {"x": x, "kernel": np.array((ks, ks), I64), "stride": np.array((s, s), I64),
                  "pads": np.array(pads, I64), "include_pad": np.array(incl, I64),
                  "expected": want}
        cases.append((f"{kind}pool_{ks}x{ks}s{s}_n{n}h{h}w{wd}c{c}_inc{incl}",
                      f"u8_{kind}pool", arrays))
    for shape, tdt, rows in [((2, 3, 5, 7), np.uint8, 7), ((33,), np.int8, 1),
                             ((4, 17), np.int8, 17)]:
        x = rng.integers(0, 256, shape).astype(np.uint8)
        if tdt == np.int8:
            x = x.view(np.int8)
        table = rng.integers(0, 256, (rows, 256)).astype(np.uint8).view(tdt)
        cases.append((f"lutc_{'x'.join(map(str, shape))}_t{rows}", "x8_lut_channels",
                      {"x": x, "table": table, "expected": lut_channels(x, table)}))
    return cases


GROUPS = {"qgemm": qgemm_cases, "qc4w": qc4w_cases, "lut_gemm": lut_cases,
          "qspmm": qspmm_cases, "spmm": spmm_cases, "qdwconv2d": qdwconv_cases,
          "dwconv2d": dwconv_cases, "pool_lut": pool_lut_cases, "f32_misc": f32_misc_cases}


def main() -> None:
    total = 0
    for i, (name, make) in enumerate(GROUPS.items()):
        cases = make(np.random.default_rng(20261122 + i))
        path = GOLDEN_DIR / f"{name}.bin"
        write(path, cases)
        total += path.stat().st_size
        print(f"{path.relative_to(GOLDEN_DIR.parent.parent)}: {len(cases)} cases, "
              f"{path.stat().st_size} bytes")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
