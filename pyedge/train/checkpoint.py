"""Training checkpoints: one .pedge file (written atomically) holding the model graph, raw
parameters, optimizer state, hook state (masks, ranges) and the epoch/step reached."""

from __future__ import annotations

import os

import numpy as np

import pyedge.format as pedge_format
from pyedge.train.module import GraphModule
from pyedge.train.optim import Optimizer

OPT = "train.opt."
HOOK = "train.hook."


def save_checkpoint(path: str | os.PathLike, module: GraphModule, optimizer: Optimizer, *,
                    epoch: int, step: int, info: dict | None = None) -> None:
    """Write the checkpoint atomically (the previous file stays intact until the rename).

    The file is a loadable model (its graph weights are the raw parameters; pruning masks
    and fake quantization are applied by the hooks when training resumes).
    """
    tensors = module.weights(effective=False)
    tensors.update({OPT + k: v for k, v in optimizer.state().items()})
    tensors.update({HOOK + k: v for k, v in module.hook_state().items()})
    recipe = dict(module.recipe)
    recipe["train"] = {"epoch": int(epoch), "step": int(step), **(info or {})}
    pedge_format.write(path, tensors, graph=module.graph.to_json(), recipe=recipe)


def load_checkpoint(path: str | os.PathLike, module: GraphModule,
                    optimizer: Optimizer) -> tuple[int, int]:
    """Restore parameters, optimizer and hook state from ``path``; returns (epoch, step)."""
    f = pedge_format.read(path)
    train = (f.recipe or {}).get("train")
    if train is None:
        raise ValueError(f"{path}: not a training checkpoint (no 'train' entry in its recipe)")
    for name, w in module.params.items():
        if name not in f.tensors:
            raise ValueError(f"{path}: parameter {name!r} is missing")
        w[...] = np.asarray(f.tensors[name], dtype=w.dtype)
    optimizer.load_state({k[len(OPT):]: np.array(v) for k, v in f.tensors.items()
                          if k.startswith(OPT)})
    module.load_hook_state({k[len(HOOK):]: np.array(v) for k, v in f.tensors.items()
                            if k.startswith(HOOK)})
    return int(train["epoch"]), int(train["step"])
