"""Sliding-window geometry shared by Conv and the pools (NHWC, 2-D windows)."""

from __future__ import annotations

from pyedge.runtime.shapes import known

MAX = 1 << 16  # largest stride, dilation, window or pad the kernels accept (convgeom)


def pair(ctx, name: str, default: int) -> tuple[int, int]:
    """A 2-int attribute (strides, dilations, kernel_shape)."""
    value = ctx.ints_attr(name, None)
    if value is None:
        return default, default
    if len(value) != 2 or min(value) < 1 or max(value) > MAX:
        raise ctx.fail(f"{name}={value} must be two ints in [1, {MAX}]")
    return value[0], value[1]


def pads(ctx) -> tuple[int, int, int, int]:
    """``pads`` = [top, left, bottom, right] (ONNX order for 2-D), default zeros."""
    value = ctx.ints_attr("pads", None)
    if value is None:
        return 0, 0, 0, 0
    if len(value) != 4 or min(value) < 0 or max(value) > MAX:
        raise ctx.fail(f"pads={value} must be four ints in [0, {MAX}]: top, left, bottom, "
                       f"right")
    return tuple(value)


def out_size(ctx, size, k: int, stride: int, dil: int, before: int, after: int, ceil=False):
    """Output length along one spatial axis (a symbol stays symbolic)."""
    if not known(size):
        return f"{ctx.node.name}.out"
    span = size + before + after - dil * (k - 1) - 1
    if span < 0:
        raise ctx.fail(f"window {k} (dilation {dil}) is larger than the padded input {size}")
    n = -(-span // stride) if ceil else span // stride
    return n + 1
