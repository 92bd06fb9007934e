"""Direct 3x3 stride-2 NHWC convolution for network stems (C_in = 1..3): ``f32_conv_hwc_3x3s2``.

With three input channels an im2col matrix is nine times the input and its rows are only
27 floats long, so a stem convolution spends as long building it as multiplying; these
kernels read the taps straight from the image (kernels/include/pyedge/f32-conv-hwc.h).
:func:`pyedge.kernels.conv2d` and the runtime's Conv route matching layers here.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from pyedge.kernels import registry
from pyedge.kernels.checks import check_array, resolve_out
from pyedge.kernels.convgeom import activation_bounds, geometry
from pyedge.kernels.registry import Kernel

FAMILY = "f32_conv_hwc_3x3s2"
PASS = 32  # output channels per packed pass (PYEDGE_CONV_HWC_PASS)
MAX_CIN = 3


class PackedConvHWC(NamedTuple):
    """Stem weights packed as ``w[pass][3][3][C_in][32]`` (flat) and the padded bias."""

    w: np.ndarray
    bias: np.ndarray
    cout: int
    cin: int


def applies(w_shape: tuple, sh: int, sw: int, dh: int, dw: int, groups: int) -> bool:
    """True for a dense 3x3 stride-2 undilated convolution with 1..3 input channels."""
    return (groups == 1 and tuple(w_shape[1:3]) == (3, 3) and 1 <= w_shape[3] <= MAX_CIN
            and (sh, sw, dh, dw) == (2, 2, 1, 1))


def pack_conv_hwc(w: np.ndarray, bias: np.ndarray | None = None) -> PackedConvHWC:
    """Pack float32 ``w[C_out, 3, 3, C_in]`` (C_in <= 3) and optional ``bias[C_out]``."""
    w = check_array("w", w, (np.float32,), ndim=4)
    cout, kh, kw, cin = w.shape
    if (kh, kw) != (3, 3) or not 1 <= cin <= MAX_CIN:
        raise ValueError(f"w must be [C_out, 3, 3, C_in <= {MAX_CIN}], got {w.shape}")
    npass = -(-cout // PASS)
    wp = np.zeros((npass * PASS, 3, 3, cin), np.float32)
    wp[:cout] = w
    wp = wp.reshape(npass, PASS, 3, 3, cin).transpose(0, 2, 3, 4, 1)  # [pass, ky, kx, ci, 32]
    b = np.zeros(npass * PASS, np.float32)
    if bias is not None:
        b[:cout] = check_array("bias", bias, (np.float32,), shape=(cout,))
    return PackedConvHWC(np.ascontiguousarray(wp).reshape(-1), b, cout, cin)


def conv_hwc_3x3s2(x: np.ndarray, w: np.ndarray | PackedConvHWC,
                   bias: np.ndarray | None = None, pads=1, activation: str = "none",
                   clamp: tuple[float, float] | None = None, *, out: np.ndarray | None = None,
                   num_threads: int | None = None,
                   kernel: str | Kernel | None = None) -> np.ndarray:
    """3x3 stride-2 float32 convolution of ``x[N, H, W, C_in <= 3]``, zero padding.

    Parameters
    ----------
    x : C-contiguous float32 (N, H, W, C_in) with C_in in 1..3
    w : float32 (C_out, 3, 3, C_in), or PackedConvHWC from :func:`pack_conv_hwc` (then
        ``bias`` must be None: it was packed with the weights)
    bias : float32 (C_out,), optional
    pads : int, (vertical, horizontal) or (top, left, bottom, right)
    activation, clamp : as :func:`pyedge.kernels.conv2d`
    out : preallocated float32 (N, OH, OW, C_out), optional
    num_threads : int, optional; results do not depend on it
    kernel : kernel name or Kernel, optional; forces one implementation
    """
    x = check_array("x", x, (np.float32,), ndim=4)
    if isinstance(w, PackedConvHWC):
        if bias is not None:
            raise ValueError("bias must be None with packed weights (it is packed with them)")
        packed = w
    else:
        packed = pack_conv_hwc(w, bias)
    n, ih, iw, cin = x.shape
    if cin != packed.cin:
        raise ValueError(f"x has C={cin} but w expects C_in={packed.cin}")
    g = geometry(ih, iw, 3, 3, 2, pads, 1)
    lo, hi = activation_bounds(activation, clamp)
    out = resolve_out(out, (n, g.oh, g.ow, packed.cout), np.float32)
    kern = registry.resolve(FAMILY, kernel)
    if out.size:
        kern.run(x, packed.w, packed.bias, out, g.pt, g.pl, np.float32(lo), np.float32(hi),
                 registry.config.resolve_threads(num_threads))
    return out


def _native() -> list[Kernel]:
    from pyedge.kernels._cython import convhwc as nat
    from pyedge.kernels.cpu import ISAS

    def bind(index: int):
        def run(*args):
            nat.conv_hwc(index, *args)
        return run

    return [Kernel(u["name"], FAMILY, "native", ISAS[u["isa"]], bind(u["index"]), dict(u))
            for u in nat.ukernels()]


def _numba() -> list[Kernel]:
    from pyedge.kernels._numba import convhwc as nb

    return [Kernel(f"{FAMILY}_minmax__numba", FAMILY, "numba", "numba", nb.conv_hwc)]


def _numpy() -> list[Kernel]:
    from pyedge.kernels._numpy import convhwc as npy

    return [Kernel(f"{FAMILY}_minmax__numpy", FAMILY, "numpy", "numpy", npy.conv_hwc)]


registry.register(FAMILY, "native", _native)
registry.register(FAMILY, "numba", _numba)
registry.register(FAMILY, "numpy", _numpy)

__all__ = ["PackedConvHWC", "applies", "conv_hwc_3x3s2", "pack_conv_hwc"]
