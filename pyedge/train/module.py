"""GraphModule: a runtime Graph whose float weights are trainable parameters.

``forward`` runs the graph node by node with the reverse-mode rules of
:mod:`pyedge.train.grad` and keeps what backward needs (a tape); ``backward`` takes
gradients of outputs (or of kept intermediate values) and returns gradients of the
parameters. Weight hooks (pruning masks, fake quantization) turn a parameter into the weight
the graph uses and map its gradient back (straight-through); activation hooks do the same
for intermediate values.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Protocol

import numpy as np

import pyedge.format as pedge_format
from pyedge.runtime import graph as graph_ir
from pyedge.runtime.session import Model
from pyedge.train.grad import RULES


class Hook(Protocol):
    """Transforms a weight or activation on the way in and its gradient on the way back.

    ``params`` holds the hook's own trainable arrays (learned ranges or levels); ``grad``
    returns the input gradient and a dict of gradients for those.
    """

    params: dict[str, np.ndarray]

    def apply(self, x: np.ndarray, train: bool) -> tuple[np.ndarray, object]: ...

    def grad(self, saved: object, g: np.ndarray) -> tuple[np.ndarray, dict]: ...

    def state(self) -> dict[str, np.ndarray]: ...

    def load_state(self, state: dict[str, np.ndarray]) -> None: ...


class GraphModule:
    """Trainable view of a pyedge graph.

    Parameters
    ----------
    graph : pyedge.runtime.graph.Graph with ops that have reverse-mode rules
    weights : name -> ndarray; float weights become parameters
    trainable : names of the parameters to train (default: every floating-point weight)
    dtype : float32 (training) or float64 (gradient checks)
    """

    def __init__(self, graph: graph_ir.Graph, weights: Mapping[str, np.ndarray], *,
                 trainable: Iterable[str] | None = None, dtype=np.float32):
        graph.check(weights, RULES)
        self.graph = graph
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {self.dtype}")
        floats = [k for k, v in weights.items() if np.asarray(v).dtype.kind == "f"]
        names = floats if trainable is None else list(trainable)
        unknown = [n for n in names if n not in floats]
        if unknown:
            raise ValueError(f"trainable names {unknown} are not floating-point weights")
        self.params = {k: np.array(weights[k], dtype=self.dtype) for k in names}
        self.consts = {k: (np.array(v, dtype=self.dtype) if np.asarray(v).dtype.kind == "f"
                           else np.asarray(v)) for k, v in weights.items() if k not in names}
        self.weight_hooks: dict[str, list[Hook]] = {}
        self.act_hooks: dict[str, list[Hook]] = {}
        self.recipe: dict = {}
        self._tape: list = []
        self._param_tape: dict = {}
        self._tape_hooks: dict = {}
        self._input_grads = False

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def from_model(cls, model: Model, **kwargs) -> GraphModule:
        """A trainable copy of a loaded runtime Model's graph and weights."""
        return cls(model.graph, model._weights, **kwargs)

    @classmethod
    def load(cls, path: str | os.PathLike, **kwargs) -> GraphModule:
        """Read a .pedge model file into a trainable module."""
        f = pedge_format.read(path)
        if f.graph is None:
            raise ValueError(f"{path}: the file holds no graph")
        module = cls(graph_ir.Graph.from_json(f.graph), {k: np.array(v) for k, v in
                                                          f.tensors.items()}, **kwargs)
        module.recipe = dict(f.recipe or {})
        return module

    # -- hooks ------------------------------------------------------------------------------

    def add_weight_hook(self, name: str, hook: Hook) -> None:
        """Apply ``hook`` to parameter ``name`` each forward (hooks chain in order added)."""
        if name not in self.params:
            raise ValueError(f"{name!r} is not a trainable parameter")
        self.weight_hooks.setdefault(name, []).append(hook)

    def add_activation_hook(self, value: str, hook: Hook) -> None:
        """Apply ``hook`` to the value ``value`` (a node output or graph input) each forward."""
        known = {v.name for v in self.graph.inputs} | {
            y for n in self.graph.nodes for y in n.outputs}
        if value not in known:
            raise ValueError(f"{value!r} is not a value of the graph")
        self.act_hooks.setdefault(value, []).append(hook)

    def hooked_params(self) -> dict[str, np.ndarray]:
        """The hooks' own trainable arrays, named ``<value>/<hook param>``."""
        out = {}
        for table in (self.weight_hooks, self.act_hooks):
            for name, hooks in table.items():
                for i, h in enumerate(hooks):
                    for k, v in h.params.items():
                        out[f"{name}/{i}/{k}"] = v
        return out

    def hook_state(self) -> dict[str, np.ndarray]:
        """Every hook's arrays (trainable or not), named ``<value>/<i>/<key>``."""
        out = {}
        for table in (self.weight_hooks, self.act_hooks):
            for name, hooks in table.items():
                for i, h in enumerate(hooks):
                    for k, v in h.state().items():
                        out[f"{name}/{i}/{k}"] = v
        return out

    def load_hook_state(self, state: Mapping[str, np.ndarray]) -> None:
        """Restore what :meth:`hook_state` returned (in place, same hooks attached)."""
        for table in (self.weight_hooks, self.act_hooks):
            for name, hooks in table.items():
                for i, h in enumerate(hooks):
                    prefix = f"{name}/{i}/"
                    h.load_state({k[len(prefix):]: v for k, v in state.items()
                                  if k.startswith(prefix)})

    def parameters(self) -> dict[str, np.ndarray]:
        """Every array an optimizer updates in place: weights, then the hooks' arrays."""
        return {**self.params, **self.hooked_params()}

    # -- forward / backward -----------------------------------------------------------------

    def hook_input(self, name: str, hook: Hook) -> np.ndarray:
        """Parameter ``name`` after the hooks attached before ``hook`` (what ``hook`` sees)."""
        w = self.params[name]
        for h in self.weight_hooks.get(name, ()):
            if h is hook:
                return w
            w, _ = h.apply(w, False)
        raise ValueError(f"the hook is not attached to {name!r}")

    def effective_weights(self, train: bool = False) -> dict[str, np.ndarray]:
        """Parameters after their weight hooks (what the graph computes with)."""
        out = {}
        for name, w in self.params.items():
            for hook in self.weight_hooks.get(name, ()):
                w, _ = hook.apply(w, train)
            out[name] = w
        return out

    def forward(self, feeds: Mapping[str, np.ndarray], *, train: bool = True,
                keep: Iterable[str] = (), input_grads: bool = False) -> dict[str, np.ndarray]:
        """Run the graph; return its outputs and the values named in ``keep``.

        With ``train`` the tape for :meth:`backward` is recorded (and hooks run in training
        mode, e.g. EMA range updates); ``input_grads`` makes backward also return the
        gradients of the graph inputs.
        """
        vals: dict[str, np.ndarray] = dict(self.consts)
        self._param_tape, self._tape_hooks = {}, {}
        requires: set[str] = set()
        for name, w in self.params.items():
            saved = []
            for hook in self.weight_hooks.get(name, ()):
                w, s = hook.apply(w, train)
                saved.append(s)
            vals[name] = w
            self._param_tape[name] = saved
            requires.add(name)
        for v in self.graph.inputs:
            if v.name not in feeds:
                raise ValueError(f"missing input {v.name!r}")
            x = np.asarray(feeds[v.name])
            vals[v.name] = x.astype(self.dtype, copy=False) if x.dtype.kind == "f" else x
            if input_grads:
                requires.add(v.name)
            self._hook_value(v.name, vals, requires, train)
        tape = []
        for node in self.graph.nodes:
            names = list(node.inputs)
            while names and not names[-1]:
                names.pop()
            if "" in names:
                raise ValueError(f"{node}: absent optional inputs before present ones are not "
                                 f"supported in training")
            need = [n in requires for n in names]
            y, saved = RULES[node.op].forward([vals[n] for n in names], node.attrs, need)
            out = node.outputs[0]
            vals[out] = y
            if train and any(need):
                tape.append((node, names, saved, need))
                requires.add(out)
            self._hook_value(out, vals, requires, train)
        self._tape = tape if train else []
        self._input_grads = input_grads and train
        wanted = list(self.graph.outputs) + [k for k in keep if k not in self.graph.outputs]
        missing = [k for k in wanted if k not in vals]
        if missing:
            raise ValueError(f"unknown values {missing}")
        return {k: vals[k] for k in wanted}

    def _hook_value(self, name, vals, requires, train):
        hooks = self.act_hooks.get(name)
        if not hooks:
            return
        x = vals[name]
        saved = []
        for hook in hooks:
            x, s = hook.apply(x, train)
            saved.append(s)
        vals[name] = x
        if train:
            self._tape_hooks[name] = saved

    def backward(self, grads: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Gradients of :meth:`parameters` given ``grads`` of outputs / kept values.

        Uses (and clears) the tape of the last ``forward(train=True)``.
        """
        if not self._tape and not self._param_tape:
            raise RuntimeError("backward() needs a forward(train=True) first")
        g: dict[str, np.ndarray] = {k: np.asarray(v, dtype=self.dtype) for k, v in
                                    grads.items()}
        hook_saved = self._tape_hooks
        hook_grads: dict[str, np.ndarray] = {}
        for node, names, saved, need in reversed(self._tape):
            out = node.outputs[0]
            gy = g.pop(out, None)
            if gy is None:
                continue
            gy = self._unhook_value(out, gy, hook_saved, hook_grads)
            gins = RULES[node.op].backward(saved, gy, need)
            for name, gi, want in zip(names, gins, need, strict=False):
                if want and gi is not None:
                    g[name] = g[name] + gi if name in g else gi
        result = {}
        for name in self.params:
            gw = g.get(name)
            if gw is None:
                gw = np.zeros_like(self.params[name])
            hooks = self.weight_hooks.get(name, ())
            for i in reversed(range(len(hooks))):
                gw, extra = hooks[i].grad(self._param_tape[name][i], gw)
                for k, v in extra.items():
                    hook_grads[f"{name}/{i}/{k}"] = v
            result[name] = np.asarray(gw, dtype=self.dtype)
        for k, v in self.hooked_params().items():
            result[k] = hook_grads.get(k, np.zeros_like(v))
        if self._input_grads:
            for v in self.graph.inputs:
                gx = g.get(v.name)
                result[v.name] = self._unhook_value(v.name, gx, hook_saved, hook_grads) \
                    if gx is not None else None
        self._tape, self._param_tape, self._tape_hooks = [], {}, {}
        return result

    def _unhook_value(self, name, gy, hook_saved, hook_grads):
        hooks = self.act_hooks.get(name, ())
        for i in reversed(range(len(hooks))):
            gy, extra = hooks[i].grad(hook_saved[name][i], gy)
            for k, v in extra.items():
                key = f"{name}/{i}/{k}"
                hook_grads[key] = hook_grads[key] + v if key in hook_grads else v
        return gy

    # -- export -----------------------------------------------------------------------------

    def weights(self, *, effective: bool = True) -> dict[str, np.ndarray]:
        """All graph weights as float32 (parameters after their hooks if ``effective``)."""
        params = self.effective_weights() if effective else self.params
        out = {}
        for k, v in self.consts.items():
            out[k] = v.astype(np.float32) if v.dtype.kind == "f" else v
        for k, v in params.items():
            out[k] = np.ascontiguousarray(v, dtype=np.float32)
        return {k: out[k] for k in self._order() if k in out}

    def _order(self) -> list[str]:
        seen, order = set(), []
        for n in self.graph.nodes:
            for x in n.inputs:
                if x and x not in seen and (x in self.params or x in self.consts):
                    seen.add(x)
                    order.append(x)
        return order + [k for k in (*self.consts, *self.params) if k not in seen]

    def to_model(self) -> Model:
        """A runtime Model with the current (effective) weights."""
        return Model(self.graph, self.weights())

    def save(self, path: str | os.PathLike, *, recipe: dict | None = None) -> None:
        """Write the model with its effective float weights, atomically, as a .pedge file."""
        pedge_format.write(path, self.weights(), graph=self.graph.to_json(),
                           recipe=self.recipe if recipe is None else recipe)
