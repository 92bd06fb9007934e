"""Float32 GEMM with fused bias + activation for pointwise convolutions (``f32_gemm_minmax``).

``pack_f32w`` prepares weights ``w[N, K]`` once; ``sgemm`` computes
``clamp(a @ w.T + bias)`` with native (AVX-512 / AVX2 / portable C), Numba or NumPy kernels.
Skinny pointwise shapes (small N and K, many rows) are where it beats a general BLAS.
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels import registry
from pyedge.kernels.checks import check_array, resolve_out
from pyedge.kernels.convgeom import activation_bounds
from pyedge.kernels.registry import Kernel

FAMILY = "f32_gemm_minmax"


class PackedF32W:
    """Float32 weights ``w[N, K]`` with one packed copy per kernel layout (made on first use)."""

    def __init__(self, w: np.ndarray):
        w = check_array("w", w, (np.float32,), ndim=2)
        self.w = np.array(w, dtype=np.float32, order="C")
        self.w.flags.writeable = False
        self._packed: dict = {}

    @property
    def shape(self) -> tuple[int, int]:
        return self.w.shape

    def packed_for(self, kernel: Kernel) -> np.ndarray:
        """The weight buffer in ``kernel``'s layout (packed once per layout)."""
        layout = kernel.params.get("nr", 0)
        buf = self._packed.get(layout)
        if buf is None:
            pack = kernel.params.get("pack")
            buf = self.w if pack is None else pack(self.w)
            self._packed[layout] = buf
        return buf


def pack_f32w(w: np.ndarray) -> PackedF32W:
    """Prepare float32 weights ``w[N, K]`` (one row per output channel) for :func:`sgemm`."""
    return PackedF32W(w)


def sgemm(a: np.ndarray, w_packed: PackedF32W, bias: np.ndarray | None = None,
          activation: str = "none", clamp: tuple[float, float] | None = None, *,
          out: np.ndarray | None = None, num_threads: int | None = None,
          kernel: str | Kernel | None = None) -> np.ndarray:
    """``out[M, N] = act(a @ w.T + bias)`` in float32.

    Parameters
    ----------
    a : ndarray of float32, shape (M, K), C-contiguous
    w_packed : PackedF32W from :func:`pack_f32w`
    bias : float32 (N,), optional
    activation : ``none``, ``relu``, ``relu6`` or ``clamp`` (with ``clamp=(lo, hi)``)
    out : preallocated C-contiguous float32 (M, N), optional
    num_threads : int, optional; results do not depend on it
    kernel : kernel name or Kernel, optional; forces one implementation
    """
    if not isinstance(w_packed, PackedF32W):
        raise TypeError(f"w_packed must come from pack_f32w(), got {type(w_packed).__name__}")
    a = check_array("a", a, (np.float32,), ndim=2)
    n, k = w_packed.shape
    if a.shape[1] != k:
        raise ValueError(f"a has K={a.shape[1]} but w_packed has K={k}")
    if bias is not None:
        bias = check_array("bias", bias, (np.float32,), shape=(n,))
    lo, hi = activation_bounds(activation, clamp)
    out = resolve_out(out, (a.shape[0], n), np.float32)
    threads = registry.config.resolve_threads(num_threads)
    kern = registry.resolve(FAMILY, kernel)
    kern.run(kern.params, a, w_packed.packed_for(kern), bias, out, np.float32(lo),
             np.float32(hi), threads)
    return out


def _native() -> list[Kernel]:
    from pyedge.kernels._cython import sgemm as nat
    from pyedge.kernels.cpu import ISAS

    def run(params, *args):
        nat.gemm(params["index"], *args)

    return [Kernel(u["name"], FAMILY, "native", ISAS[u["isa"]], run,
                   dict(u, pack=lambda w, nr=u["nr"]: nat.pack(nr, w),
                        address=nat.ukernel_address(u["index"])))
            for u in nat.ukernels()]


def _numba() -> list[Kernel]:
    from pyedge.kernels._numba import sgemm as nb

    return [Kernel(f"{FAMILY}__numba", FAMILY, "numba", "numba", nb.gemm)]


def _numpy() -> list[Kernel]:
    from pyedge.kernels._numpy import sgemm as npy

    return [Kernel(f"{FAMILY}__numpy", FAMILY, "numpy", "numpy", npy.gemm)]


registry.register(FAMILY, "native", _native)
registry.register(FAMILY, "numba", _numba)
registry.register(FAMILY, "numpy", _numpy)

__all__ = ["PackedF32W", "pack_f32w", "sgemm"]
