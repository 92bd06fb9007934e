# Pick the fastest encoding of a pruned weight (dense, CSR, BSR) by timing this host's kernels.
"""Measure, don't guess: time a pruned layer as dense, CSR and every BSR block shape.

Float32 weights run ``pyedge.kernels.sgemm`` (dense, the runtime's pointwise/im2col GEMM; or
NumPy's BLAS with ``dense_kernel="blas"``, as the runtime's Gemm op) against
``pyedge.kernels.spmm_t`` (what a LinearSparse node runs); int8 weights run
``pyedge.kernels.qgemm`` against ``qspmm_t``. Each option is timed on random activations of
the layer's shape (median of repeated calls within a per-layer time budget), and a sparse
encoding is chosen only when it beats dense by ``margin``, so a pruned layer is never slower
than its dense form.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from pyedge import kernels
from pyedge.compress.masks import check_weight
from pyedge.tensors import BSR, CSR
from pyedge.tensors.compressed import BLOCKS, quantize_rows

Timer = Callable[[str, Callable[[], object]], float]


def option_name(block: tuple[int, int]) -> str:
    """``"csr"`` for 1x1, else ``"bsr{r}x{c}"``."""
    return "csr" if tuple(block) == (1, 1) else f"bsr{block[0]}x{block[1]}"


def option_block(option: str) -> tuple[int, int] | None:
    """The (r, c) block of an option name (None for ``"dense"``)."""
    if option == "dense":
        return None
    for block in BLOCKS:
        if option_name(block) == option:
            return block
    raise ValueError(f"unknown encoding {option!r}: expected dense, csr or one of "
                     f"{', '.join(option_name(b) for b in BLOCKS[1:])}")


def candidates(shape: tuple[int, int]) -> list[str]:
    """``dense``, ``csr`` and every BSR block that tiles ``shape`` (N, K)."""
    n, k = shape
    return ["dense"] + [option_name(b) for b in BLOCKS if n % b[0] == 0 and k % b[1] == 0]


def _masked(w: np.ndarray, mask) -> tuple[np.ndarray, np.ndarray]:
    w = check_weight(w).astype(np.float32)
    if mask is None:
        mask = w != 0
    mask = np.asarray(mask)
    if mask.dtype != bool or mask.shape != w.shape:
        raise ValueError(f"mask must be a boolean array of shape {w.shape}, got "
                         f"{mask.dtype} {mask.shape}")
    return np.where(mask, w, np.float32(0)), mask


def build_encoding(w: np.ndarray, mask: np.ndarray | None, option: str,
                   dtype=np.float32) -> np.ndarray | CSR | BSR:
    """The weight ``w * mask`` in encoding ``option``.

    Returns the masked dense float32 ``[N, K]`` for ``"dense"`` (int8: the caller quantizes
    it per row, as :func:`pyedge.tensors.compressed.quantize_rows`), else a CSR / BSR with
    float32 or int8 values (per-row scales) storing exactly the kept entries (BSR: the
    blocks holding any; masked entries inside them are zeros).
    """
    wm, mask = _masked(w, mask)
    dt = _check_dtype(dtype)
    block = option_block(option)
    if block is None:
        return wm
    if block == (1, 1):
        return CSR.from_dense(wm, mask, dtype=dt)
    return BSR.from_dense(wm, block, mask, dtype=dt)


def _check_dtype(dtype) -> np.dtype:
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float32), np.dtype(np.int8)):
        raise TypeError(f"dtype must be float32 or int8, got {dt}")
    return dt


def median_seconds(run: Callable[[], object], budget: float, *, min_repeats: int = 3,
                   max_repeats: int = 50, cutoff: float = np.inf) -> float:
    """Median wall time of ``run()`` after one warm-up call: at least ``min_repeats`` calls,
    more while the total stays under ``budget`` seconds (at most ``max_repeats``).

    If the first timed call is slower than ``cutoff`` seconds it is returned as is (a clear
    loser is not worth repeating).
    """
    run()  # one-time costs (kernel loading, packing, caches) stay out of the samples
    samples: list[float] = []
    total = 0.0
    while len(samples) < max_repeats and (len(samples) < min_repeats or total < budget):
        t0 = time.perf_counter()
        run()
        dt = time.perf_counter() - t0
        if not samples and dt > cutoff:
            return dt
        samples.append(dt)
        total += dt
    return float(np.median(samples))


def _runner(w: np.ndarray, mask, option: str, dt: np.dtype, x: np.ndarray,
            dense_kernel: str, num_threads: int | None) -> Callable[[], object]:
    enc = build_encoding(w, mask, option, dt)
    m, n = x.shape[0], w.shape[0]
    if dt == np.float32:
        out = np.empty((m, n), np.float32)
        if option != "dense":
            return lambda: kernels.spmm_t(x, enc, out=out, num_threads=num_threads)
        if dense_kernel == "blas":
            wt = np.ascontiguousarray(enc.T)
            return lambda: np.matmul(x, wt, out=out)
        packed = kernels.pack_f32w(enc)
        return lambda: kernels.sgemm(x, packed, out=out, num_threads=num_threads)
    out = np.empty((m, n), np.int32)
    if option != "dense":
        return lambda: kernels.qspmm_t(x, enc, 128, out=out, num_threads=num_threads)
    packed = kernels.pack_qc8w(quantize_rows(enc)[0])
    return lambda: kernels.qgemm(x, 128, packed, out=out, num_threads=num_threads)


def fastest_sparse_encoding(w: np.ndarray, mask: np.ndarray | None, x_shape: tuple, *,
                            dtype=np.float32, options: list[str] | None = None,
                            budget: float = 0.05, margin: float = 0.05,
                            dense_kernel: str = "sgemm", num_threads: int | None = 1,
                            timer: Timer | None = None, seed: int = 0
                            ) -> tuple[str, dict[str, float]]:
    """Time ``w * mask`` as dense, CSR and each BSR block shape; return the fastest.

    Parameters
    ----------
    w : float ``[N, K]`` weight; mask : bool ``[N, K]`` (True = keep), None for ``w != 0``
    x_shape : activation shape ending in K (leading dims are rows, e.g. ``(B*H*W, K)``)
    dtype : float32 (float activations, spmm_t vs sgemm) or int8 (uint8 activations,
        int8 values with per-row scales, qspmm_t vs qgemm)
    options : encodings to consider (default :func:`candidates`); ``dense`` is always added
    budget : seconds of timed calls for the whole layer, shared by the options (an option
        whose first timed call takes over 3x the dense median is timed once only)
    margin : a sparse encoding must beat dense by this fraction to be chosen
    dense_kernel : ``"sgemm"`` (pyedge's packed GEMM) or ``"blas"`` (NumPy matmul) for dense
    num_threads : kernel threads while timing (default 1: single thread)
    timer : ``timer(option, run) -> seconds``, replacing the default median timing
        (tests inject a deterministic one)
    seed : seed of the random activations

    Returns
    -------
    (choice, {option: median seconds per call})
    """
    wm, mask = _masked(w, mask)
    dt = _check_dtype(dtype)
    n, k = wm.shape
    x_shape = tuple(int(d) for d in x_shape)
    if not x_shape or x_shape[-1] != k or min(x_shape) < 1:
        raise ValueError(f"x_shape must end with K={k} and have dims >= 1, got {x_shape}")
    if dense_kernel not in ("sgemm", "blas"):
        raise ValueError(f"dense_kernel must be 'sgemm' or 'blas', got {dense_kernel!r}")
    if not budget > 0 or not 0 <= margin < 1:
        raise ValueError(f"need budget > 0 and 0 <= margin < 1, got {budget}, {margin}")
    allowed = candidates((n, k))
    options = allowed if options is None else ["dense"] + [o for o in options if o != "dense"]
    for o in options:
        if o not in allowed:
            option_block(o)  # unknown names raise here
            raise ValueError(f"encoding {o!r} does not tile the weight shape {(n, k)}")
    rows = int(np.prod(x_shape[:-1], dtype=np.int64))
    rng = np.random.default_rng(seed)
    if dt == np.float32:
        x = rng.standard_normal((rows, k)).astype(np.float32)
    else:
        x = rng.integers(0, 256, size=(rows, k), dtype=np.uint8)
    per_option = budget / len(options)
    seconds: dict[str, float] = {}
    for o in options:  # dense first: options over 3x dense on their first timed call stop
        run = _runner(wm, mask, o, dt, x, dense_kernel, num_threads)
        cutoff = 3 * seconds["dense"] if seconds else np.inf
        seconds[o] = float(timer(o, run)) if timer is not None else \
            median_seconds(run, per_option, cutoff=cutoff)
    return choose(seconds, margin), seconds


def choose(seconds: dict[str, float], margin: float = 0.05) -> str:
    """The fastest option; a sparse one only if below ``(1 - margin) * seconds["dense"]``.

    Ties go to the earlier option in ``seconds`` (dense first).
    """
    if "dense" not in seconds:
        raise ValueError("seconds must include 'dense'")
    best = min(seconds, key=lambda o: (seconds[o], list(seconds).index(o)))
    if best != "dense" and seconds[best] >= (1 - margin) * seconds["dense"]:
        return "dense"
    return best
