"""Add, Sub, Mul with NumPy broadcasting."""

from __future__ import annotations

import numpy as np

from pyedge.train.grad.rule import GradOp, unbroadcast


def _add_forward(xs, attrs, need):
    return xs[0] + xs[1], (xs[0].shape, xs[1].shape)


def _add_backward(saved, gy, need):
    return [unbroadcast(gy, saved[0]) if need[0] else None,
            unbroadcast(gy, saved[1]) if need[1] else None]


def _sub_forward(xs, attrs, need):
    return xs[0] - xs[1], (xs[0].shape, xs[1].shape)


def _sub_backward(saved, gy, need):
    return [unbroadcast(gy, saved[0]) if need[0] else None,
            unbroadcast(-gy, saved[1]) if need[1] else None]


def _mul_forward(xs, attrs, need):
    return xs[0] * xs[1], (xs[0], xs[1])


def _mul_backward(saved, gy, need):
    a, b = saved
    return [unbroadcast(np.multiply(gy, b), a.shape) if need[0] else None,
            unbroadcast(np.multiply(gy, a), b.shape) if need[1] else None]


ADD = GradOp(_add_forward, _add_backward)
SUB = GradOp(_sub_forward, _sub_backward)
MUL = GradOp(_mul_forward, _mul_backward)
