# Gradual pruning: polynomial (Zhu & Gupta 2017) and constant sparsity schedules, GradualPruner.
"""Gradual pruning schedules and the pruner a fine-tuning loop drives.

A schedule maps a training step to a target sparsity. Masks are recomputed only on *update
steps* ``start_step, start_step + frequency, ...`` up to ``end_step``; between them the
target holds. Before ``start_step`` nothing is pruned (target 0).

Example (what ``pyedge.train`` does)::

    pruner = GradualPruner(per_layer(magnitude_mask), polynomial(0.0, 0.8, 0, 1000, frequency=100))
    for step in range(n_steps):
        ... optimizer step on weights ...
        masks = pruner.step(step, weights)
        weights = pruner.apply(weights)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from pyedge.compress.masks import check_sparsity, magnitude_mask

MasksFn = Callable[[Mapping[str, np.ndarray], float], dict]


def _check_step(value, name: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


@dataclass(frozen=True)
class Schedule:
    """Target sparsity per step: ``final + (initial - final) * (1 - p) ** power``.

    ``p = (t - start_step) / (end_step - start_step)`` with ``t`` the last update step at or
    before ``step`` (``power = 0`` is a constant schedule at ``final``). Use
    :func:`polynomial` or :func:`constant` to build one.
    """

    initial: float
    final: float
    start_step: int
    end_step: int
    power: float
    frequency: int

    def __post_init__(self):
        check_sparsity(self.initial, "initial")
        check_sparsity(self.final, "final")
        _check_step(self.start_step, "start_step")
        _check_step(self.end_step, "end_step", self.start_step)
        _check_step(self.frequency, "frequency", 1)
        if not isinstance(self.power, int | float) or self.power < 0:
            raise ValueError(f"power must be a number >= 0, got {self.power!r}")

    def last_update(self, step: int) -> int | None:
        """The latest update step at or before ``step`` (None before ``start_step``)."""
        step = _check_step(step, "step")
        if step < self.start_step:
            return None
        t = min(step, self.end_step)
        t = self.start_step + (t - self.start_step) // self.frequency * self.frequency
        return self.end_step if step >= self.end_step else t

    def is_update(self, step: int) -> bool:
        """True when masks should be recomputed at ``step``."""
        step = _check_step(step, "step")
        if step < self.start_step or step > self.end_step:
            return False
        return (step - self.start_step) % self.frequency == 0 or step == self.end_step

    def __call__(self, step: int) -> float:
        t = self.last_update(step)
        if t is None:
            return 0.0
        if self.power == 0:
            return self.final
        span = self.end_step - self.start_step
        p = 1.0 if span == 0 else (t - self.start_step) / span
        return float(self.final + (self.initial - self.final) * (1.0 - p) ** self.power)


def polynomial(initial: float, final: float, start_step: int, end_step: int,
               power: float = 3, *, frequency: int = 1) -> Schedule:
    """Zhu & Gupta (2017) gradual schedule ``s_f + (s_i - s_f) (1 - (t - t0) / (n dt))^3``.

    Parameters
    ----------
    initial, final : sparsity at ``start_step`` and from ``end_step`` on, in [0, 1]
    start_step, end_step : first and last update steps (``end_step >= start_step``)
    power : exponent (3 in the paper)
    frequency : steps between mask updates (the paper's dt)
    """
    return Schedule(float(initial), float(final), start_step, end_step, power, frequency)


def constant(sparsity: float, start_step: int = 0, end_step: int | None = None, *,
             frequency: int = 1) -> Schedule:
    """Prune to ``sparsity`` from ``start_step`` on (masks refreshed every ``frequency``
    steps until ``end_step``, default ``start_step``: one update)."""
    end = start_step if end_step is None else end_step
    return Schedule(float(sparsity), float(sparsity), start_step, end, 0, frequency)


def per_layer(mask_fn: Callable[..., np.ndarray], **kwargs) -> MasksFn:
    """Adapt a one-weight mask function (``magnitude_mask``, ``block_mask`` ...) to a dict.

    ``per_layer(block_mask, block=(4, 4))`` returns ``masks_fn(weights, sparsity)`` applying
    ``block_mask(w, sparsity, block=(4, 4))`` to every weight.
    """
    def masks_fn(weights: Mapping[str, np.ndarray], sparsity: float) -> dict:
        return {name: mask_fn(w, sparsity, **kwargs) for name, w in weights.items()}

    return masks_fn


class GradualPruner:
    """Masks that follow a schedule and never revive a pruned weight.

    Parameters
    ----------
    masks_fn : ``(weights dict, sparsity) -> masks dict``, e.g. ``per_layer(magnitude_mask)``
        (the default) or :func:`pyedge.compress.masks.global_magnitude_masks`
    schedule : a :class:`Schedule` (:func:`polynomial` or :func:`constant`)

    On an update step the masks are recomputed from the current weights with every already
    pruned weight scored below every kept one, so the new masks contain the old pruned set
    (monotone) and reach the target sparsity exactly whenever it is not below what is
    already pruned.
    """

    def __init__(self, masks_fn: MasksFn | None = None, schedule: Schedule | None = None):
        if schedule is None or not isinstance(schedule, Schedule):
            raise TypeError("schedule must be a Schedule (polynomial(...) or constant(...))")
        self.masks_fn = per_layer(magnitude_mask) if masks_fn is None else masks_fn
        self.schedule = schedule
        self.masks: dict[str, np.ndarray] | None = None
        self.sparsity = 0.0  # target of the last update

    def step(self, step: int, weights: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The masks for ``step`` (name -> bool, True = keep), recomputed on update steps."""
        if not isinstance(weights, Mapping) or not weights:
            raise TypeError("weights must be a non-empty mapping name -> ndarray")
        if self.masks is None:
            self.masks = {name: np.ones(np.shape(w), dtype=bool) for name, w in weights.items()}
        if set(weights) != set(self.masks) or any(
                np.shape(w) != self.masks[name].shape for name, w in weights.items()):
            raise ValueError("weights must keep the names and shapes of the first step")
        if self.schedule.is_update(step):
            target = self.schedule(step)
            scored = {name: self._score_input(np.asarray(w), self.masks[name])
                      for name, w in weights.items()}
            new = self.masks_fn(scored, target)
            self.masks = {name: np.asarray(new[name], dtype=bool) & self.masks[name]
                          for name in weights}
            self.sparsity = target
        return self.masks

    @staticmethod
    def _score_input(w: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """``w`` with pruned entries 0 and kept exact zeros lifted to a tiny normal number
        (whose square is still nonzero in float64), so pruned weights score strictly lowest."""
        if not np.issubdtype(w.dtype, np.floating):
            raise TypeError(f"weights must be float arrays, got {w.dtype}")
        tiny = max(float(np.finfo(np.float32).tiny), float(np.finfo(w.dtype).tiny))
        kept_zero = mask & (w == 0)
        return np.where(mask, np.where(kept_zero, tiny, w), 0).astype(w.dtype, copy=False)

    def apply(self, weights: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """``weights`` times the current masks (unchanged before the first update)."""
        if self.masks is None:
            return dict(weights)
        return {name: np.where(self.masks[name], w, 0).astype(np.asarray(w).dtype, copy=False)
                for name, w in weights.items()}
