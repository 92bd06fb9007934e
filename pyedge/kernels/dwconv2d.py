"""Float32 NHWC depthwise convolution: ``depthwise_conv2d`` and its kernel families.

Families: ``f32_dwconv2d_3x3s1``, ``_3x3s2``, ``_5x5s1``, ``_5x5s2`` (specialised, dilation 1)
and ``f32_dwconv2d_generic`` (any kernel size, stride and dilation). Each has native
(AVX-512 / AVX2 / portable C), Numba and NumPy implementations in the registry.
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels import registry
from pyedge.kernels.checks import check_array, resolve_out
from pyedge.kernels.convgeom import Geometry, activation_bounds, geometry
from pyedge.kernels.registry import Kernel

SPECIALISED = {(3, 3, 1, 1): "f32_dwconv2d_3x3s1", (3, 3, 2, 2): "f32_dwconv2d_3x3s2",
               (5, 5, 1, 1): "f32_dwconv2d_5x5s1", (5, 5, 2, 2): "f32_dwconv2d_5x5s2"}
GENERIC = "f32_dwconv2d_generic"
GROUP_BYTES = 1 << 16  # input rows per native call kept within this many bytes (cache reuse)
FAMILIES = (*SPECIALISED.values(), GENERIC)


def family_for(g: Geometry) -> str:
    """The depthwise family handling geometry ``g`` (specialised when one exists)."""
    if g.dh == 1 and g.dw == 1:
        return SPECIALISED.get((g.kh, g.kw, g.sh, g.sw), GENERIC)
    return GENERIC


def pick(g: Geometry, kernel: str | Kernel | None) -> Kernel:
    """The implementation for ``g``: ``kernel`` if given (a generic one fits any shape)."""
    family = family_for(g)
    if kernel is not None:
        k = kernel if isinstance(kernel, Kernel) else registry.get(kernel)
        if k.family == GENERIC:
            family = GENERIC
    return registry.resolve(family, kernel)


def run_rows(kern: Kernel, x: np.ndarray, w: np.ndarray, bias: np.ndarray, out: np.ndarray,
             g: Geometry, fmin: float, fmax: float, oy0: int, threads: int) -> np.ndarray:
    """Output rows ``oy0 .. oy0 + out.shape[1]`` into ``out[N, R, OW, C]`` (checked inputs)."""
    group = max(2, GROUP_BYTES // (x.shape[2] * x.shape[3] * 4 * g.sh))  # >= 2: row-pair tiles
    kern.run(kern.params, x, w, bias, out, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, fmin, fmax, oy0,
             group, threads)
    return out


def prepare(x, w, bias, stride, pads, dilation, activation, clamp):
    """Check depthwise arguments; returns (x with channels repeated, w, bias, geometry, bounds)."""
    x = check_array("x", x, (np.float32,), ndim=4)
    w = check_array("w", w, (np.float32,), ndim=3)
    n, ih, iw, c = x.shape
    kh, kw, cm = w.shape
    if cm % c:
        raise ValueError(f"w has {cm} channels; depthwise needs a multiple of x's C={c} "
                         "(channel multiplier m as w[kh, kw, C*m])")
    g = geometry(ih, iw, kh, kw, stride, pads, dilation)
    if bias is None:
        bias = np.zeros(cm, dtype=np.float32)
    bias = check_array("bias", bias, (np.float32,), shape=(cm,))
    fmin, fmax = activation_bounds(activation, clamp)
    if cm != c:  # output channel c*m + j reads input channel c
        x = np.repeat(x, cm // c, axis=3)  # [N, H, W, C*m]
    return x, w, bias, g, (fmin, fmax)


def depthwise_conv2d(x: np.ndarray, w: np.ndarray, bias: np.ndarray | None = None,
                     stride=1, pads=0, dilation=1, activation: str = "none",
                     clamp: tuple[float, float] | None = None, *,
                     out: np.ndarray | None = None, num_threads: int | None = None,
                     kernel: str | Kernel | None = None) -> np.ndarray:
    """Float32 NHWC depthwise convolution with fused bias and activation.

    Parameters
    ----------
    x : ndarray of float32, shape (N, H, W, C), C-contiguous
    w : ndarray of float32, shape (KH, KW, C * m); output channel ``c * m + j`` reads input
        channel ``c`` (channel multiplier m >= 1)
    bias : float32 array (C * m,), optional
    stride, dilation : int or (vertical, horizontal) pair
    pads : int, (vertical, horizontal) or (top, left, bottom, right); zero padding
    activation : ``none``, ``relu``, ``relu6`` or ``clamp`` (with ``clamp=(lo, hi)``)
    out : preallocated float32 (N, OH, OW, C * m), optional
    num_threads : int, optional; results do not depend on it
    kernel : kernel name or Kernel, optional; forces one implementation (a ``generic`` one
        accepts any shape)

    Returns
    -------
    ndarray of float32, shape (N, OH, OW, C * m)
    """
    x, w, bias, g, (fmin, fmax) = prepare(x, w, bias, stride, pads, dilation, activation,
                                          clamp)
    out = resolve_out(out, (x.shape[0], g.oh, g.ow, w.shape[2]), np.float32)
    threads = registry.config.resolve_threads(num_threads)
    return run_rows(pick(g, kernel), x, w, bias, out, g, fmin, fmax, 0, threads)


def _native() -> dict[str, list[Kernel]]:
    from pyedge.kernels._cython import dwconv2d as nat
    from pyedge.kernels.cpu import ISAS

    def run(params, *args):
        nat.dwconv(params["index"], *args)

    found: dict[str, list[Kernel]] = {f: [] for f in FAMILIES}
    for u in nat.ukernels():
        found[u["family"]].append(Kernel(u["name"], u["family"], "native", ISAS[u["isa"]],
                                         run, dict(u, fused=nat.fused)))
    return found


def _register(family: str) -> None:
    def native() -> list[Kernel]:
        return _native()[family]

    def numba() -> list[Kernel]:
        from pyedge.kernels._numba import dwconv2d as nb

        return [Kernel(f"{family}__numba", family, "numba", "numba", nb.dwconv)]

    def numpy() -> list[Kernel]:
        from pyedge.kernels._numpy import dwconv2d as npy

        return [Kernel(f"{family}__numpy", family, "numpy", "numpy", npy.dwconv)]

    registry.register(family, "native", native)
    registry.register(family, "numba", numba)
    registry.register(family, "numpy", numpy)


for _family in FAMILIES:
    _register(_family)

__all__ = ["depthwise_conv2d"]
