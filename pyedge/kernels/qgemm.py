"""INT8 GEMM: ``pack_qc8w`` (weights, once) and ``qgemm`` (uint8/int8 activations x int8).

Numerics follow DESIGN.md: int32 accumulation, zero-point compensation with per-channel weight
sums taken at pack time, int32 bias, requantization with one float32 multiply, round half to
even and clamp.
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels import registry
from pyedge.kernels.aligned import aligned_empty
from pyedge.kernels.checks import check_array, check_int, resolve_out
from pyedge.kernels.qoutput import QRANGE, check_qoutput
from pyedge.kernels.registry import Kernel

FAMILY = "qs8_qc8w_gemm"
MAX_K = 32768  # 255 * 127 * 2 * K must stay below 2**31


class PackedQC8W:
    """Int8 weights ``w[N, K]`` (symmetric, in [-127, 127]) prepared for :func:`qgemm`.

    Holds a read-only canonical copy, the per-channel sums used for zero-point compensation,
    and one packed buffer per kernel layout (created on first use, then reused).
    """

    def __init__(self, w: np.ndarray):
        w = check_array("w", w, (np.int8,), ndim=2)
        n, k = w.shape
        if k > MAX_K:
            raise ValueError(f"w has K={k} > {MAX_K}: int32 accumulators could overflow")
        if (w == -128).any():
            raise ValueError("w holds -128; symmetric int8 weights must lie in [-127, 127]")
        self.w = np.array(w, dtype=np.int8, order="C")
        self.w.flags.writeable = False
        self.wsum = self.w.sum(axis=1, dtype=np.int32)
        self.wsum.flags.writeable = False
        self._packed: dict = {}

    @property
    def shape(self) -> tuple[int, int]:
        return self.w.shape

    def packed_for(self, kernel: Kernel) -> np.ndarray:
        """The weight buffer in ``kernel``'s layout (packed once per layout)."""
        layout = kernel.params.get("layout", "canonical")
        buf = self._packed.get(layout)
        if buf is None:
            pack = kernel.params.get("pack")
            buf = self.w if pack is None else pack(self.w)
            self._packed[layout] = buf
        return buf


def pack_qc8w(w: np.ndarray) -> PackedQC8W:
    """Prepare int8 per-channel weights ``w[N, K]`` for :func:`qgemm`.

    Parameters
    ----------
    w : ndarray of int8, shape (N, K)
        Symmetric weights in [-127, 127], one row per output channel.
    """
    return PackedQC8W(w)


def qgemm(a: np.ndarray, a_zero_point: int, w_packed: PackedQC8W,
          bias_int32: np.ndarray | None = None, multiplier=None, out_zero_point: int = 0,
          out_dtype=np.int32, clamp: tuple | None = None, *, out: np.ndarray | None = None,
          num_threads: int | None = None, kernel: str | Kernel | None = None) -> np.ndarray:
    """``out[M, N] = epilogue((a - a_zero_point) @ w.T + bias)``.

    Parameters
    ----------
    a : ndarray of uint8 or int8, shape (M, K), C-contiguous
    a_zero_point : int in the range of ``a``'s dtype
    w_packed : PackedQC8W from :func:`pack_qc8w`
    bias_int32 : int32 array (N,), optional, at scale ``s_in * s_w[n]``
    multiplier : float32 scalar or array (N,); required unless ``out_dtype`` is int32.
        8-bit outputs: ``q = clamp(rint(float32(acc) * m[n]) + out_zero_point)``;
        float32 output: ``acc * m[n]``.
    out_zero_point : int, zero point of an 8-bit output
    out_dtype : int32 (raw accumulators), uint8, int8 or float32
    clamp : (lo, hi), optional. Quantized bounds for 8-bit outputs (fused ReLU/ReLU6),
        float bounds for float32 output; not allowed for int32.
    out : preallocated C-contiguous output of shape (M, N) and ``out_dtype``, optional;
        64-byte aligned buffers are fastest (the default allocation is aligned)
    num_threads : int, optional (default ``pyedge.get_num_threads()``); results do not depend on it
    kernel : kernel name or Kernel, optional; forces one implementation (tests, benchmarks)
    """
    if not isinstance(w_packed, PackedQC8W):
        raise TypeError(f"w_packed must come from pack_qc8w(), got {type(w_packed).__name__}")
    a = check_array("a", a, (np.uint8, np.int8), ndim=2)
    n, k = w_packed.shape
    m = a.shape[0]
    if a.shape[1] != k:
        raise ValueError(f"a has K={a.shape[1]} but w_packed has K={k}")
    lo_a, hi_a = QRANGE[a.dtype]
    zp = check_int("a_zero_point", a_zero_point, lo_a, hi_a)
    if a.dtype == np.int8:  # exact: u8 = s8 + 128, zp_u8 = zp_s8 + 128
        a = a.view(np.uint8) ^ np.uint8(0x80)
        zp += 128
    q = check_qoutput(n, bias_int32, multiplier, out_zero_point, out_dtype, clamp)
    if out is None:  # 64-byte aligned rows when N allows: whole-cache-line (tile) stores
        out = aligned_empty(m * n, q.dtype).reshape(m, n)
    out = resolve_out(out, (m, n), q.dtype)
    threads = registry.config.resolve_threads(num_threads)
    kern = registry.resolve(FAMILY, kernel, m)
    kern.run(kern.params, a, zp, w_packed.packed_for(kern), w_packed.wsum, q.bias, q.multiplier,
             q.kind, q.zero_point, q.qmin, q.qmax, q.fmin, q.fmax, out, threads)
    return out


def _native() -> list[Kernel]:
    from pyedge.kernels._cython import qgemm as nat
    from pyedge.kernels.cpu import ISAS

    def run(params, a, zp, packed, wsum, bias, mult, kind, ozp, qmin, qmax, fmin, fmax, out,
            threads):
        nat.gemm(params["index"], a, zp, packed, wsum, bias, mult, kind, ozp, qmin, qmax,
                 fmin, fmax, out, threads)

    found = []
    for u in nat.ukernels():
        layout = (u["nr"], u["kr"], u["kc"])
        found.append(Kernel(u["name"], FAMILY, "native", ISAS[u["isa"]], run,
                            dict(u, layout=layout,
                                 pack=lambda w, i=u["index"]: nat.pack(i, w)),
                            min_m=u.get("min_m", 1)))
    return found


def _numba() -> list[Kernel]:
    from pyedge.kernels._numba import qgemm as nb

    return [Kernel("qs8_qc8w_gemm_minmax__numba", FAMILY, "numba", "numba", nb.gemm)]


def _numpy() -> list[Kernel]:
    from pyedge.kernels._numpy import qgemm as npy

    return [Kernel("qs8_qc8w_gemm_minmax__numpy", FAMILY, "numpy", "numpy", npy.gemm)]


registry.register(FAMILY, "native", _native)
registry.register(FAMILY, "numba", _numba)
registry.register(FAMILY, "numpy", _numpy)

__all__ = ["PackedQC8W", "pack_qc8w", "qgemm"]
