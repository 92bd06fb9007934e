"""Resize (nearest or linear) along any axes, by ``scales`` or ``sizes`` (ONNX semantics).

Coordinate transforms: half_pixel (default), asymmetric, align_corners, pytorch_half_pixel;
nearest_mode: round_prefer_floor (default), round_prefer_ceil, floor, ceil. Linear is separable:
one 1-D interpolation per resized axis.
"""

import math

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, known

TRANSFORMS = ("half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel")
NEAREST = ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")


def _params(ctx, ndim):
    mode = ctx.attr("mode", "nearest", str)
    if mode not in ("nearest", "linear"):
        raise ctx.fail(f"mode {mode!r} must be 'nearest' or 'linear'")
    ct = ctx.attr("coordinate_transformation_mode", "half_pixel", str)
    if ct not in TRANSFORMS:
        raise ctx.fail(f"coordinate_transformation_mode {ct!r} is not one of {TRANSFORMS}")
    nm = ctx.attr("nearest_mode", "round_prefer_floor", str)
    if nm not in NEAREST:
        raise ctx.fail(f"nearest_mode {nm!r} is not one of {NEAREST}")
    scales, sizes = ctx.node.attrs.get("scales"), ctx.ints_attr("sizes", None)
    if (scales is None) == (sizes is None):
        raise ctx.fail("needs exactly one of the attributes scales and sizes")
    if scales is not None:
        if not (isinstance(scales, list) and len(scales) == ndim
                and all(isinstance(s, int | float) and s > 0 for s in scales)):
            raise ctx.fail(f"scales {scales!r} must list {ndim} positive numbers")
    elif len(sizes) != ndim or any(s < 0 for s in sizes):
        raise ctx.fail(f"sizes {sizes!r} must list {ndim} sizes >= 0")
    return mode, ct, nm, scales, sizes


def _out_shape(shape, scales, sizes):
    if sizes is not None:
        return tuple(sizes)
    return tuple(math.floor(d * s) if known(d) else (d if s == 1 else f"{d}*{s}")
                 for d, s in zip(shape, scales, strict=True))


def _infer(ctx):
    ctx.arity(1)
    t = ctx.float_input(0)
    _, _, _, scales, sizes = _params(ctx, t.ndim)
    return [TensorType(t.dtype, _out_shape(t.shape, scales, sizes))]


def source_coords(n_out: int, n_in: int, scale: float, ct: str) -> np.ndarray:
    """Input coordinate of each output index along one axis (float64)."""
    i = np.arange(n_out, dtype=np.float64)
    if ct == "asymmetric":
        return i / scale
    if ct == "align_corners":
        return i * (n_in - 1) / (n_out - 1) if n_out > 1 else np.zeros(n_out)
    if ct == "pytorch_half_pixel" and n_out == 1:
        return np.zeros(1)
    return (i + 0.5) / scale - 0.5


def _nearest_index(x: np.ndarray, n_in: int, nm: str) -> np.ndarray:
    if nm == "floor":
        idx = np.floor(x)
    elif nm == "ceil":
        idx = np.ceil(x)
    elif nm == "round_prefer_ceil":
        idx = np.floor(x + 0.5)
    else:
        idx = np.ceil(x - 0.5)
    return np.clip(idx, 0, n_in - 1).astype(np.intp)


def _axis_plan(shape_in, shape_out, scales, mode, ct, nm):
    """Per resized axis: (axis, index arrays and weights) computed once per shape."""
    plan = []
    for axis, (n_in, n_out) in enumerate(zip(shape_in, shape_out, strict=True)):
        if n_in == n_out and (scales is None or scales[axis] == 1):
            continue
        scale = scales[axis] if scales is not None else n_out / n_in
        x = source_coords(n_out, n_in, scale, ct)
        if mode == "nearest":
            plan.append((axis, _nearest_index(x, n_in, nm), None, None))
        else:
            x = np.clip(x, 0, n_in - 1)
            lo = np.floor(x).astype(np.intp)
            hi = np.minimum(lo + 1, n_in - 1)
            w = (x - lo).astype(np.float32)
            plan.append((axis, lo, hi, w))
    return plan


def _bind(ctx):
    mode, ct, nm, scales, sizes = _params(ctx, ctx.types[0].ndim)
    cache = {}

    def run(ins, outs):
        x, y = ins[0], outs[0]
        key = (x.shape, y.shape)
        plan = cache.get(key)
        if plan is None:
            plan = cache[key] = _axis_plan(x.shape, y.shape, scales, mode, ct, nm)
        for axis, lo, hi, w in plan:
            if hi is None:
                x = np.take(x, lo, axis=axis)
            else:
                shape = [1] * x.ndim
                shape[axis] = -1  # weights broadcast along the resized axis
                w = w.reshape(shape)
                a = np.take(x, lo, axis=axis)
                x = a + (np.take(x, hi, axis=axis) - a) * w
        np.copyto(y, x)

    return Bound(run, f"f32_resize_{mode}__numpy")


SPEC = OpSpec(_infer, _bind)
