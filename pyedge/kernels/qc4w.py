"""Grouped INT4 GEMM: ``pack_qc4w`` (once) and ``gemm_qc4w`` (f32 or dynamic int8 activations).

Two families share the encoding :class:`pyedge.tensors.Int4Grouped`:
``f32_qc4w_gemm`` (float activations, float accumulation) and ``qd8_f32_qc4w_gemm`` (rows
quantized to int8 per call, exact int32 group dot products, then the fixed float32 sequence
of kernels/include/pyedge/qc4w-gemm.h, identical in every backend).
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels import registry
from pyedge.kernels.aligned import aligned_empty
from pyedge.kernels.checks import check_array, resolve_out
from pyedge.kernels.registry import Kernel
from pyedge.tensors import Int4Grouped

FAMILY_F32 = "f32_qc4w_gemm"
FAMILY_QD8 = "qd8_f32_qc4w_gemm"
ACTIVATIONS = {"f32": FAMILY_F32, "qd8": FAMILY_QD8}


def _aligned(a: np.ndarray) -> np.ndarray:
    buf = aligned_empty(a.size, a.dtype)
    buf[...] = a.ravel()
    buf.flags.writeable = False
    return buf


def _pack_canonical(w: Int4Grouped, kb: int) -> tuple[np.ndarray, np.ndarray]:
    return _aligned(w.q), _aligned(w.scale.astype(np.float32))


def _pack_lanes(w: Int4Grouped, kb: int) -> tuple[np.ndarray, np.ndarray]:
    """K16X8 (kb=128) / K8X8 (kb=64): nibble t of word j of a block holds k = 16t+j (8t+j)."""
    n, k = w.shape
    lanes = kb // 8
    kpad = -(-k // max(kb, w.group_size)) * max(kb, w.group_size)
    u = np.zeros((n, kpad), dtype=np.uint32)
    u[:, :k] = w.values().view(np.uint8) & np.uint8(0x0F)
    u = u.reshape(n, kpad // kb, 8, lanes)  # [N, blocks, t, lane]
    words = (u << (4 * np.arange(8, dtype=np.uint32))[None, None, :, None]).sum(
        axis=2, dtype=np.uint32)  # [N, blocks, lanes]
    scale = np.zeros((n, kpad // w.group_size), dtype=np.float32)
    scale[:, :k // w.group_size] = w.scale
    return _aligned(np.ascontiguousarray(words, dtype="<u4").view(np.uint8)), _aligned(scale)


def _pack_blocks(w: Int4Grouped, sub: int) -> tuple[np.ndarray, np.ndarray]:
    """C16K8 (sub=1) / C64K8 (sub=4): blocks of 16*sub channels, per 8-k chunk ``sub``
    16-channel pieces of 64 bytes; offset nibbles u = q + 8; float16 scales [block][G][lane]."""
    n, k = w.shape
    cb = 16 * sub
    nb = -(-n // cb)
    u = np.full((nb * cb, k), 8, dtype=np.uint8)
    u[:n] = (w.values() + 8).astype(np.uint8)
    u = u.reshape(nb, cb, k // 8, 8)  # [block, lane, chunk, 8 k]
    byte = u[..., :4] | (u[..., 4:] << np.uint8(4))  # [block, lane, chunk, 4]
    byte = byte.transpose(0, 2, 1, 3)  # [block, chunk, lane, 4]
    scale = np.zeros((nb * cb, k // w.group_size), dtype=np.float16)
    scale[:n] = w.scale
    scale = scale.reshape(nb, cb, -1).transpose(0, 2, 1)  # [block, group, lane]
    return _aligned(byte), _aligned(scale.view(np.uint16))


def _pack_k8c16(w: Int4Grouped, kb: int) -> tuple[np.ndarray, np.ndarray]:
    """K8C16: 16-channel blocks; per 8-k chunk, nibble t of word j = q[16 b + j, 8 c + t]."""
    n, k = w.shape
    nb = -(-n // 16)
    u = np.zeros((nb * 16, k), dtype=np.uint32)
    u[:n] = w.values().view(np.uint8) & np.uint8(0x0F)
    u = u.reshape(nb, 16, k // 8, 8)  # [block, lane, chunk, t]
    words = (u << (4 * np.arange(8, dtype=np.uint32))).sum(axis=3, dtype=np.uint32)
    words = words.transpose(0, 2, 1)  # [block, chunk, lane]
    scale = np.zeros((nb * 16, k // w.group_size), dtype=np.float32)
    scale[:n] = w.scale
    scale = scale.reshape(nb, 16, -1).transpose(0, 2, 1)  # [block, group, lane]
    return _aligned(np.ascontiguousarray(words, dtype="<u4").view(np.uint8)), _aligned(scale)


def _pack_kmajor(w: Int4Grouped, kb: int) -> tuple[np.ndarray, np.ndarray]:
    """Numba twin's layout: canonical bytes and float32 scales transposed to [K/2, N], [G, N]."""
    return _aligned(w.q.T), _aligned(w.scale.astype(np.float32).T)


PACKERS = {"canonical": _pack_canonical, "kmajor": _pack_kmajor, "k16x8": _pack_lanes,
           "k8x8": _pack_lanes, "k8c16": _pack_k8c16,
           "c16k8": lambda w, kb: _pack_blocks(w, 1),
           "c64k8": lambda w, kb: _pack_blocks(w, 4)}


class PackedQC4W:
    """:class:`Int4Grouped` weights prepared for :func:`gemm_qc4w`.

    Keeps the encoding and one packed (weights, scales) pair per kernel layout, created on
    first use and then reused (packing is done once, at load).
    """

    def __init__(self, w: Int4Grouped):
        if not isinstance(w, Int4Grouped):
            raise TypeError(f"w must be an Int4Grouped, got {type(w).__name__}")
        self.w = w
        self._packed: dict = {}

    @property
    def shape(self) -> tuple[int, int]:
        return self.w.shape

    @property
    def group_size(self) -> int:
        return self.w.group_size

    def packed_for(self, kernel: Kernel) -> tuple[np.ndarray, np.ndarray]:
        """(weights, scales) in ``kernel``'s layout."""
        layout = kernel.params.get("layout", "canonical")
        kb = kernel.params.get("kb", 32)
        key = (layout, kb)
        if key not in self._packed:
            self._packed[key] = PACKERS[layout](self.w, kb)
        return self._packed[key]


def pack_qc4w(w: Int4Grouped) -> PackedQC4W:
    """Prepare :class:`Int4Grouped` weights for repeated :func:`gemm_qc4w` calls."""
    return PackedQC4W(w)


def gemm_qc4w(x: np.ndarray, w: Int4Grouped | PackedQC4W, bias: np.ndarray | None = None,
              activations: str = "f32", *, out: np.ndarray | None = None,
              num_threads: int | None = None, kernel: str | Kernel | None = None) -> np.ndarray:
    """``out[M, N] = x @ w.T + bias`` with grouped int4 weights.

    Parameters
    ----------
    x : float32 ndarray (M, K), C-contiguous
    w : Int4Grouped, or PackedQC4W from :func:`pack_qc4w` (packs once; pass it for repeated
        calls)
    bias : float32 ndarray (N,), optional
    activations : ``"f32"`` (float activations, float accumulation; within
        ``tests.tolerances.F32_LOWBIT`` of the exact product) or ``"qd8"`` (each row of x
        quantized to int8 with one scale per row, exact int32 dot products per group, then
        the float32 sequence of kernels/include/pyedge/qc4w-gemm.h; x must be finite)
    out : preallocated float32 (M, N), optional
    num_threads : int, optional (default ``pyedge.get_num_threads()``); results do not depend on it
    kernel : kernel name or Kernel, optional; forces one implementation (tests, benchmarks)
    """
    packed = w if isinstance(w, PackedQC4W) else PackedQC4W(w)
    if activations not in ACTIVATIONS:
        raise ValueError(f"activations must be 'f32' or 'qd8', got {activations!r}")
    x = check_array("x", x, (np.float32,), ndim=2)
    n, k = packed.shape
    m = x.shape[0]
    if x.shape[1] != k:
        raise ValueError(f"x has K={x.shape[1]} but w has K={k}")
    if bias is not None:
        bias = check_array("bias", bias, (np.float32,), shape=(n,))
    if activations == "qd8" and not (np.isfinite(x.max()) and np.isfinite(x.min())):
        raise ValueError("x holds NaN or Inf (qd8 activations need finite values)")
    out = resolve_out(out, (m, n), np.float32)
    threads = registry.config.resolve_threads(num_threads)
    kern = registry.resolve(ACTIVATIONS[activations], kernel, m)
    wp, sp = packed.packed_for(kern)
    kern.run(kern.params, x, wp, sp, bias, out, packed.group_size, threads)
    return out


def _native(qd8: bool) -> list[Kernel]:
    from pyedge.kernels._cython import qc4w as nat
    from pyedge.kernels.cpu import ISAS

    entry = nat.gemm_qd8 if qd8 else nat.gemm_f32
    family = FAMILY_QD8 if qd8 else FAMILY_F32

    def run(params, x, wp, sp, bias, out, group, threads):
        entry(params["index"], x, wp, sp, bias, out, group, threads)

    return [Kernel(u["name"], family, "native", ISAS[u["isa"]], run, u, min_m=u["min_m"])
            for u in nat.ukernels() if u["qd8"] == qd8]


def _numba(qd8: bool) -> list[Kernel]:
    from pyedge.kernels._numba import qc4w as nb

    if qd8:
        return [Kernel("qd8_f32_qc4w_gemm__numba", FAMILY_QD8, "numba", "numba", nb.gemm_qd8,
                       {"layout": "kmajor"})]
    return [Kernel("f32_qc4w_gemm__numba", FAMILY_F32, "numba", "numba", nb.gemm_f32,
                   {"layout": "kmajor"})]


def _numpy(qd8: bool) -> list[Kernel]:
    from pyedge.kernels._numpy import qc4w as npy

    if qd8:
        return [Kernel("qd8_f32_qc4w_gemm__numpy", FAMILY_QD8, "numpy", "numpy", npy.gemm_qd8)]
    return [Kernel("f32_qc4w_gemm__numpy", FAMILY_F32, "numpy", "numpy", npy.gemm_f32)]


for _qd8, _family in ((False, FAMILY_F32), (True, FAMILY_QD8)):
    registry.register(_family, "native", lambda q=_qd8: _native(q))
    registry.register(_family, "numba", lambda q=_qd8: _numba(q))
    registry.register(_family, "numpy", lambda q=_qd8: _numpy(q))

__all__ = ["PackedQC4W", "gemm_qc4w", "pack_qc4w"]
