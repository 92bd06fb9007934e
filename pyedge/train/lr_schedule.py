"""Learning-rate schedules: step -> learning rate (cosine with warm-up, step decay, constant)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Cosine:
    """Linear warm-up for ``warmup`` steps, then cosine decay from ``base`` to ``final``."""

    base: float
    total: int
    warmup: int = 0
    final: float = 0.0

    def __call__(self, step: int) -> float:
        if step < self.warmup:
            return self.base * (step + 1) / self.warmup
        span = max(self.total - self.warmup, 1)
        t = min(max(step - self.warmup, 0) / span, 1.0)
        return self.final + 0.5 * (self.base - self.final) * (1 + math.cos(math.pi * t))


@dataclass(frozen=True)
class StepDecay:
    """``base * gamma ** (step // every)``."""

    base: float
    every: int
    gamma: float = 0.1

    def __call__(self, step: int) -> float:
        return self.base * self.gamma ** (step // max(self.every, 1))


@dataclass(frozen=True)
class Constant:
    """The same rate at every step."""

    base: float

    def __call__(self, step: int) -> float:
        return self.base


def make_schedule(kind: str, base: float, total: int, *, warmup: int = 0,
                  every: int | None = None, gamma: float = 0.1):
    """``cosine``, ``step`` (decay by ``gamma`` every ``every`` steps) or ``constant``."""
    if kind == "cosine":
        return Cosine(base, total, warmup)
    if kind == "step":
        return StepDecay(base, every or max(total // 3, 1), gamma)
    if kind == "constant":
        return Constant(base)
    raise ValueError(f"schedule {kind!r} is not one of cosine, step, constant")
