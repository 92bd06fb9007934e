"""8-bit NHWC depthwise convolution: ``depthwise_conv2d_q`` and the ``qs8_qc8w_dwconv2d`` family.

uint8/int8 activations with a zero point, int8 per-channel weights, int32 bias and the INT8
GEMM's requantization (one float32 multiply, round half to even, clamp), bit-exact with
:mod:`pyedge.ref.dwconv2d` on every backend.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from pyedge.kernels import registry
from pyedge.kernels.checks import check_array, check_finite_positive, check_int, resolve_out
from pyedge.kernels.convgeom import Geometry, geometry
from pyedge.kernels.qoutput import OUT_KINDS, QRANGE
from pyedge.kernels.registry import Kernel

FAMILY = "qs8_qc8w_dwconv2d"
GROUP_BYTES = 1 << 16  # input rows per native call kept within this many bytes


def _int(name: str, value, lo: int, hi: int) -> int:
    """``check_int`` with a fast path for plain ints (called on every depthwise call)."""
    if type(value) is int and lo <= value <= hi:
        return value
    return check_int(name, value, lo, hi)


class PackedDWQ:
    """Depthwise int8 weights ``w[KH, KW, C]`` (in [-127, 127]) prepared once.

    Holds a read-only canonical copy, the per-channel weight sums used for zero-point
    compensation and one packed buffer per kernel layout (made on first use, then reused).
    """

    def __init__(self, w: np.ndarray):
        w = check_array("w", w, (np.int8,), ndim=3)
        if (w == -128).any():
            raise ValueError("w holds -128; symmetric int8 weights must lie in [-127, 127]")
        self.w = np.array(w, dtype=np.int8, order="C")
        self.w.flags.writeable = False
        self.wsum = self.w.sum(axis=(0, 1), dtype=np.int32)
        self.wsum.flags.writeable = False
        self._packed: dict = {}

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.w.shape

    def packed_for(self, kernel: Kernel) -> np.ndarray:
        """The weight buffer in ``kernel``'s layout (packed once per kernel)."""
        buf = self._packed.get(kernel.name)
        if buf is None:
            pack = kernel.params.get("pack")
            buf = self.w if pack is None else pack(self.w)
            self._packed[kernel.name] = buf
        return buf


def pack_dw_qc8w(w: np.ndarray) -> PackedDWQ:
    """Prepare depthwise int8 weights ``w[KH, KW, C * m]`` for :func:`depthwise_conv2d_q`."""
    return PackedDWQ(w)


def depthwise_conv2d_q(x: np.ndarray, x_zero_point: int, w: np.ndarray | PackedDWQ,
                       bias_int32: np.ndarray | None, multiplier, out_zero_point: int = 0,
                       out_dtype=np.uint8, clamp: tuple[int, int] | None = None, stride=1,
                       pads=0, dilation=1, *, out: np.ndarray | None = None,
                       num_threads: int | None = None,
                       kernel: str | Kernel | None = None) -> np.ndarray:
    """8-bit NHWC depthwise convolution with requantization fused.

    Parameters
    ----------
    x : ndarray of uint8 or int8, shape (N, H, W, C); padding reads ``x_zero_point``
    x_zero_point : int in the range of ``x``'s dtype
    w : ndarray of int8 in [-127, 127], shape (KH, KW, C * m) (output channel ``c * m + j``
        reads input channel ``c``), or its :func:`pack_dw_qc8w` (validated and packed once)
    bias_int32 : int32 array (C * m,), optional, at scale ``s_x * s_w[c]``
    multiplier : float32 scalar or (C * m,) array ``s_x * s_w[c] / s_out``
    out_zero_point : int in the range of ``out_dtype``
    out_dtype : uint8 or int8
    clamp : (lo, hi) quantized output bounds (fused ReLU / ReLU6), optional
    stride, pads, dilation : as in :func:`pyedge.kernels.depthwise_conv2d`
    out : preallocated (N, OH, OW, C * m) of ``out_dtype``, optional
    num_threads : int, optional; results do not depend on it
    kernel : kernel name or Kernel, optional; forces one implementation

    Returns
    -------
    ndarray of ``out_dtype``, shape (N, OH, OW, C * m):
    ``clamp(rint(float32(sum (x - zp) * w + bias) * m[c]) + out_zero_point)``
    """
    a = prepare(x, x_zero_point, w, bias_int32, multiplier, out_zero_point, out_dtype, clamp,
                stride, pads, dilation)
    out = resolve_out(out, (a.x.shape[0], a.g.oh, a.g.ow, a.w.shape[2]), a.out_dtype)
    threads = registry.config.resolve_threads(num_threads)
    return run_rows(registry.resolve(FAMILY, kernel), a, out, 0, threads)


class QDWArgs(NamedTuple):
    """Checked arguments of one 8-bit depthwise call, ready for the backend (see ``run_rows``)."""

    x: np.ndarray  # uint8 view, channels repeated for a multiplier > 1
    xor_in: int
    zp: int  # uint8-domain zero point
    w: PackedDWQ
    bias: np.ndarray | None
    mult: np.ndarray
    out_kind: int
    out_dtype: np.dtype
    ozp: int
    qmin: int
    qmax: int
    g: Geometry


def prepare(x, x_zero_point, w, bias_int32, multiplier, out_zero_point=0, out_dtype=np.uint8,
            clamp=None, stride=1, pads=0, dilation=1) -> QDWArgs:
    """Validate the arguments of :func:`depthwise_conv2d_q` (clear errors naming them)."""
    x = check_array("x", x, (np.uint8, np.int8), ndim=4)
    if not isinstance(w, PackedDWQ):
        w = PackedDWQ(w)
    n, ih, iw, c = x.shape
    kh, kw, cm = w.shape
    if cm % c:
        raise ValueError(f"w has {cm} channels; depthwise needs a multiple of x's C={c}")
    g = geometry(ih, iw, kh, kw, stride, pads, dilation)
    lo_x, hi_x = QRANGE[x.dtype]
    zp = _int("x_zero_point", x_zero_point, lo_x, hi_x)
    odt = np.dtype(out_dtype)
    if odt not in QRANGE:
        raise TypeError(f"out_dtype must be uint8 or int8, got {odt}")
    qmin, qmax = QRANGE[odt]
    ozp = _int("out_zero_point", out_zero_point, qmin, qmax)
    if clamp is not None:
        lo = _int("clamp[0]", clamp[0], qmin, qmax)
        hi = _int("clamp[1]", clamp[1], qmin, qmax)
        if lo > hi:
            raise ValueError(f"clamp=({lo}, {hi}) is empty")
        qmin, qmax = lo, hi
    if bias_int32 is not None:
        bias_int32 = check_array("bias_int32", bias_int32, (np.int32,), shape=(cm,))
    if (isinstance(multiplier, np.ndarray) and multiplier.dtype == np.float32
            and multiplier.shape == (cm,) and multiplier.flags.c_contiguous
            and bool((multiplier > 0).all()) and multiplier.max() < np.inf):
        mult = multiplier  # already valid: skip the general conversion
    else:
        mult = check_finite_positive("multiplier", multiplier, cm)
    if cm != c:  # output channel c*m + j reads input channel c
        x = np.repeat(x, cm // c, axis=3)  # [N, H, W, C*m]
    xor_in, zp_u8 = (0x80, zp + 128) if x.dtype == np.int8 else (0, zp)
    return QDWArgs(x.view(np.uint8), xor_in, zp_u8, w, bias_int32, mult, OUT_KINDS[odt], odt,
                   ozp, qmin, qmax, g)


def run_rows(kern: Kernel, a: QDWArgs, out: np.ndarray, oy0: int, threads: int) -> np.ndarray:
    """Output rows ``oy0 .. oy0 + out.shape[1]`` of a prepared call into ``out[N, R, OW, C]``."""
    g = a.g
    group = max(1, GROUP_BYTES // (a.x.shape[2] * a.x.shape[3] * g.sh))
    kern.run(kern.params, a.x, a.xor_in, a.zp, a.w.packed_for(kern), g.kh, g.kw, a.w.wsum,
             a.bias, a.mult, a.out_kind, a.ozp, a.qmin, a.qmax, out, g.sh, g.sw, g.dh, g.dw,
             g.pt, g.pl, oy0, group, threads)
    return out


def _native() -> list[Kernel]:
    from pyedge.kernels._cython import qdwconv2d as nat
    from pyedge.kernels.cpu import ISAS

    def run(params, x, xor_in, zp, w, kh, kw, wsum, bias, mult, kind, ozp, qmin, qmax, out,
            *geometry):
        nat.dwconv(params["index"], x, xor_in, zp, w, kh, kw, wsum, bias, mult, kind, ozp, qmin,
                   qmax, out.view(np.uint8), *geometry)

    return [Kernel(u["name"], FAMILY, "native", ISAS[u["isa"]], run,
                   dict(u, pack=lambda w, i=u["index"]: nat.pack(i, w)))
            for u in nat.ukernels()]


def _numba() -> list[Kernel]:
    from pyedge.kernels._numba import qdwconv2d as nb

    return [Kernel(f"{FAMILY}_minmax__numba", FAMILY, "numba", "numba", nb.dwconv)]


def _numpy() -> list[Kernel]:
    from pyedge.kernels._numpy import qdwconv2d as npy

    return [Kernel(f"{FAMILY}_minmax__numpy", FAMILY, "numpy", "numpy", npy.dwconv)]


registry.register(FAMILY, "native", _native)
registry.register(FAMILY, "numba", _numba)
registry.register(FAMILY, "numpy", _numpy)

__all__ = ["PackedDWQ", "depthwise_conv2d_q", "pack_dw_qc8w"]
