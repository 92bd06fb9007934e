"""Pooling over NHWC tensors: max, average (padding counted or not) and global average.

float32 and uint8. uint8 averages round half to even (``rint(sum / count)``, exact) and keep
the input's quantization (no requantization). Families ``f32_maxpool``, ``f32_avgpool``,
``u8_maxpool``, ``u8_avgpool`` (ukernels: kernels/include/pyedge/pool.h); global average
pooling is average pooling with the whole image as the window.
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels import registry
from pyedge.kernels.checks import check_array, resolve_out
from pyedge.kernels.convgeom import Geometry, geometry
from pyedge.kernels.registry import Kernel

DTYPES = (np.float32, np.uint8)
FAMILIES = ("f32_maxpool", "f32_avgpool", "u8_maxpool", "u8_avgpool")


def _prepare(x, kernel, stride, pads):
    x = check_array("x", x, DTYPES, ndim=4)
    if isinstance(kernel, tuple | list) and len(kernel) == 2:
        kh, kw = kernel
    elif isinstance(kernel, int) and not isinstance(kernel, bool):
        kh = kw = kernel
    else:
        raise TypeError(f"kernel must be an int or a pair of ints, got {kernel!r}")
    g = geometry(x.shape[1], x.shape[2], kh, kw, stride, pads, 1)
    if max(g.pt, g.pb) >= kh or max(g.pl, g.pr) >= kw:
        raise ValueError("pads must be smaller than the pooling window (a window of only "
                         "padding has no value)")
    return x, g


def _run(kind: str, x: np.ndarray, g: Geometry, include_pad: bool, out, num_threads, kernel):
    family = ("f32_" if x.dtype == np.float32 else "u8_") + kind
    out = resolve_out(out, (x.shape[0], g.oh, g.ow, x.shape[3]), x.dtype)
    kern = registry.resolve(family, kernel)
    if out.size:
        kern.run(x, out, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, bool(include_pad),
                 registry.config.resolve_threads(num_threads))
    return out


def max_pool2d(x: np.ndarray, kernel=2, stride=2, pads=0, *,
               out: np.ndarray | None = None, num_threads: int | None = None,
               kernel_impl: str | Kernel | None = None) -> np.ndarray:
    """Max pooling of float32 or uint8 ``x[N, H, W, C]``; padding never wins.

    ``kernel``/``stride`` are ints or pairs; ``pads`` as in :func:`pyedge.kernels.conv2d` and
    smaller than the window. ``kernel_impl`` forces one implementation (name or Kernel).
    """
    x, g = _prepare(x, kernel, stride, pads)
    return _run("maxpool", x, g, False, out, num_threads, kernel_impl)


def avg_pool2d(x: np.ndarray, kernel=2, stride=2, pads=0, count_include_pad: bool = False, *,
               out: np.ndarray | None = None, num_threads: int | None = None,
               kernel_impl: str | Kernel | None = None) -> np.ndarray:
    """Average pooling of float32 or uint8 ``x[N, H, W, C]``.

    ``count_include_pad`` divides by the full window size (padding counts as zeros) instead of
    the number of real taps. uint8 outputs are ``rint(sum / count)`` (round half to even).
    """
    x, g = _prepare(x, kernel, stride, pads)
    return _run("avgpool", x, g, count_include_pad, out, num_threads, kernel_impl)


def global_avg_pool2d(x: np.ndarray, *, out: np.ndarray | None = None,
                      num_threads: int | None = None,
                      kernel_impl: str | Kernel | None = None) -> np.ndarray:
    """Mean over H and W of float32 or uint8 ``x[N, H, W, C]`` -> ``[N, 1, 1, C]``."""
    x = check_array("x", x, DTYPES, ndim=4)
    h, w = x.shape[1:3]
    g = Geometry(kh=h, kw=w, sh=1, sw=1, pt=0, pl=0, pb=0, pr=0, dh=1, dw=1, oh=1, ow=1)
    return _run("avgpool", x, g, False, out, num_threads, kernel_impl)


def _native() -> dict[str, list[Kernel]]:
    from pyedge.kernels._cython import pool as nat
    from pyedge.kernels.cpu import ISAS

    def bind(index: int):
        def run(x, out, *args):
            nat.pool(index, x.view(np.uint8), out.view(np.uint8), x.itemsize, *args)
        return run

    found: dict[str, list[Kernel]] = {f: [] for f in FAMILIES}
    for u in nat.ukernels():
        found[u["family"]].append(Kernel(u["name"], u["family"], "native", ISAS[u["isa"]],
                                         bind(u["index"]), dict(u)))
    return found


def _register(family: str) -> None:
    kind = family.split("_")[1]

    def native() -> list[Kernel]:
        return _native()[family]

    def numba() -> list[Kernel]:
        from pyedge.kernels._numba import pool as nb

        return [Kernel(f"{family}__numba", family, "numba", "numba", getattr(nb, kind))]

    def numpy() -> list[Kernel]:
        from pyedge.kernels._numpy import pool as npy

        return [Kernel(f"{family}__numpy", family, "numpy", "numpy", getattr(npy, kind))]

    registry.register(family, "native", native)
    registry.register(family, "numba", numba)
    registry.register(family, "numpy", numpy)


for _family in FAMILIES:
    _register(_family)

__all__ = ["avg_pool2d", "global_avg_pool2d", "max_pool2d"]
