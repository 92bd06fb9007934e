"""Kernel self-check: every implementation on this CPU against its oracle on random cases."""

from __future__ import annotations

import numpy as np


def _check_qgemm(kernel: str, rng: np.random.Generator) -> bool:
    from pyedge.kernels import pack_qc8w, qgemm
    from pyedge.ref.qgemm import qgemm as ref

    for m, n, k in ((1, 33, 65), (17, 64, 300), (70, 130, 96)):
        a = rng.integers(0, 256, (m, k), dtype=np.uint8)
        w = rng.integers(-127, 128, (n, k), dtype=np.int8)
        bias = rng.integers(-999, 999, n).astype(np.int32)
        mult = rng.uniform(1e-4, 1e-2, n).astype(np.float32)
        got = qgemm(a, 128, pack_qc8w(w), bias, mult, 5, np.uint8, kernel=kernel)
        if not np.array_equal(got, ref(a, 128, w, bias, mult, 5, np.uint8)):
            return False
    return True


def _check_qc4w(kernel: str, rng: np.random.Generator) -> bool:
    from pyedge.kernels import gemm_qc4w, registry
    from pyedge.ref.qc4w import gemm_qc4w_f32, gemm_qc4w_qd8
    from pyedge.tensors import Int4Grouped

    qd8 = registry.get(kernel).family.startswith("qd8")
    for m, n, k, g in ((1, 33, 64, 32), (5, 70, 256, 64), (9, 17, 384, 128)):
        x = rng.standard_normal((m, k)).astype(np.float32)
        w = Int4Grouped.from_float(rng.standard_normal((n, k)).astype(np.float32), g)
        bias = rng.standard_normal(n).astype(np.float32)
        got = gemm_qc4w(x, w, bias, "qd8" if qd8 else "f32", kernel=kernel)
        if qd8 and not np.array_equal(got, gemm_qc4w_qd8(x, w, bias)):
            return False
        if not qd8 and not np.allclose(got, gemm_qc4w_f32(x, w, bias), rtol=1e-4, atol=1e-4):
            return False
    return True


def _check_lut(kernel: str, rng: np.random.Generator) -> bool:
    from pyedge.kernels import gemm_lut, registry
    from pyedge.ref.lut import gemm_lut as ref
    from pyedge.tensors import Codebook

    bits = int(registry.get(kernel).family[7])
    for m, n, k in ((1, 33, 65), (5, 20, 300)):
        x = rng.standard_normal((m, k)).astype(np.float32)
        w = Codebook.from_float(rng.standard_normal((n, k)).astype(np.float32), bits, iters=2)
        got = gemm_lut(x, w, kernel=kernel)
        if not np.allclose(got, ref(x, w), rtol=1e-4, atol=1e-4):
            return False
    return True


CHECKS = {"qs8_qc8w_gemm": _check_qgemm}
CHECKS.update({f: _check_qc4w for f in ("f32_qc4w_gemm", "qd8_f32_qc4w_gemm")})
CHECKS.update({f"f32_lut{b}_gemm": _check_lut for b in (2, 3, 4)})


def _check_dwconv2d(kernel: str, rng: np.random.Generator) -> bool:
    from pyedge.kernels import depthwise_conv2d, registry
    from pyedge.ref.dwconv2d import depthwise_conv2d as ref

    fam = registry.get(kernel).family
    k, s = {"3x3s1": (3, 1), "3x3s2": (3, 2), "5x5s1": (5, 1), "5x5s2": (5, 2)}.get(
        fam.rsplit("_", 1)[-1], (3, 1))
    x = rng.standard_normal((1, 9, 11, 37)).astype(np.float32)
    w = rng.standard_normal((k, k, 37)).astype(np.float32)
    got = depthwise_conv2d(x, w, None, s, k // 2, kernel=kernel)
    return bool(np.allclose(got, ref(x, w, None, (s, s), (k // 2,) * 4), rtol=1e-4, atol=1e-4))


def _check_qdwconv2d(kernel: str, rng: np.random.Generator) -> bool:
    from pyedge.kernels import depthwise_conv2d_q
    from pyedge.ref.dwconv2d import depthwise_conv2d_q as ref

    x = rng.integers(0, 256, (1, 9, 11, 70), dtype=np.uint8)
    w = rng.integers(-127, 128, (3, 3, 70), dtype=np.int8)
    m = rng.uniform(1e-4, 3e-3, 70).astype(np.float32)
    got = depthwise_conv2d_q(x, 120, w, None, m, 3, np.uint8, None, 1, 1, kernel=kernel)
    return bool(np.array_equal(got, ref(x, 120, w, None, m, 3, np.uint8, (1, 1), (1,) * 4)))


def _check_sgemm(kernel: str, rng: np.random.Generator) -> bool:
    from pyedge.kernels import pack_f32w, sgemm

    a = rng.standard_normal((37, 70)).astype(np.float32)
    w = rng.standard_normal((45, 70)).astype(np.float32)
    want = np.clip(a.astype(np.float64) @ w.T.astype(np.float64), 0, 6)
    got = sgemm(a, pack_f32w(w), None, "relu6", kernel=kernel)
    return bool(np.allclose(got, want, rtol=1e-4, atol=1e-4))


CHECKS.update({fam: _check_dwconv2d for fam in (
    "f32_dwconv2d_3x3s1", "f32_dwconv2d_3x3s2", "f32_dwconv2d_5x5s1", "f32_dwconv2d_5x5s2",
    "f32_dwconv2d_generic")})
CHECKS.update({"qs8_qc8w_dwconv2d": _check_qdwconv2d, "f32_gemm_minmax": _check_sgemm})


def selfcheck(verbose: bool = False) -> bool:
    """Run every registered kernel against its oracle; True when all are bit-exact/within tol."""
    from pyedge.kernels import registry

    rng = np.random.default_rng(0)
    ok = True
    for family, check in CHECKS.items():
        for k in registry.kernels(family):
            passed = check(k.name, rng)
            ok &= passed
            if verbose:
                print(f"  {'ok  ' if passed else 'FAIL'} {k.name}")
    return ok


def _check_spmm(kernel: str, rng: np.random.Generator) -> bool:
    from pyedge.kernels import registry, spmm, spmm_t
    from pyedge.ref import spmm as ref
    from pyedge.tensors import BSR, CSR

    fam = registry.get(kernel).family
    r, c = (1, 1) if fam.endswith("csr") else tuple(int(v) for v in fam.split("_")[-1]
                                                    .split("x"))
    dtype = np.int8 if "qc8w" in fam else np.float32
    w = rng.standard_normal((32, 64)).astype(np.float32)
    mask = rng.random((32 // r, 64 // c)) < 0.3
    enc = CSR.from_dense(w, mask, dtype) if (r, c) == (1, 1) else BSR.from_dense(w, (r, c),
                                                                                mask, dtype)
    dense = ref.dense_from_blocks(enc.shape, enc.block, enc.indptr, enc.indices, enc.values,
                                  enc.scale)
    x = rng.standard_normal((64, 37)).astype(np.float32)
    ok = np.allclose(spmm(enc, x, kernel=kernel), ref.spmm(dense, x), rtol=1e-4, atol=1e-4)
    xt = np.ascontiguousarray(x[:, :3].T)
    return ok and np.allclose(spmm_t(xt, enc, kernel=kernel), ref.spmm_t(xt, dense),
                              rtol=1e-4, atol=1e-4)


def _check_qspmm(kernel: str, rng: np.random.Generator) -> bool:
    from pyedge.kernels import qspmm, registry
    from pyedge.ref import qspmm as ref
    from pyedge.tensors import BSR, CSR

    fam = registry.get(kernel).family
    r, c = (1, 1) if fam.endswith("csr") else tuple(int(v) for v in fam.split("_")[-1]
                                                    .split("x"))
    w = rng.standard_normal((32, 64)).astype(np.float32)
    mask = rng.random((32 // r, 64 // c)) < 0.3
    enc = (CSR.from_dense(w, mask, np.int8) if (r, c) == (1, 1)
           else BSR.from_dense(w, (r, c), mask, np.int8))
    wd = ref.dense_int(enc.shape, enc.block, enc.indptr, enc.indices, enc.values)
    x = rng.integers(0, 256, (64, 37), dtype=np.uint8)
    mult = rng.uniform(1e-4, 1e-2, 32).astype(np.float32)
    got = qspmm(enc, x, 128, None, mult, 5, np.uint8, kernel=kernel)
    return np.array_equal(got, ref.qspmm_t(x.T, 128, wd, None, mult, 5, np.uint8).T)


_SPARSE = ("csr", "bsr_1x4", "bsr_4x1", "bsr_4x4", "bsr_8x1", "bsr_16x1")
CHECKS.update({f"{p}_{b}": _check_spmm for p in ("f32_spmm", "f32_qc8w_spmm") for b in _SPARSE})
CHECKS.update({f"qs8_qc8w_spmm_{b}": _check_qspmm for b in _SPARSE})


def _check_vadd(kernel: str, rng: np.random.Generator) -> bool:
    from pyedge.kernels import add_q
    from pyedge.ref.pool import add_q as ref

    odt = np.int8 if kernel.startswith("qs8") else np.uint8
    lo, hi = int(np.iinfo(odt).min), int(np.iinfo(odt).max)
    for n in (1, 33, 200):
        a = rng.integers(0, 256, n, dtype=np.uint8)
        b = rng.integers(-128, 128, n, dtype=np.int8)
        got = add_q(a, 0.02, 120, b, 0.05, -3, 0.04, 5, odt, kernel=kernel)
        if not np.array_equal(got, ref(a, 0.02, 120, b, 0.05, -3, 0.04, 5, lo, hi)):
            return False
    return True


CHECKS.update({f: _check_vadd for f in ("qu8_vadd_minmax", "qs8_vadd_minmax")})


def _check_convhwc(kernel: str, rng: np.random.Generator) -> bool:
    from pyedge.kernels import conv_hwc_3x3s2
    from pyedge.ref.conv2d import conv2d as ref

    x = rng.standard_normal((1, 13, 10, 3)).astype(np.float32)
    w = rng.standard_normal((37, 3, 3, 3)).astype(np.float32)
    got = conv_hwc_3x3s2(x, w, None, 1, kernel=kernel)
    return bool(np.allclose(got, ref(x, w, None, (2, 2), (1,) * 4), rtol=1e-4, atol=1e-4))


CHECKS["f32_conv_hwc_3x3s2"] = _check_convhwc
