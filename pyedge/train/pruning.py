"""Pruning during training: fixed masks as weight hooks, and gradual pruning driven by the
training step through pyedge.compress.schedule (prune -> fine-tune -> prune ...)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from pyedge.compress.masks import global_magnitude_masks
from pyedge.compress.schedule import GradualPruner, Schedule
from pyedge.train.loop import Callback
from pyedge.train.module import GraphModule

WEIGHT_SLOT = {"Conv": 1, "Gemm": 1, "Linear": 1, "MatMul": 1}


def normalized_global_masks(weights: Mapping[str, np.ndarray],
                            sparsity: float) -> dict[str, np.ndarray]:
    """One magnitude threshold across layers on ``|w| / rms(layer)``.

    Plain global magnitude favours layers with large weights (small fan-in) and can strip a
    classifier almost bare; dividing by each layer's RMS compares weights by how large they
    are within their layer, while still letting layers end up with different sparsities.
    """
    scaled = {}
    for name, w in weights.items():
        rms = float(np.sqrt(np.mean(np.square(w, dtype=np.float64))))
        scaled[name] = w / rms if rms > 0 else w
    return global_magnitude_masks(scaled, sparsity)


class MaskHook:
    """Weight hook ``w * mask`` whose gradient is masked too (pruned weights stay zero)."""

    def __init__(self, mask: np.ndarray):
        self.mask = np.asarray(mask, dtype=bool)
        self.params: dict[str, np.ndarray] = {}

    def apply(self, w: np.ndarray, train: bool) -> tuple[np.ndarray, None]:
        if self.mask.shape != w.shape:
            raise ValueError(f"mask shape {self.mask.shape} differs from weight {w.shape}")
        return np.where(self.mask, w, 0).astype(w.dtype, copy=False), None

    def grad(self, saved, g: np.ndarray) -> tuple[np.ndarray, dict]:
        return np.where(self.mask, g, 0).astype(g.dtype, copy=False), {}

    def state(self) -> dict[str, np.ndarray]:
        return {"mask": self.mask}

    def load_state(self, state: Mapping[str, np.ndarray]) -> None:
        if "mask" in state:
            self.mask = np.asarray(state["mask"], dtype=bool)


def prunable_weights(module: GraphModule, *, min_size: int = 0,
                     depthwise: bool = True) -> list[str]:
    """Parameters used as the weight of a Conv/Gemm/Linear/MatMul with >= ``min_size``
    entries (``depthwise=False`` leaves out depthwise convolutions)."""
    names = []
    for node in module.graph.nodes:
        slot = WEIGHT_SLOT.get(node.op)
        if slot is not None and len(node.inputs) > slot:
            name = node.inputs[slot]
            if not depthwise and node.op == "Conv" and int(node.attrs.get("group", 1)) > 1:
                continue
            if name in module.params and module.params[name].ndim >= 2 and \
                    module.params[name].size >= min_size and name not in names:
                names.append(name)
    return names


def attach_masks(module: GraphModule, masks: Mapping[str, np.ndarray]) -> dict[str, MaskHook]:
    """Keep ``masks`` (name -> bool, True = keep) fixed while fine-tuning ``module``."""
    hooks = {}
    for name, mask in masks.items():
        if np.shape(mask) != module.params[name].shape:
            raise ValueError(f"mask for {name!r} has shape {np.shape(mask)}, weight has "
                             f"{module.params[name].shape}")
        hooks[name] = MaskHook(mask)
        module.add_weight_hook(name, hooks[name])
    return hooks


def sparsity(module: GraphModule, names: Iterable[str]) -> float:
    """Fraction of zeros among the effective weights ``names``."""
    eff = module.effective_weights()
    names = list(names)
    zeros = sum(int((eff[n] == 0).sum()) for n in names)
    return zeros / max(sum(eff[n].size for n in names), 1)


class GradualPruning(Callback):
    """Drive a :class:`pyedge.compress.schedule.GradualPruner` from the training step.

    Parameters
    ----------
    module : the module being trained; mask hooks are attached to ``names``
    schedule : target sparsity per step (``polynomial(...)`` / ``constant(...)``)
    names : weights to prune (default: :func:`prunable_weights`)
    masks_fn : ``(weights, sparsity) -> masks`` (default: :func:`normalized_global_masks`)
    """

    def __init__(self, module: GraphModule, schedule: Schedule, names: Iterable[str] | None = None,
                 masks_fn=None):
        self.names = list(names) if names is not None else prunable_weights(module)
        self.pruner = GradualPruner(masks_fn or normalized_global_masks, schedule)
        self.hooks = attach_masks(module, {n: np.ones(module.params[n].shape, bool)
                                           for n in self.names})

    def on_step(self, step: int, module: GraphModule) -> None:
        if self.pruner.masks is None:  # resumed: continue from the checkpoint's masks
            self.pruner.masks = {n: self.hooks[n].mask.copy() for n in self.names}
        masks = self.pruner.step(step, {n: module.params[n] for n in self.names})
        for n in self.names:
            self.hooks[n].mask = masks[n]
