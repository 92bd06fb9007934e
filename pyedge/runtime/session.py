"""A loaded model: nodes bound once, per-thread arenas, validated inputs, dict of outputs."""

from __future__ import annotations

import functools
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

import pyedge.format as pedge_format
from pyedge.kernels.aligned import aligned_empty
from pyedge.runtime.errors import GraphError
from pyedge.runtime.graph import Graph, ValueInfo
from pyedge.runtime.infer import infer_types, node_context
from pyedge.runtime.ops import MODULES, spec
from pyedge.runtime.planner import MemoryPlan, plan_memory
from pyedge.runtime.shapes import TensorType

MAX_SHAPES = 8  # input-shape signatures whose plans (and per-thread arenas) are kept


class _Frame:
    """One thread's buffers for one input-shape signature, and the node calls bound to them.

    Every activation, input copy and output buffer lives at a fixed address, so each node
    is a prebound call (no per-run lookups); views (Reshape, ...) are made once here.
    """

    def __init__(self, model: Model, prepared: _Prepared, sig: tuple):
        arena = aligned_empty(prepared.plan.arena_bytes, np.uint8)
        vals = list(model._base)
        for i, off, dtype, shape in prepared.arena:
            n = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
            vals[i] = arena[off:off + n].view(dtype).reshape(shape)
        self.inputs = []
        for i, v, shape in zip(model._input_ids, model.inputs, sig, strict=True):
            buf = aligned_empty(int(np.prod(shape, dtype=np.int64)), v.dtype).reshape(shape)
            vals[i] = buf
            self.inputs.append(buf)
        for i, shape, dtype in prepared.fresh:
            vals[i] = aligned_empty(int(np.prod(shape, dtype=np.int64)), dtype).reshape(shape)
        self.calls, self.nodes = [], []
        for run, ins, outs, view, node in model._steps:
            args = [vals[i] for i in ins]
            if view:
                for o, v in zip(outs, run(args, None), strict=True):
                    vals[o] = v
            else:
                self.calls.append(functools.partial(run, args, [vals[o] for o in outs]))
                self.nodes.append(node)
        self.vals = vals


@dataclass
class _Prepared:
    """Everything that depends on the concrete input shapes (shared by all threads)."""

    plan: MemoryPlan
    arena: list[tuple[int, int, np.dtype, tuple]]  # (value id, offset, dtype, shape)
    fresh: list[tuple[int, tuple, np.dtype]]  # outputs written by a node (not in the arena)


class Model:
    """A graph bound to kernels, ready to run (build with :func:`load` or GraphBuilder).

    Weights are shared read-only by every thread; each thread running the model gets its own
    arena for activations. Several threads may call :meth:`run` at once.
    """

    def __init__(self, graph: Graph, weights: Mapping[str, np.ndarray], *,
                 source: object = None, recipe: dict | None = None):
        graph.check(weights, MODULES)
        self.graph = graph
        self.recipe = recipe or {}
        self._source = source  # keeps the file mapping alive
        self._weights = dict(weights)
        self._types = infer_types(graph, {v.name: v.type for v in graph.inputs}, self._weights)
        self.inputs = list(graph.inputs)
        self.outputs = [ValueInfo(o, self._types[o].dtype, self._types[o].shape)
                        for o in graph.outputs]
        names = [""] + list(self._weights) + [v.name for v in graph.inputs] + [
            y for n in graph.nodes for y in n.outputs]
        self._ids = {name: i for i, name in enumerate(names)}
        self._base = [None] * len(names)
        for name, w in self._weights.items():
            self._base[self._ids[name]] = w
        self._views = {y for n in graph.nodes if spec(n.op).view for y in n.outputs}
        self._steps, self._kernels = [], []
        for node in graph.nodes:
            try:
                bound = spec(node.op).bind(node_context(node, self._types, self._weights))
            except GraphError:
                raise
            except (ValueError, TypeError, KeyError, IndexError) as exc:
                raise GraphError(f"{node}: {exc}") from None  # weights a kernel rejects
            self._steps.append((bound.run, [self._ids[x] for x in node.inputs],
                                [self._ids[y] for y in node.outputs], spec(node.op).view, node))
            self._kernels.append({"node": node.name, "op": node.op, "kernel": bound.kernel})
        self._input_ids = [self._ids[v.name] for v in self.inputs]
        produced = self._produced()
        self._out = [(o, self._ids[o]) for o in graph.outputs]
        self._fresh_outputs = [o for o in graph.outputs if o in produced]
        self._prepared: OrderedDict[tuple, _Prepared] = OrderedDict()
        self._lock = threading.Lock()
        self._local = threading.local()

    def _produced(self) -> set[str]:
        """Outputs written by a non-view node (fresh per run, returned without a copy)."""
        return {y for n in self.graph.nodes if not spec(n.op).view for y in n.outputs}

    # -- public API -------------------------------------------------------------------------

    def save(self, path: str | os.PathLike, *, recipe: dict | None = None,
             producer: str | None = None) -> None:
        """Write the model (graph and weights) atomically to a .pedge file."""
        pedge_format.write(path, self._weights, graph=self.graph.to_json(),
                           recipe=self.recipe if recipe is None else recipe, producer=producer)

    def kernels(self) -> list[dict]:
        """The kernel bound to each node: ``[{"node", "op", "kernel"}, ...]`` in run order."""
        return [dict(k) for k in self._kernels]

    def memory_plan(self, shapes: Mapping[str, tuple] | None = None, **dims: int) -> MemoryPlan:
        """The activation memory plan for given input shapes, before any run.

        Symbolic dims take their value from ``dims`` (e.g. ``N=8``), else 1; ``shapes`` gives
        whole input shapes by input name.
        """
        shapes = dict(shapes or {})
        sig = []
        for v in self.inputs:
            if v.name in shapes:
                sig.append(tuple(shapes[v.name]))
            else:
                sig.append(tuple(d if isinstance(d, int) else dims.get(d, 1) for d in v.shape))
        return self._prepare(tuple(sig)).plan

    def run(self, feeds: Mapping[str, np.ndarray], outputs: list[str] | None = None) -> dict:
        """Run the model on ``feeds`` (input name -> ndarray); return output name -> ndarray.

        Inputs must have the declared dtype and rank; fixed dims must match and each symbolic
        dim (such as the batch size) must take one value across all inputs.

        Raises
        ------
        TypeError / ValueError
            for inputs of the wrong type, dtype or shape; ValueError naming the node when a
            kernel rejects the values reaching it (NaN/Inf into a layer with dynamically
            quantized int8 activations). Float layers propagate NaN/Inf instead.
        RuntimeError
            naming the node for any other failure inside a node.
        """
        arrays = self._check_feeds(feeds)
        frame = self._frame(tuple(a.shape for a in arrays))
        for buf, a in zip(frame.inputs, arrays, strict=True):
            np.copyto(buf, a)
        call = None
        try:
            for call in frame.calls:
                call()
        except Exception as exc:
            node = frame.nodes[frame.calls.index(call)]
            kind = ValueError if isinstance(exc, ValueError) else RuntimeError
            raise kind(f"{node} failed: {exc}") from exc
        vals = frame.vals
        names = self.graph.outputs if outputs is None else outputs
        result = {}
        for name, i in self._out:
            if name in names:
                result[name] = vals[i].copy()  # the frame's buffers are reused next run
        unknown = set(names) - set(result)
        if unknown:
            raise ValueError(f"unknown outputs {sorted(unknown)}; the model has "
                             f"{self.graph.outputs}")
        return result

    def __call__(self, x: np.ndarray):
        """Run a single-input model; return its output (a dict if it has several)."""
        if len(self.inputs) != 1:
            raise TypeError(f"the model has inputs {[v.name for v in self.inputs]}; "
                            f"call model.run({{name: array, ...}})")
        out = self.run({self.inputs[0].name: x})
        return next(iter(out.values())) if len(out) == 1 else out

    def __repr__(self) -> str:
        ins = ", ".join(f"{v.name}: {v.type}" for v in self.inputs)
        outs = ", ".join(f"{v.name}: {v.type}" for v in self.outputs)
        return f"Model({len(self.graph.nodes)} nodes; {ins} -> {outs})"

    # -- internals --------------------------------------------------------------------------

    def _check_feeds(self, feeds) -> list[np.ndarray]:
        if not isinstance(feeds, Mapping):
            raise TypeError(f"inputs must be a dict name -> ndarray, got {type(feeds).__name__}")
        names = [v.name for v in self.inputs]
        missing = [n for n in names if n not in feeds]
        extra = [n for n in feeds if n not in names]
        if missing or extra:
            raise ValueError(f"the model takes inputs {names}; missing {missing}, "
                             f"unknown {extra}")
        symbols: dict[str, tuple[int, str]] = {}
        arrays = []
        for v in self.inputs:
            a = feeds[v.name]
            if not isinstance(a, np.ndarray):
                raise TypeError(f"input {v.name!r} must be a numpy.ndarray, got "
                                f"{type(a).__name__}")
            if a.dtype != v.dtype:
                raise TypeError(f"input {v.name!r} must have dtype {v.dtype}, got {a.dtype}")
            if a.ndim != len(v.shape):
                raise ValueError(f"input {v.name!r} must have shape {_fmt(v.shape)}, got "
                                 f"{a.shape}")
            for axis, (want, got) in enumerate(zip(v.shape, a.shape, strict=True)):
                if isinstance(want, int):
                    if want != got:
                        raise ValueError(f"input {v.name!r} must have shape {_fmt(v.shape)}, "
                                         f"got {a.shape} (axis {axis})")
                elif symbols.setdefault(want, (got, v.name))[0] != got:
                    size, other = symbols[want]
                    raise ValueError(f"input {v.name!r} axis {axis} ({want}) is {got} but "
                                     f"{want}={size} in input {other!r}")
            arrays.append(a)
        return arrays

    def _prepared_for(self, sig: tuple) -> _Prepared:
        prepared = self._prepared.get(sig)
        return prepared if prepared is not None else self._prepare(sig)

    def _prepare(self, sig: tuple) -> _Prepared:
        with self._lock:
            prepared = self._prepared.get(sig)
            if prepared is not None:
                return prepared
        types = {v.name: TensorType(v.dtype, tuple(int(d) for d in shape))
                 for v, shape in zip(self.inputs, sig, strict=True)}
        try:
            types = infer_types(self.graph, types, self._weights)
        except GraphError as exc:
            shapes = ", ".join(f"{v.name}{s}" for v, s in zip(self.inputs, sig, strict=True))
            raise ValueError(f"inputs {shapes} do not fit the model: {exc}") from None
        plan = plan_memory(self.graph, types, self._views)
        arena = [(self._ids[t], off, types[t].dtype, types[t].shape)
                 for t, (off, _) in plan.offsets.items()]
        fresh = [(self._ids[o], types[o].shape, types[o].dtype) for o in self._fresh_outputs]
        prepared = _Prepared(plan, arena, fresh)
        with self._lock:
            self._prepared[sig] = prepared
            while len(self._prepared) > MAX_SHAPES:
                self._prepared.popitem(last=False)
        return prepared

    def _frame(self, sig: tuple) -> _Frame:
        """This thread's frame for input shapes ``sig`` (made on first use)."""
        frames = getattr(self._local, "frames", None)
        if frames is None:
            frames = self._local.frames = OrderedDict()
        frame = frames.get(sig)
        if frame is None:
            frame = frames[sig] = _Frame(self, self._prepared_for(sig), sig)
            while len(frames) > MAX_SHAPES:
                frames.popitem(last=False)
        return frame


def _fmt(shape) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def load(path: str | os.PathLike, *, verify: bool = True) -> Model:
    """Map a .pedge file, validate it, bind every node to a kernel and return the Model.

    Parameters
    ----------
    path : the .pedge file
    verify : check every tensor's CRC32 (default); False only skips the checksums

    Raises
    ------
    pyedge.FormatError for a malformed file; GraphError (naming the node) for an
    inconsistent graph; NotImplementedError for ops whose kernels this build lacks.
    """
    f = pedge_format.read(path, verify=verify)
    if f.graph is None:
        raise pedge_format.FormatError(f"{f.path}: the file holds tensors but no graph")
    try:
        graph = Graph.from_json(f.graph)
        return Model(graph, f.tensors, source=f, recipe=f.recipe)
    except GraphError as exc:
        raise GraphError(f"{f.path}: {exc}") from None
