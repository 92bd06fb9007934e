"""Reshape (attribute ``shape``; 0 copies a dim, -1 is inferred), Flatten, Transpose, Concat."""

from __future__ import annotations

import numpy as np

from pyedge.train.grad.rule import GradOp


def _reshape_forward(xs, attrs, need):
    x = xs[0]
    spec = list(attrs["shape"])
    target = [x.shape[i] if s == 0 else s for i, s in enumerate(spec)]
    return x.reshape(target), x.shape


def _flatten_forward(xs, attrs, need):
    x = xs[0]
    axis = int(attrs.get("axis", 1)) % (x.ndim + 1)
    lead = int(np.prod(x.shape[:axis], dtype=np.int64))
    return x.reshape(lead, -1), x.shape


def _restore(saved, gy, need):
    return [gy.reshape(saved)]


def _transpose_forward(xs, attrs, need):
    x = xs[0]
    perm = attrs.get("perm") or list(reversed(range(x.ndim)))
    return np.ascontiguousarray(x.transpose(perm)), perm


def _transpose_backward(saved, gy, need):
    return [np.ascontiguousarray(gy.transpose(np.argsort(saved)))]


def _concat_forward(xs, attrs, need):
    axis = int(attrs["axis"]) % xs[0].ndim
    return np.concatenate(xs, axis=axis), (axis, np.cumsum([x.shape[axis] for x in xs])[:-1])


def _concat_backward(saved, gy, need):
    axis, splits = saved
    parts = np.split(gy, splits, axis=axis)
    return [np.ascontiguousarray(p) if want else None for p, want in zip(parts, need,
                                                                         strict=True)]


RESHAPE = GradOp(_reshape_forward, _restore)
FLATTEN = GradOp(_flatten_forward, _restore)
TRANSPOSE = GradOp(_transpose_forward, _transpose_backward)
CONCAT = GradOp(_concat_forward, _concat_backward)
