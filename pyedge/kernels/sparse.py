"""Sparse x dense matmul: ``spmm(w, x[K, B])`` and ``spmm_t(x[B, K], w)`` for CSR/BSR weights.

One kernel family per value type, encoding and block shape (``f32_spmm_csr``,
``f32_spmm_bsr_8x1``, ``f32_qc8w_spmm_csr`` for int8 values with per-row scales ...), each with
native (AVX-512 / AVX2 / portable C), Numba and NumPy implementations. Float activations and
outputs; row scale, bias and ReLU / ReLU6 / clamp are fused into the kernel.
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels import registry
from pyedge.kernels.checks import check_array, resolve_out
from pyedge.kernels.registry import Kernel
from pyedge.tensors.bsr import BSR
from pyedge.tensors.compressed import BLOCKS, frozen
from pyedge.tensors.csr import CSR

ACTIVATIONS = ("none", "relu", "relu6", "clamp")


def family_of(block: tuple[int, int], values_dtype=np.float32) -> str:
    """Kernel family for ``block`` (1x1 = CSR) and float32 or int8 (``qc8w``) values."""
    prefix = "f32_qc8w_spmm" if np.dtype(values_dtype) == np.int8 else "f32_spmm"
    if tuple(block) == (1, 1):
        return f"{prefix}_csr"
    return f"{prefix}_bsr_{block[0]}x{block[1]}"


FAMILIES = tuple(family_of(b, dt) for dt in (np.float32, np.int8) for b in BLOCKS)


_FIXED_BOUNDS = {"none": (np.float32(-np.inf), np.float32(np.inf)),
                 "relu": (np.float32(0), np.float32(np.inf)),
                 "relu6": (np.float32(0), np.float32(6))}


def _bounds(activation: str, clamp) -> tuple[np.float32, np.float32]:
    fixed = _FIXED_BOUNDS.get(activation)
    if fixed is not None:
        return fixed
    if activation == "clamp":
        if clamp is None or len(clamp) != 2 or np.isnan(clamp[0]) or np.isnan(clamp[1]) \
                or clamp[0] > clamp[1]:
            raise ValueError(f"activation='clamp' needs clamp=(lo, hi) with lo <= hi, "
                             f"got {clamp!r}")
        return np.float32(clamp[0]), np.float32(clamp[1])
    raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")


def _check_weight(w) -> None:
    if type(w) is not CSR and type(w) is not BSR:  # exact types: their arrays are validated
        raise TypeError(f"w must be a pyedge.tensors.CSR or BSR, got {type(w).__name__}")
    if w.values.dtype not in (np.float32, np.int8):  # pragma: no cover - encodings check it
        raise TypeError(f"w must have float32 or int8 values, got {w.values.dtype}")


def _prepare(w, x, bias, activation, clamp, out, shape):
    lo, hi = _bounds(activation, clamp)
    if bias is not None:
        bias = check_array("bias", bias, (np.float32,), shape=(w.shape[0],))
    out = resolve_out(out, shape, np.float32)
    if np.shares_memory(out, x) or (bias is not None and np.shares_memory(out, bias)):
        raise ValueError("out must not overlap x or bias")
    return bias, lo, hi, out


def spmm(w: CSR | BSR, x: np.ndarray, bias: np.ndarray | None = None,
         activation: str = "none", clamp: tuple[float, float] | None = None, *,
         out: np.ndarray | None = None, num_threads: int | None = None,
         kernel: str | Kernel | None = None) -> np.ndarray:
    """``out[N, B] = act(w @ x + bias[:, None])`` with sparse ``w[N, K]``.

    Parameters
    ----------
    w : CSR or BSR with float32 values, shape (N, K)
    x : float32 array (K, B), C-contiguous (channel-major activations, e.g. B pixels)
    bias : float32 array (N,), optional
    activation : ``none``, ``relu``, ``relu6`` or ``clamp`` (with ``clamp=(lo, hi)``)
    out : preallocated float32 (N, B), optional; must not overlap ``x``
    num_threads : int, optional; results do not depend on it
    kernel : kernel name or Kernel, optional; forces one implementation
    """
    _check_weight(w)
    x = check_array("x", x, (np.float32,), ndim=2)
    n, k = w.shape
    if x.shape[0] != k:
        raise ValueError(f"x has {x.shape[0]} rows but w has K={k}")
    bias, lo, hi, out = _prepare(w, x, bias, activation, clamp, out, (n, x.shape[1]))
    return _run(w, x, False, bias, lo, hi, out, num_threads, kernel)


def spmm_t(x: np.ndarray, w: CSR | BSR, bias: np.ndarray | None = None,
           activation: str = "none", clamp: tuple[float, float] | None = None, *,
           out: np.ndarray | None = None, num_threads: int | None = None,
           kernel: str | Kernel | None = None) -> np.ndarray:
    """``out[B, N] = act(x @ w.T + bias)`` with sparse ``w[N, K]`` (B = 1 is a sparse GEMV).

    Parameters are those of :func:`spmm` with ``x`` row-major of shape (B, K) and ``out`` of
    shape (B, N).
    """
    _check_weight(w)
    x = check_array("x", x, (np.float32,), ndim=2)
    n, k = w.shape
    if x.shape[1] != k:
        raise ValueError(f"x has K={x.shape[1]} but w has K={k}")
    bias, lo, hi, out = _prepare(w, x, bias, activation, clamp, out, (x.shape[0], n))
    return _run(w, x, True, bias, lo, hi, out, num_threads, kernel)


def _run(w, x, transposed, bias, lo, hi, out, num_threads, kernel):
    threads = registry.config.resolve_threads(num_threads)
    kern = registry.resolve(family_of(w.block, w.values.dtype), kernel)
    kern.run(kern.params, transposed, w, x, bias, lo, hi, out, threads)
    return out


def block_row_chunks(w, threads: int) -> np.ndarray:
    """Block-row limits of ``threads`` chunks holding about the same number of blocks (cached)."""
    bounds = w._packed.get(("chunks", threads))
    if bounds is not None:
        return bounds
    indptr = w._packed.get("indptr64")
    if indptr is None:
        indptr = w._packed["indptr64"] = frozen(w.indptr.astype(np.int64))
    nbr = indptr.shape[0] - 1
    nchunks = max(1, min(threads, nbr))
    targets = indptr[-1] * np.arange(nchunks + 1, dtype=np.int64) // nchunks
    bounds = np.searchsorted(indptr, targets, side="left").astype(np.int64)
    bounds[0], bounds[-1] = 0, nbr
    bounds = w._packed[("chunks", threads)] = frozen(np.maximum.accumulate(bounds))
    return bounds


def _aligned_rows(x: np.ndarray, address) -> np.ndarray:
    """``x[K, B]`` as the spmm ukernels like it: rows on 64-byte boundaries for B < 256, rows
    sharing one alignment for wider x (the ukernels then peel the first columns).

    Every stored weight reads a whole row of x; loads that straddle cache lines cost far more
    than this one copy.
    """
    k, nb = x.shape
    if nb < 16 or (nb % 16 == 0 and (nb >= 256 or address(x) % 64 == 0)):
        return x
    ld = -(-nb // 16) * 16
    raw = np.empty(k * ld + 16, dtype=np.float32)
    start = (-address(raw) % 64) // 4
    buf = raw[start:start + k * ld].reshape(k, ld)  # 64-byte aligned rows of ld floats
    buf[:, :nb] = x
    return buf[:, :nb]


def _native() -> list[Kernel]:
    from pyedge.kernels._cython import spmm as nat
    from pyedge.kernels.cpu import ISAS

    def run(params, transposed, w, x, bias, lo, hi, out, threads):
        bounds = block_row_chunks(w, threads)
        if not transposed and x.shape[1] == 1:  # GEMV: x[K, 1] is x[1, K]; out[N, 1] is [1, N]
            x, out, transposed = x.reshape(1, -1), out.reshape(1, -1), True
        elif not transposed:
            x = _aligned_rows(x, nat.data_address)
        nat.run(params["index"], transposed, w._packed["indptr64"], w.indices, w.values,
                w.scale, x, bias, lo, hi, out, bounds)

    return [Kernel(u["name"], family_of((u["r"], u["c"]), np.int8 if u["q8"] else np.float32),
                   "native", ISAS[u["isa"]], run, dict(u)) for u in nat.ukernels()]


def _loader(backend: str, family: str):
    def load() -> list[Kernel]:
        if backend == "native":
            return [k for k in _native() if k.family == family]
        if backend == "numba":
            from pyedge.kernels._numba import spmm as mod
        else:
            from pyedge.kernels._numpy import spmm as mod
        return [Kernel(f"{family}_minmax__{backend}", family, backend, backend, mod.run)]
    return load


for _family in FAMILIES:
    for _backend in ("native", "numba", "numpy"):
        registry.register(_family, _backend, _loader(_backend, _family))

__all__ = ["FAMILIES", "family_of", "spmm", "spmm_t"]
