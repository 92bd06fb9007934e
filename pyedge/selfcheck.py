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


CHECKS = {"qs8_qc8w_gemm": _check_qgemm}
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
