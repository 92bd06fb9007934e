"""Codebook GEMM: ``pack_lut`` (once) and ``gemm_lut`` (float activations x b-bit indices).

One family per index width: ``f32_lut2_gemm``, ``f32_lut3_gemm``, ``f32_lut4_gemm``. Kernels
look indices up in a per-channel table held in registers and never form float weights
(the NumPy fallback is the exception: it decodes and uses BLAS).
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels import registry
from pyedge.kernels.aligned import aligned_empty
from pyedge.kernels.checks import check_array, resolve_out
from pyedge.kernels.registry import Kernel
from pyedge.tensors import Codebook

FAMILIES = {2: "f32_lut2_gemm", 3: "f32_lut3_gemm", 4: "f32_lut4_gemm"}


def _aligned(a: np.ndarray) -> np.ndarray:
    buf = aligned_empty(a.size, a.dtype)
    buf[...] = a.ravel()
    buf.flags.writeable = False
    return buf


def _pack_lanes(w: Codebook, lanes: int) -> np.ndarray:
    """Fields of ``bits`` in uint32 words: bits [b t, b t + b) of word j of a block = k L t + j."""
    n, k = w.shape
    per = 32 // w.bits
    kb = lanes * per
    kpad = -(-k // kb) * kb
    idx = np.zeros((n, kpad), dtype=np.uint32)
    idx[:, :k] = w.index_array()
    idx = idx.reshape(n, kpad // kb, per, lanes)  # [N, blocks, t, lane]
    shifts = (w.bits * np.arange(per, dtype=np.uint32))[None, None, :, None]
    words = (idx << shifts).sum(axis=2, dtype=np.uint32)  # [N, blocks, lanes]
    return _aligned(words.astype("<u4").view(np.uint8))


def _pack_k8c16(w: Codebook) -> np.ndarray:
    """K8C16: 16-channel blocks; per 8-k chunk, nibble t of word j = index[16 b + j, 8 c + t]."""
    n, k = w.shape
    nb, kpad = -(-n // 16), -(-k // 8) * 8
    idx = np.zeros((nb * 16, kpad), dtype=np.uint32)
    idx[:n, :k] = w.index_array()
    idx = idx.reshape(nb, 16, kpad // 8, 8)  # [block, lane, chunk, t]
    words = (idx << (4 * np.arange(8, dtype=np.uint32))).sum(axis=3, dtype=np.uint32)
    return _aligned(np.ascontiguousarray(words.transpose(0, 2, 1), dtype="<u4").view(np.uint8))


class PackedLUT:
    """:class:`Codebook` weights prepared for :func:`gemm_lut`: per-channel periodic 16-entry
    tables (entry i = level of index i mod 2**bits) and one index buffer per layout."""

    def __init__(self, w: Codebook):
        if not isinstance(w, Codebook):
            raise TypeError(f"w must be a Codebook, got {type(w).__name__}")
        self.w = w
        n = w.shape[0]
        table = np.broadcast_to(w.levels, (n, w.levels.shape[1]))
        levels16 = np.zeros((-(-n // 16) * 16, 16), dtype=np.float32)  # rows padded to 16
        levels16[:n] = np.tile(table, (1, 16 // table.shape[1]))
        self.levels16 = levels16
        self.levels16.flags.writeable = False
        self._packed: dict = {}

    @property
    def shape(self) -> tuple[int, int]:
        return self.w.shape

    @property
    def bits(self) -> int:
        return self.w.bits

    def packed_for(self, kernel: Kernel) -> np.ndarray:
        """The index buffer in ``kernel``'s layout (packed once per layout)."""
        lanes = kernel.params.get("lanes", 0)
        if lanes not in self._packed:
            if lanes == 0:
                self._packed[lanes] = _aligned(self.w.indices)
            elif lanes == 1:
                self._packed[lanes] = _pack_k8c16(self.w)
            else:
                self._packed[lanes] = _pack_lanes(self.w, lanes)
        return self._packed[lanes]


def pack_lut(w: Codebook) -> PackedLUT:
    """Prepare :class:`Codebook` weights for repeated :func:`gemm_lut` calls."""
    return PackedLUT(w)


def gemm_lut(x: np.ndarray, w: Codebook | PackedLUT, bias: np.ndarray | None = None, *,
             out: np.ndarray | None = None, num_threads: int | None = None,
             kernel: str | Kernel | None = None) -> np.ndarray:
    """``out[M, N] = x @ decode(w).T + bias`` by table lookup.

    Parameters
    ----------
    x : float32 ndarray (M, K), C-contiguous
    w : Codebook (2, 3 or 4 bits), or PackedLUT from :func:`pack_lut` (packs once)
    bias : float32 ndarray (N,), optional
    out : preallocated float32 (M, N), optional
    num_threads : int, optional (default ``pyedge.get_num_threads()``); results do not depend on it
    kernel : kernel name or Kernel, optional; forces one implementation (tests, benchmarks)

    Float32 accumulation: within ``tests.tolerances.F32_LOWBIT`` of the exact product.
    """
    packed = w if isinstance(w, PackedLUT) else PackedLUT(w)
    x = check_array("x", x, (np.float32,), ndim=2)
    n, k = packed.shape
    m = x.shape[0]
    if x.shape[1] != k:
        raise ValueError(f"x has K={x.shape[1]} but w has K={k}")
    if bias is not None:
        bias = check_array("bias", bias, (np.float32,), shape=(n,))
    out = resolve_out(out, (m, n), np.float32)
    threads = registry.config.resolve_threads(num_threads)
    kern = registry.resolve(FAMILIES[packed.bits], kernel, m)
    kern.run(kern.params, x, packed.packed_for(kern), packed.levels16, bias, out, packed.bits,
             threads)
    return out


def _native(bits: int) -> list[Kernel]:
    from pyedge.kernels._cython import lut as nat
    from pyedge.kernels.cpu import ISAS

    def run(params, x, wp, levels, bias, out, b, threads):
        nat.gemm(params["index"], x, wp, levels, bias, out, threads)

    return [Kernel(u["name"], FAMILIES[bits], "native", ISAS[u["isa"]], run, u,
                   min_m=u["min_m"]) for u in nat.ukernels() if u["bits"] == bits]


def _numba(bits: int) -> list[Kernel]:
    from pyedge.kernels._numba import lut as nb

    return [Kernel(f"f32_lut{bits}_gemm__numba", FAMILIES[bits], "numba", "numba", nb.gemm)]


def _numpy(bits: int) -> list[Kernel]:
    from pyedge.kernels._numpy import lut as npy

    return [Kernel(f"f32_lut{bits}_gemm__numpy", FAMILIES[bits], "numpy", "numpy", npy.gemm)]


for _bits, _family in FAMILIES.items():
    registry.register(_family, "native", lambda b=_bits: _native(b))
    registry.register(_family, "numba", lambda b=_bits: _numba(b))
    registry.register(_family, "numpy", lambda b=_bits: _numpy(b))

__all__ = ["PackedLUT", "gemm_lut", "pack_lut"]
