"""Optimizers updating parameter arrays in place: SGD (momentum, Nesterov, weight decay), Adam
/ AdamW. Deterministic; their state is a dict of arrays (saved in checkpoints)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


class Optimizer:
    """Common state handling: ``step(grads, lr)`` updates ``params`` in place."""

    def __init__(self, params: Mapping[str, np.ndarray], lr: float, weight_decay: float,
                 no_decay: set[str] | None):
        if lr <= 0 or weight_decay < 0:
            raise ValueError(f"need lr > 0 and weight_decay >= 0, got {lr}, {weight_decay}")
        self.params = dict(params)
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)
        self.no_decay = set(no_decay or ())
        self.steps = 0
        self.slots: dict[str, dict[str, np.ndarray]] = {}

    def _decay(self, name: str, w: np.ndarray) -> bool:
        return self.weight_decay > 0 and name not in self.no_decay and w.ndim > 1

    def _slot(self, kind: str, name: str) -> np.ndarray:
        table = self.slots.setdefault(kind, {})
        if name not in table:
            table[name] = np.zeros_like(self.params[name])
        return table[name]

    def state(self) -> dict[str, np.ndarray]:
        """Flat state: ``{kind}.{param}`` arrays plus ``steps``."""
        out = {f"{kind}.{name}": v for kind, t in self.slots.items() for name, v in t.items()}
        out["steps"] = np.array([self.steps], np.int64)
        return out

    def load_state(self, state: Mapping[str, np.ndarray]) -> None:
        """Restore what :meth:`state` returned."""
        self.steps = int(np.asarray(state["steps"])[0])
        for key, v in state.items():
            if key == "steps":
                continue
            kind, name = key.split(".", 1)
            if name in self.params:
                self.slots.setdefault(kind, {})[name] = np.array(v, dtype=self.params[name].dtype)

    def step(self, grads: Mapping[str, np.ndarray], lr: float | None = None) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """``v = mu * v + g + wd * w; w -= lr * v`` (Nesterov: ``w -= lr * (g + mu * v)``)."""

    def __init__(self, params, lr: float = 0.01, momentum: float = 0.9,
                 weight_decay: float = 0.0, nesterov: bool = False, no_decay=None):
        super().__init__(params, lr, weight_decay, no_decay)
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def step(self, grads, lr=None):
        lr = self.lr if lr is None else lr
        self.steps += 1
        for name, w in self.params.items():
            g = grads.get(name)
            if g is None:
                continue
            if self._decay(name, w):
                g = g + self.weight_decay * w
            if self.momentum:
                v = self._slot("v", name)
                v *= self.momentum
                v += g
                g = g + self.momentum * v if self.nesterov else v
            w -= (lr * g).astype(w.dtype)


class Adam(Optimizer):
    """Adam (Kingma & Ba); ``decoupled=True`` gives AdamW's weight decay."""

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, decoupled: bool = True, no_decay=None):
        super().__init__(params, lr, weight_decay, no_decay)
        self.b1, self.b2 = (float(b) for b in betas)
        self.eps, self.decoupled = float(eps), bool(decoupled)

    def step(self, grads, lr=None):
        lr = self.lr if lr is None else lr
        self.steps += 1
        c1 = 1 - self.b1 ** self.steps
        c2 = 1 - self.b2 ** self.steps
        for name, w in self.params.items():
            g = grads.get(name)
            if g is None:
                continue
            decay = self._decay(name, w)
            if decay and not self.decoupled:
                g = g + self.weight_decay * w
            m, v = self._slot("m", name), self._slot("v", name)
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            upd = (m / c1) / (np.sqrt(v / c2) + self.eps)
            if decay and self.decoupled:
                upd = upd + self.weight_decay * w
            w -= (lr * upd).astype(w.dtype)


def make_optimizer(name: str, params, **kwargs) -> Optimizer:
    """``"sgd"`` or ``"adam"`` with the given keyword arguments."""
    table = {"sgd": SGD, "adam": Adam}
    if name not in table:
        raise ValueError(f"optimizer {name!r} is not one of {sorted(table)}")
    return table[name](params, **kwargs)
