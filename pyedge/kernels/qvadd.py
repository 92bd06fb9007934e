"""8-bit element-wise add with two input quantizations (``qu8_vadd_minmax``, ``qs8_vadd_minmax``).

The arithmetic is fixed in kernels/include/pyedge/qu8-vadd.h (float32 multiplies, one float32
add, clamp, round half to even) so every backend is bit-exact. Kernels see flat byte views in
the unsigned domain: an int8 tensor's sign bit is flipped (``u = q + 128``) and its zero point
shifted by 128, so one kernel serves every uint8/int8 mix; the family is named by the output
type. :func:`pyedge.kernels.add_q` is the public, validated entry point.
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels import registry
from pyedge.kernels.registry import Kernel

FAMILIES = ("qu8_vadd_minmax", "qs8_vadd_minmax")


def family_for(out_dtype) -> str:
    """The add family producing ``out_dtype`` (uint8 -> qu8, int8 -> qs8)."""
    return "qs8_vadd_minmax" if np.dtype(out_dtype) == np.int8 else "qu8_vadd_minmax"


def vadd_bytes(kern: Kernel, a: np.ndarray, a_mult: np.float32, a_zero_point: int,
               b: np.ndarray, b_mult: np.float32, b_zero_point: int, out: np.ndarray,
               out_zero_point: int, lo: int, hi: int, num_threads: int) -> None:
    """Run ``kern`` on validated C-contiguous 8-bit arrays of one size (signed zero points).

    ``lo``/``hi`` are the quantized output bounds; ``a_mult``/``b_mult`` are float32 scale
    ratios in (0, 2**24].
    """
    fa = 0x80 if a.dtype == np.int8 else 0
    fb = 0x80 if b.dtype == np.int8 else 0
    fo = 0x80 if out.dtype == np.int8 else 0
    kern.run(a.reshape(-1).view(np.uint8), b.reshape(-1).view(np.uint8),
             out.reshape(-1).view(np.uint8), a_mult, a_zero_point + fa, b_mult,
             b_zero_point + fb, np.float32(lo - out_zero_point),
             np.float32(hi - out_zero_point), out_zero_point + fo, fa, fb, fo, num_threads)


def _native() -> dict[str, list[Kernel]]:
    from pyedge.kernels._cython import vadd as nat
    from pyedge.kernels.cpu import ISAS

    def bind(index: int):
        def run(*args):
            nat.vadd(index, *args)
        return run

    found: dict[str, list[Kernel]] = {f: [] for f in FAMILIES}
    for u in nat.ukernels():
        found[u["family"]].append(Kernel(u["name"], u["family"], "native", ISAS[u["isa"]],
                                         bind(u["index"]), dict(u)))
    return found


def _register(family: str) -> None:
    def native() -> list[Kernel]:
        return _native()[family]

    def numba() -> list[Kernel]:
        from pyedge.kernels._numba import vadd as nb

        return [Kernel(f"{family}__numba", family, "numba", "numba", nb.vadd)]

    def numpy() -> list[Kernel]:
        from pyedge.kernels._numpy import vadd as npy

        return [Kernel(f"{family}__numpy", family, "numpy", "numpy", npy.vadd)]

    registry.register(family, "native", native)
    registry.register(family, "numba", numba)
    registry.register(family, "numpy", numpy)


for _family in FAMILIES:
    _register(_family)

__all__ = ["FAMILIES", "family_for", "vadd_bytes"]
