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


CHECKS = {"qs8_qc8w_gemm": _check_qgemm}


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
