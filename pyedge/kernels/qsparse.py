"""Integer sparse matmul: uint8/int8 activations x int8 CSR/BSR weights, qgemm numerics.

``qspmm(w, x[K, B], zp)`` and ``qspmm_t(x[B, K], w, zp)`` accumulate in int32, subtract
``zp * wsum[n]`` (per-row sums of the int8 values, computed once per encoding), add the int32
bias and apply the epilogue of :func:`pyedge.kernels.qgemm` (raw int32, requantized 8-bit with
one float32 multiply and round half to even, or float32), bit-exact across every backend.
One family per block shape: ``qs8_qc8w_spmm_csr``, ``qs8_qc8w_spmm_bsr_8x1`` ...
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels import registry
from pyedge.kernels.checks import check_array, check_int, resolve_out
from pyedge.kernels.qoutput import QRANGE, check_qoutput
from pyedge.kernels.registry import Kernel
from pyedge.kernels.sparse import block_row_chunks
from pyedge.tensors.bsr import BSR
from pyedge.tensors.compressed import BLOCKS, frozen
from pyedge.tensors.csr import CSR

MAX_K = 32768  # 255 * 127 * 2 * K must stay below 2**31


def family_of(block: tuple[int, int]) -> str:
    """Integer sparse matmul family of ``block`` (1x1 = CSR)."""
    if tuple(block) == (1, 1):
        return "qs8_qc8w_spmm_csr"
    return f"qs8_qc8w_spmm_bsr_{block[0]}x{block[1]}"


FAMILIES = tuple(family_of(b) for b in BLOCKS)


def row_sums(w: CSR | BSR) -> np.ndarray:
    """int32 sum of the int8 values of every row of ``w`` (cached on the encoding)."""
    wsum = w._packed.get("wsum")
    if wsum is None:
        r, c = w.block
        nbr = w.shape[0] // r
        brow = np.repeat(np.arange(nbr), np.diff(w.indptr.astype(np.int64)))
        per_block = w.values.reshape(-1, r, c).sum(axis=2, dtype=np.int64)  # [nnzb, r]
        acc = np.zeros((nbr, r), dtype=np.int64)
        np.add.at(acc, brow, per_block)
        wsum = w._packed["wsum"] = frozen(acc.reshape(-1).astype(np.int32))
    return wsum


def _call(w, x, transposed, x_zero_point, bias_int32, multiplier, out_zero_point, out_dtype,
          clamp, out, num_threads, kernel):
    if type(w) is not CSR and type(w) is not BSR:  # exact types: their arrays are validated
        raise TypeError(f"w must be a pyedge.tensors.CSR or BSR, got {type(w).__name__}")
    if w.values.dtype != np.int8:
        raise TypeError(f"w must have int8 values (from_dense(..., dtype=int8)), got "
                        f"{w.values.dtype}")
    n, k = w.shape
    if k > MAX_K:
        raise ValueError(f"w has K={k} > {MAX_K}: int32 accumulators could overflow")
    x = check_array("x", x, (np.uint8, np.int8), ndim=2)
    if x.shape[1 if transposed else 0] != k:
        raise ValueError(f"x has K={x.shape[1 if transposed else 0]} but w has K={k}")
    lo_x, hi_x = QRANGE[x.dtype]
    zp = check_int("x_zero_point", x_zero_point, lo_x, hi_x)
    if x.dtype == np.int8:  # exact: u8 = s8 + 128, zp_u8 = zp_s8 + 128
        x = x.view(np.uint8) ^ np.uint8(0x80)
        zp += 128
    q = check_qoutput(n, bias_int32, multiplier, out_zero_point, out_dtype, clamp)
    shape = (x.shape[0], n) if transposed else (n, x.shape[1])
    out = resolve_out(out, shape, q.dtype)
    if np.shares_memory(out, x):
        raise ValueError("out must not overlap x")
    threads = registry.config.resolve_threads(num_threads)
    kern = registry.resolve(family_of(w.block), kernel)
    kern.run(kern.params, transposed, w, x, zp, row_sums(w), q.bias, q.multiplier, q.kind,
             q.zero_point, q.qmin, q.qmax, q.fmin, q.fmax, out, threads)
    return out


def qspmm(w: CSR | BSR, x: np.ndarray, x_zero_point: int,
          bias_int32: np.ndarray | None = None, multiplier=None, out_zero_point: int = 0,
          out_dtype=np.int32, clamp: tuple | None = None, *, out: np.ndarray | None = None,
          num_threads: int | None = None, kernel: str | Kernel | None = None) -> np.ndarray:
    """``out[N, B] = epilogue(w @ (x - x_zero_point) + bias)`` with int8 sparse ``w[N, K]``.

    Parameters
    ----------
    w : CSR or BSR with int8 values (its per-row scales are not used here: fold them into
        ``multiplier``, as for :func:`pyedge.kernels.qgemm`)
    x : uint8 or int8 array (K, B), C-contiguous
    x_zero_point : int in the range of ``x``'s dtype
    bias_int32, multiplier, out_zero_point, out_dtype, clamp, out, num_threads, kernel :
        as for :func:`pyedge.kernels.qgemm` (``out`` has shape (N, B))
    """
    return _call(w, x, False, x_zero_point, bias_int32, multiplier, out_zero_point, out_dtype,
                 clamp, out, num_threads, kernel)


def qspmm_t(x: np.ndarray, w: CSR | BSR, x_zero_point: int,
            bias_int32: np.ndarray | None = None, multiplier=None, out_zero_point: int = 0,
            out_dtype=np.int32, clamp: tuple | None = None, *, out: np.ndarray | None = None,
            num_threads: int | None = None, kernel: str | Kernel | None = None) -> np.ndarray:
    """``out[B, N] = epilogue((x - x_zero_point) @ w.T + bias)``; ``x`` is (B, K) row-major.

    Same parameters and numerics as :func:`qspmm`.
    """
    return _call(w, x, True, x_zero_point, bias_int32, multiplier, out_zero_point, out_dtype,
                 clamp, out, num_threads, kernel)


def _native() -> list[Kernel]:
    from pyedge.kernels._cython import qspmm as nat
    from pyedge.kernels.cpu import ISAS

    vnni = ISAS.index("avx512vnni")  # its spmm_t reads x only by dwords inside rows for B >= 4

    def run(params, transposed, w, x, zp, wsum, bias, mult, kind, ozp, qmin, qmax, fmin, fmax,
            out, threads):
        bounds = block_row_chunks(w, threads)
        if not transposed and x.shape[1] == 1:  # GEMV: x[K, 1] is x[1, K]; out[N, 1] is [1, N]
            x, out, transposed = x.reshape(1, -1), out.reshape(1, -1), True
        if transposed and (x.shape[0] < 4 or params["isa"] != vnni):
            # gather ukernels may read the 3 bytes before x: give it a 4-byte head
            buf = np.empty(x.size + 4, np.uint8)
            buf[4:] = x.reshape(-1)
            x = buf[4:].reshape(x.shape)
        nat.run(params["index"], transposed, w._packed["indptr64"], w.indices, w.values, x, zp,
                wsum, bias, mult, kind, ozp, qmin, qmax, fmin, fmax, out, bounds)

    return [Kernel(u["name"], family_of((u["r"], u["c"])), "native", ISAS[u["isa"]], run,
                   dict(u)) for u in nat.ukernels()]


def _loader(backend: str, family: str):
    def load() -> list[Kernel]:
        if backend == "native":
            return [k for k in _native() if k.family == family]
        if backend == "numba":
            from pyedge.kernels._numba import qspmm as mod
        else:
            from pyedge.kernels._numpy import qspmm as mod
        return [Kernel(f"{family}_minmax__{backend}", family, backend, backend, mod.run)]
    return load


for _family in FAMILIES:
    for _backend in ("native", "numba", "numpy"):
        registry.register(_family, _backend, _loader(_backend, _family))

__all__ = ["FAMILIES", "family_of", "qspmm", "qspmm_t", "row_sums"]
