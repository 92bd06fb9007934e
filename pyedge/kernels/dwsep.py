"""Fused depthwise-separable block: depthwise (+ bias + activation) then 1x1 pointwise, on tiles.

The depthwise output is produced a few rows at a time into one small tile buffer and
multiplied by the pointwise weights while it is still in cache, so the full intermediate
tensor is never written (its peak memory is the tile, reported through ``stats``).
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels import dwconv2d, qdwconv2d, registry
from pyedge.kernels.checks import check_array, resolve_out
from pyedge.kernels.convgeom import activation_bounds
from pyedge.kernels.qgemm import PackedQC8W, qgemm
from pyedge.kernels.qoutput import check_qoutput
from pyedge.kernels.sgemm import FAMILY as SGEMM_FAMILY
from pyedge.kernels.sgemm import PackedF32W, pack_f32w, sgemm

TILE_BYTES = 1 << 18  # depthwise rows per tile kept within this many bytes (L2-resident)
NATIVE_TILE_BYTES = 1 << 16  # native driver: a tile that stays in L1/L2 for the GEMM


def _tile_rows(tile_rows, oh: int, row_bytes: int, budget: int = TILE_BYTES) -> int:
    if tile_rows is None:
        return max(1, min(oh, budget // row_bytes))
    if isinstance(tile_rows, bool) or not isinstance(tile_rows, int) or tile_rows < 1:
        raise ValueError(f"tile_rows must be a positive int, got {tile_rows!r}")
    return min(tile_rows, oh)


def _stats(stats: dict | None, rows: int, tile_bytes: int, full_bytes: int) -> None:
    if stats is not None:
        stats.update(tile_rows=rows, intermediate_bytes=tile_bytes,
                     unfused_intermediate_bytes=full_bytes)


def _stage(names: str, check, *args):
    """``check(*args)`` of one stage's kernel; its errors name this function's arguments
    (the kernels call them w, bias, multiplier, out_zero_point, ...)."""
    try:
        return check(*args)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{names}: {exc}") from None


def depthwise_separable(x: np.ndarray, w_dw: np.ndarray, b_dw: np.ndarray | None,
                        w_pw: np.ndarray | PackedF32W, b_pw: np.ndarray | None = None,
                        stride=1, pads=0, dilation=1, dw_activation: str = "relu6",
                        pw_activation: str = "none", *, out: np.ndarray | None = None,
                        num_threads: int | None = None, tile_rows: int | None = None,
                        stats: dict | None = None) -> np.ndarray:
    """Float32 depthwise convolution then pointwise convolution, fused on row tiles.

    Parameters
    ----------
    x, w_dw, b_dw, stride, pads, dilation : as in :func:`pyedge.kernels.depthwise_conv2d`
    w_pw : float32 (C_out, C_mid) pointwise weights, ``C_mid = w_dw.shape[2]``, or their
        :func:`pack_f32w` (packed once; a plain array is packed on every call)
    b_pw : float32 (C_out,), optional
    dw_activation, pw_activation : ``none``, ``relu`` or ``relu6`` after each convolution
    out : preallocated float32 (N, OH, OW, C_out), optional
    num_threads : int, optional (depthwise part; BLAS uses its own pool)
    tile_rows : depthwise output rows per tile (default: a tile of about 256 KiB)
    stats : dict, optional; receives ``tile_rows``, ``intermediate_bytes`` (the tiles: one
        per thread) and ``unfused_intermediate_bytes`` (the whole depthwise output)

    Returns
    -------
    ndarray of float32, shape (N, OH, OW, C_out); equal to the unfused pair up to float
    rounding of the GEMM.
    """
    x, w_dw, b_dw, g, (lo, hi) = _stage(
        "depthwise stage (x, w_dw, b_dw, dw_activation)", dwconv2d.prepare, x, w_dw, b_dw,
        stride, pads, dilation, dw_activation, None)
    n, c = x.shape[0], w_dw.shape[2]
    if not isinstance(w_pw, PackedF32W):
        w_pw = pack_f32w(check_array("w_pw", w_pw, (np.float32,), ndim=2))
    if w_pw.shape[1] != c:
        raise ValueError(f"w_pw must be (C_out, {c}), got {w_pw.shape}")
    cout = w_pw.shape[0]
    if b_pw is not None:
        b_pw = check_array("b_pw", b_pw, (np.float32,), shape=(cout,))
    activation_bounds(pw_activation)
    out = resolve_out(out, (n, g.oh, g.ow, cout), np.float32)
    threads = registry.config.resolve_threads(num_threads)
    kern = dwconv2d.pick(g, None)
    gemm = registry.resolve(SGEMM_FAMILY, None)
    if kern.backend == "native" and gemm.backend == "native":  # all tiles in one native call
        rows = _tile_rows(tile_rows, g.oh, g.ow * c * 4, NATIVE_TILE_BYTES)
        tiles = min(threads, n * -(-g.oh // rows))  # one tile buffer per thread at work
        _stats(stats, rows, rows * g.ow * c * 4 * tiles, n * g.oh * g.ow * c * 4)
        plo, phi = activation_bounds(pw_activation)
        kern.params["fused"](kern.params["index"], x, w_dw.reshape(-1), b_dw, g.kh, g.kw, g.sh,
                             g.sw, g.dh, g.dw, g.pt, g.pl, lo, hi, gemm.params["address"],
                             w_pw.packed_for(gemm), b_pw, plo, phi, out, g.oh, g.ow, rows,
                             threads)
        return out
    rows = _tile_rows(tile_rows, g.oh, g.ow * c * 4)
    buf = np.empty((1, rows, g.ow, c), np.float32)
    _stats(stats, rows, buf.nbytes, n * g.oh * g.ow * c * 4)
    for img in range(n):
        xi = x[img:img + 1]
        for oy0 in range(0, g.oh, rows):
            r = min(rows, g.oh - oy0)
            tile = buf[:, :r]
            dwconv2d.run_rows(kern, xi, w_dw, b_dw, tile, g, lo, hi, oy0, threads)
            y = out[img, oy0:oy0 + r].reshape(r * g.ow, cout)  # [rows * OW, C_out] view
            sgemm(tile.reshape(r * g.ow, c), w_pw, b_pw, pw_activation, out=y,
                  num_threads=threads)
    return out


def depthwise_separable_q(x: np.ndarray, x_zero_point: int, w_dw: np.ndarray,
                          b_dw: np.ndarray | None, m_dw, mid_zero_point: int,
                          mid_clamp: tuple[int, int] | None, w_pw: PackedQC8W,
                          b_pw: np.ndarray | None, m_pw, out_zero_point: int = 0,
                          out_dtype=np.uint8, out_clamp: tuple[int, int] | None = None,
                          stride=1, pads=0, dilation=1, *, out: np.ndarray | None = None,
                          num_threads: int | None = None, tile_rows: int | None = None,
                          stats: dict | None = None) -> np.ndarray:
    """8-bit depthwise convolution (requantized to uint8) then :func:`qgemm`, on row tiles.

    Bit-exact with :func:`depthwise_conv2d_q` (``out_dtype=uint8``, ``mid_zero_point``,
    ``mid_clamp``) followed by :func:`qgemm` with ``a_zero_point=mid_zero_point``.
    ``w_pw`` is :func:`pack_qc8w` of the (C_out, C_mid) pointwise weights; other arguments
    and ``stats`` as in :func:`depthwise_separable`.
    """
    a = _stage("depthwise stage (x, x_zero_point, w_dw, b_dw, m_dw, mid_zero_point, "
               "mid_clamp)", qdwconv2d.prepare, x, x_zero_point, w_dw, b_dw, m_dw,
               mid_zero_point, np.uint8, mid_clamp, stride, pads, dilation)
    if not isinstance(w_pw, PackedQC8W):
        raise TypeError(f"w_pw must come from pack_qc8w(), got {type(w_pw).__name__}")
    g, n, c = a.g, a.x.shape[0], a.w.shape[2]
    cout, k = w_pw.shape
    if k != c:
        raise ValueError(f"w_pw has K={k}; the depthwise output has {c} channels")
    odt = np.dtype(out_dtype)
    _stage("pointwise stage (b_pw, m_pw, out_zero_point, out_dtype, out_clamp)", check_qoutput,
           cout, b_pw, m_pw, out_zero_point, odt, out_clamp)  # before any output is written
    rows = _tile_rows(tile_rows, g.oh, g.ow * c)
    out = resolve_out(out, (n, g.oh, g.ow, cout), odt)
    threads = registry.config.resolve_threads(num_threads)
    kern = registry.resolve(qdwconv2d.FAMILY, None)
    buf = np.empty((1, rows, g.ow, c), np.uint8)
    _stats(stats, rows, buf.nbytes, n * g.oh * g.ow * c)
    for img in range(n):
        ai = a._replace(x=a.x[img:img + 1])
        for oy0 in range(0, g.oh, rows):
            r = min(rows, g.oh - oy0)
            tile = buf[:, :r]
            qdwconv2d.run_rows(kern, ai, tile, oy0, threads)
            y = out[img, oy0:oy0 + r].reshape(r * g.ow, cout)  # [rows * OW, C_out] view
            qgemm(tile.reshape(r * g.ow, c), mid_zero_point, w_pw, b_pw, m_pw, out_zero_point,
                  odt, out_clamp, out=y, num_threads=threads)
    return out


__all__ = ["depthwise_separable", "depthwise_separable_q"]
