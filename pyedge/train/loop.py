"""The training loop: mini-batches, cross-entropy or distillation (logits and features),
learning-rate schedule, per-step callbacks (gradual pruning), per-epoch checkpoints, resume."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from pyedge.train.checkpoint import load_checkpoint, save_checkpoint
from pyedge.train.data import batch_order
from pyedge.train.losses import cross_entropy, feature_mse, kd_loss
from pyedge.train.lr_schedule import make_schedule
from pyedge.train.module import GraphModule
from pyedge.train.optim import make_optimizer


@dataclass
class TrainConfig:
    """Settings of :func:`fit`.

    ``alpha``/``temperature`` set the distillation loss when a teacher is given (alpha = 0:
    cross-entropy only); ``features`` maps student value names to teacher value names whose
    MSE is added with weight ``feature_weight``.
    """

    epochs: int = 1
    batch_size: int = 128
    optimizer: str = "adam"
    lr: float = 1e-3
    momentum: float = 0.9
    weight_decay: float = 0.0
    schedule: str = "cosine"
    warmup_steps: int = 0
    seed: int = 0
    alpha: float = 0.9
    temperature: float = 4.0
    features: dict[str, str] = field(default_factory=dict)
    feature_weight: float = 1.0
    label_smoothing: float = 0.0
    progress: bool = True


class Callback:
    """Hooks into :func:`fit` (override what you need)."""

    def on_step(self, step: int, module: GraphModule) -> None:
        """Before the forward pass of global step ``step``."""

    def on_epoch_end(self, epoch: int, module: GraphModule) -> None:
        """After epoch ``epoch`` (1-based), before its checkpoint is written."""


def teacher_logits(teacher: GraphModule, x: np.ndarray, batch: int = 1000) -> np.ndarray:
    """The teacher's outputs for all of ``x`` with the runtime (fast inference)."""
    model = teacher.to_model()
    name = model.inputs[0].name
    return np.concatenate([next(iter(model.run({name: x[s:s + batch]}).values()))
                           for s in range(0, len(x), batch)])


def fit(student: GraphModule, x: np.ndarray, y: np.ndarray | None = None, *,
        teacher: GraphModule | None = None, config: TrainConfig | None = None,
        callbacks: Sequence[Callback] = (), checkpoint: str | os.PathLike | None = None,
        resume: bool = False, evaluate: Callable[[GraphModule], float] | None = None
        ) -> list[dict]:
    """Train ``student`` in place on inputs ``x`` (labels ``y`` or, without, teacher labels).

    Parameters
    ----------
    student : the module to train (its hooks: masks, fake quantization, stay active)
    x : inputs [N, ...] for the graph's single input; y : integer labels [N] or None
    teacher : distillation teacher (required when ``y`` is None)
    config : TrainConfig
    callbacks : per-step / per-epoch hooks (e.g. a gradual pruner)
    checkpoint : .pedge path rewritten atomically after every epoch
    resume : continue from ``checkpoint`` if it exists (same settings)
    evaluate : ``f(student) -> accuracy`` called after each epoch

    Returns
    -------
    One dict per epoch: loss, seconds, and accuracy when ``evaluate`` is given.
    """
    cfg = config or TrainConfig()
    if y is None and teacher is None:
        raise ValueError("unlabelled data (y=None) needs a teacher")
    if len(student.graph.inputs) != 1:
        raise ValueError("fit() trains single-input graphs")
    if cfg.epochs < 0:
        raise ValueError(f"epochs must be >= 0, got {cfg.epochs}")
    in_name = student.graph.inputs[0].name
    out_name = student.graph.outputs[0]
    params = student.parameters()
    no_decay = {k for k in params if k not in student.params}
    opt_kwargs = {"lr": cfg.lr, "weight_decay": cfg.weight_decay, "no_decay": no_decay}
    if cfg.optimizer == "sgd":
        opt_kwargs["momentum"] = cfg.momentum
    opt = make_optimizer(cfg.optimizer, params, **opt_kwargs)
    steps_per_epoch = -(-len(x) // cfg.batch_size)
    sched = make_schedule(cfg.schedule, cfg.lr, steps_per_epoch * cfg.epochs,
                          warmup=cfg.warmup_steps)
    start, step = 0, 0
    if resume and checkpoint is not None and Path(checkpoint).exists():
        start, step = load_checkpoint(checkpoint, student, opt)
    soft = None
    use_kd = teacher is not None and (cfg.alpha > 0 or y is None)
    if use_kd and not cfg.features:
        soft = teacher_logits(teacher, x)
    history = []
    for epoch in range(start, cfg.epochs):
        t0 = time.perf_counter()
        batches = batch_order(len(x), cfg.batch_size, cfg.seed, epoch)
        bar = _progress(batches, cfg, epoch)
        total, seen = 0.0, 0
        for idx in bar:
            for cb in callbacks:
                cb.on_step(step, student)
            xb = x[idx]
            out = student.forward({in_name: xb}, keep=list(cfg.features))
            loss, grads = _loss(out, out_name, idx, xb, y, teacher, soft, cfg, in_name,
                                use_kd)
            g = student.backward(grads)
            opt.step(g, sched(step))
            step += 1
            total += loss * len(idx)
            seen += len(idx)
            if cfg.progress:
                bar.set_postfix(loss=f"{total / seen:.4f}", refresh=False)
        row = {"epoch": epoch + 1, "loss": total / max(seen, 1),
               "seconds": time.perf_counter() - t0}
        for cb in callbacks:
            cb.on_epoch_end(epoch + 1, student)
        if evaluate is not None:
            row["accuracy"] = float(evaluate(student))
        history.append(row)
        if checkpoint is not None:
            save_checkpoint(checkpoint, student, opt, epoch=epoch + 1, step=step,
                            info={"config": asdict(cfg)})
    return history


def _loss(out: Mapping, out_name: str, idx, xb, y, teacher, soft, cfg: TrainConfig,
          in_name: str, use_kd: bool):
    logits = out[out_name]
    labels = None if y is None else y[idx]
    grads = {}
    t_out = None
    if cfg.features and teacher is not None:
        t_out = teacher.forward({in_name: xb}, train=False, keep=list(cfg.features.values()))
    if use_kd:
        t_logits = soft[idx] if soft is not None else t_out[teacher.graph.outputs[0]]
        loss, grads[out_name] = kd_loss(logits, t_logits, labels,
                                        alpha=cfg.alpha,
                                        temperature=cfg.temperature)
    else:
        loss, grads[out_name] = cross_entropy(logits, labels,
                                              label_smoothing=cfg.label_smoothing)
    if t_out is not None:
        for s_name, t_name in cfg.features.items():
            f_loss, f_grad = feature_mse(out[s_name], t_out[t_name])
            loss += cfg.feature_weight * f_loss
            f_grad = f_grad * f_grad.dtype.type(cfg.feature_weight)
            grads[s_name] = grads[s_name] + f_grad if s_name in grads else f_grad
    return loss, grads


def _progress(batches, cfg: TrainConfig, epoch: int):
    if not cfg.progress:
        return batches
    from tqdm import tqdm

    return tqdm(batches, desc=f"epoch {epoch + 1}/{cfg.epochs}", unit="batch", leave=True)
