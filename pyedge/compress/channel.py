# Structured channel pruning on a runtime graph: remove output channels and rewire consumers.
"""Channel (filter) pruning that really removes channels from a pyedge graph.

A *channel group* is a producer (a dense Conv with ``group == 1`` or a Gemm/Linear with a
constant weight) together with every node its output channels flow through: channel-wise ops
(activations, BatchNormalization, depthwise Conv, GlobalAveragePool, Flatten of ``[N,1,..,C]``)
and the consumers that read them as input channels (dense Conv, Gemm). Removing output channel
``c`` of the producer removes row ``c`` of its weight and bias, channel ``c`` of every
pass-through node, and input channel ``c`` of every consumer.

Exactness: a removed channel behaves as if its filter (weights *and* bias) were zero. Its
signal is then a constant per channel (``act(0)`` after the producer, the depthwise bias after
a depthwise Conv, ...); that constant is folded into the consumers' biases, so pruning a filter
whose weights and bias are zero leaves the model's outputs unchanged (up to float rounding).
A group whose constant would meet zero padding with a nonzero value (where folding is not
exact) is not prunable. With calibration data the consumers are then refitted by least squares
to the original model's pre-activation outputs, which recovers most of the lost accuracy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from pyedge.compress.masks import check_sparsity, n_pruned
from pyedge.runtime.graph import Graph, Node
from pyedge.runtime.infer import infer_types

UNARY = ("Relu", "Relu6", "Clip", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish")
REFIT_ROWS = 8192  # calibration rows used by the least-squares refit of a consumer
ACTS = {"none": (-np.inf, np.inf), "relu": (0.0, np.inf), "relu6": (0.0, 6.0)}


class Unprunable(Exception):
    """Raised while tracing a group that cannot be pruned (message = reason)."""


@dataclasses.dataclass
class ChannelGroup:
    """A prunable producer and the nodes its output channels reach.

    ``passthrough`` lists channel-wise nodes (in graph order); ``consumers`` the nodes that
    read the channels as input channels.
    """

    producer: str
    channels: int
    passthrough: list[str]
    consumers: list[str]


def _activation(attrs: dict, v: np.ndarray) -> np.ndarray:
    """A fused ``activation`` attribute (none/relu/relu6/clamp) applied to ``v``."""
    act = attrs.get("activation", "none")
    lo, hi = attrs.get("clamp", (-np.inf, np.inf)) if act == "clamp" else ACTS[act]
    return np.clip(v, lo, hi)


def _unary(node: Node, v: np.ndarray) -> np.ndarray:
    a = node.attrs
    if node.op == "Relu":
        return np.maximum(v, 0)
    if node.op == "Relu6":
        return np.clip(v, 0, 6)
    if node.op == "Clip":
        return np.clip(v, a.get("min", -np.inf), a.get("max", np.inf))
    if node.op == "LeakyRelu":
        return np.where(v >= 0, v, a.get("alpha", 0.01) * v)
    if node.op == "Sigmoid":
        return 1 / (1 + np.exp(-v))
    if node.op == "Tanh":
        return np.tanh(v)
    if node.op == "HardSigmoid":
        return np.clip(a.get("alpha", 0.2) * v + a.get("beta", 0.5), 0, 1)
    return v * np.clip(v / 6 + 0.5, 0, 1)  # HardSwish


def _is_depthwise(node: Node, weights: Mapping[str, np.ndarray]) -> bool:
    w = weights.get(node.inputs[1]) if len(node.inputs) > 1 else None
    group = node.attrs.get("group", 1)
    return w is not None and w.ndim == 4 and group > 1 and w.shape[3] == 1 \
        and w.shape[0] == group


def _gemm_weight(node: Node, weights) -> np.ndarray | None:
    """Gemm/Linear weight as ``w[N, K]`` (None when B is not a constant 2-D weight)."""
    if len(node.inputs) < 2 or node.inputs[1] not in weights:
        return None
    b = weights[node.inputs[1]]
    if b.ndim != 2:
        return None
    trans_b = node.attrs.get("transB", int(node.op == "Linear"))
    return b if trans_b else b.T


def _producer_weight(node: Node, weights) -> np.ndarray | None:
    """``w[C_out, ...]`` of a node whose output channels can be removed, else None."""
    if node.op == "Conv":
        w = weights.get(node.inputs[1]) if len(node.inputs) > 1 else None
        if w is not None and w.ndim == 4 and node.attrs.get("group", 1) == 1:
            return w
        return None
    if node.op in ("Gemm", "Linear") and not node.attrs.get("transA", 0):
        return _gemm_weight(node, weights)
    return None


class _Tracer:
    """Graph indexes used to follow channels from a producer to its consumers."""

    def __init__(self, graph: Graph, weights: Mapping[str, np.ndarray]):
        self.graph, self.weights = graph, weights
        self.uses: dict[str, list[tuple[Node, int]]] = {}
        self.weight_uses: dict[str, int] = {}
        for node in graph.nodes:
            for i, x in enumerate(node.inputs):
                if x:
                    self.uses.setdefault(x, []).append((node, i))
                    if x in weights:
                        self.weight_uses[x] = self.weight_uses.get(x, 0) + 1
        self.outputs = set(graph.outputs)
        self.types = infer_types(graph, {v.name: v.type for v in graph.inputs}, weights)

    def own_weights(self, node: Node, indices) -> None:
        for i in indices:
            if i < len(node.inputs) and node.inputs[i]:
                name = node.inputs[i]
                if name not in self.weights:
                    raise Unprunable(f"{node}: input #{i} is not a constant weight")
                if self.weight_uses[name] > 1:
                    raise Unprunable(f"{node}: weight {name!r} is shared with another node")

    def trace(self, value: str, channels: int, passthrough: list, consumers: list) -> None:
        if value in self.outputs:
            raise Unprunable(f"its channels reach the model output {value!r}")
        for node, i in self.uses.get(value, []):
            if i != 0:
                raise Unprunable(f"{node} reads it as input #{i}")
            if node.op in UNARY:
                passthrough.append(node)
            elif node.op == "BatchNormalization":
                self.own_weights(node, (1, 2, 3, 4))
                passthrough.append(node)
            elif node.op == "GlobalAveragePool":
                passthrough.append(node)
            elif node.op == "Flatten":
                shape = self.types[value].shape
                axis = node.attrs.get("axis", 1) % max(len(shape), 1)
                if axis < 1 or any(d != 1 for d in shape[axis:-1]):
                    raise Unprunable(f"{node} mixes channels with spatial dims {shape}")
                passthrough.append(node)
            elif node.op == "Conv" and _is_depthwise(node, self.weights):
                self.own_weights(node, (1, 2))
                passthrough.append(node)
            elif node.op == "Conv" and node.attrs.get("group", 1) == 1 \
                    and node.inputs[1] in self.weights:
                self.own_weights(node, (1, 2))
                consumers.append(node)
                continue
            elif node.op in ("Gemm", "Linear") and not node.attrs.get("transA", 0) \
                    and _gemm_weight(node, self.weights) is not None:
                self.own_weights(node, (1, 2))
                c = self.weights.get(node.inputs[2]) if len(node.inputs) > 2 and \
                    node.inputs[2] else None
                if c is not None and c.size != _gemm_weight(node, self.weights).shape[0]:
                    raise Unprunable(f"{node}: C of shape {c.shape} is not a bias vector")
                consumers.append(node)
                continue
            else:
                raise Unprunable(f"{node} is not channel-wise")
            self.trace(node.outputs[0], channels, passthrough, consumers)

    def group(self, node: Node) -> ChannelGroup:
        w = _producer_weight(node, self.weights)
        if w is None:
            raise Unprunable(f"{node} is not a dense Conv/Gemm with a constant weight")
        self.own_weights(node, (1, 2))
        passthrough, consumers = [], []
        self.trace(node.outputs[0], w.shape[0], passthrough, consumers)
        if not consumers:
            raise Unprunable("no consumer reads its channels")
        return ChannelGroup(node.name, int(w.shape[0]), [n.name for n in passthrough],
                            [n.name for n in consumers])


def channel_groups(graph: Graph, weights: Mapping[str, np.ndarray]
                   ) -> tuple[dict[str, ChannelGroup], dict[str, str]]:
    """The prunable producers of ``graph`` and, for every other Conv/Gemm, why not.

    Returns
    -------
    ({producer name: ChannelGroup}, {node name: reason it cannot be pruned})
    """
    tracer = _Tracer(graph, weights)
    groups, reasons = {}, {}
    for node in graph.nodes:
        if node.op not in ("Conv", "Gemm", "Linear"):
            continue
        try:
            groups[node.name] = tracer.group(node)
        except Unprunable as exc:
            reasons[node.name] = str(exc)
    return groups, reasons


def channel_scores(w: np.ndarray, criterion: str = "l1") -> np.ndarray:
    """Per-output-channel norm of ``w[C_out, ...]``: ``l1`` (sum |w|) or ``l2``."""
    flat = np.abs(w.reshape(w.shape[0], -1).astype(np.float64))
    if criterion == "l1":
        return flat.sum(axis=1)
    if criterion == "l2":
        return np.sqrt(np.square(flat).sum(axis=1))
    raise ValueError(f"criterion must be 'l1' or 'l2', got {criterion!r}")


def _keep(scores: np.ndarray, n_keep: int) -> np.ndarray:
    """Indices (ascending) of the ``n_keep`` highest scores; ties keep the lower index."""
    order = np.argsort(-scores, kind="stable")
    return np.sort(order[:n_keep])


class _Editor:
    """Applies one group's removal to copies of the nodes and weights."""

    def __init__(self, graph: Graph, weights: Mapping[str, np.ndarray], keep_bias: bool):
        self.keep_bias = keep_bias
        self.nodes = {n.name: n for n in graph.nodes}
        self.order = [n.name for n in graph.nodes]
        self.weights = dict(weights)
        self.taken = set(self.weights) | {v.name for v in graph.inputs} | {
            y for n in graph.nodes for y in n.outputs}

    def w(self, node: Node, i: int) -> np.ndarray | None:
        return self.weights.get(node.inputs[i]) if i < len(node.inputs) and node.inputs[i] \
            else None

    def set_w(self, node: Node, i: int, value: np.ndarray) -> None:
        self.weights[node.inputs[i]] = np.ascontiguousarray(value, dtype=np.float32)

    def constants(self, group: ChannelGroup, removed: np.ndarray) -> dict[str, np.ndarray]:
        """Bias increment of every consumer from the removed channels' constant signal.

        Raises Unprunable where the constant is nonzero at zero padding (not foldable), unless
        ``keep_bias`` (then the interior value is folded: approximate at the borders).
        """
        producer = self.nodes[group.producer]
        start = np.zeros(removed.size)
        if self.keep_bias and self.w(producer, 2) is not None:
            start = self.w(producer, 2)[..., removed].reshape(-1).astype(np.float64)
        value = {producer.outputs[0]: _activation(producer.attrs, start)}
        deltas: dict[str, np.ndarray] = {}
        for name in self.order:
            node = self.nodes[name]
            if not node.inputs or node.inputs[0] not in value:
                continue
            v = value[node.inputs[0]]
            if name in group.passthrough:
                value[node.outputs[0]] = self._through(node, v, removed)
            elif name in group.consumers:
                deltas[name] = self._fold(node, v, removed)
        return deltas

    def _through(self, node: Node, v: np.ndarray, removed: np.ndarray) -> np.ndarray:
        if node.op in UNARY:
            return _unary(node, v)
        if node.op == "BatchNormalization":
            scale, b, mean, var = (self.w(node, i)[removed].astype(np.float64)
                                   for i in (1, 2, 3, 4))
            a = scale / np.sqrt(var + node.attrs.get("epsilon", 1e-5))
            return v * a + b - mean * a
        if node.op == "Conv":  # depthwise: w[C, KH, KW, 1]
            if np.any(v != 0) and any(node.attrs.get("pads", [0, 0, 0, 0])) \
                    and not self.keep_bias:
                raise Unprunable(f"{node}: a nonzero removed channel meets zero padding")
            taps = self.w(node, 1)[removed].reshape(removed.size, -1).sum(axis=1)
            bias = self.w(node, 2)
            b = np.zeros(removed.size) if bias is None else bias[removed].astype(np.float64)
            return _activation(node.attrs, v * taps + b)
        return v  # GlobalAveragePool, Flatten

    def _fold(self, node: Node, v: np.ndarray, removed: np.ndarray) -> np.ndarray:
        if node.op == "Conv":
            w = self.w(node, 1)
            if np.any(v != 0) and any(node.attrs.get("pads", [0, 0, 0, 0])) \
                    and w.shape[1:3] != (1, 1) and not self.keep_bias:
                raise Unprunable(f"{node}: a nonzero removed channel meets zero padding")
            return w[..., removed].astype(np.float64).sum(axis=(1, 2)) @ v
        w = _gemm_weight(node, self.weights)  # [N, K]
        alpha, beta = node.attrs.get("alpha", 1.0), node.attrs.get("beta", 1.0)
        delta = alpha * (w[:, removed].astype(np.float64) @ v)
        if np.any(delta != 0) and beta == 0:
            raise Unprunable(f"{node}: beta = 0 leaves no bias to fold into")
        return delta / (beta if beta else 1.0)

    def remove(self, group: ChannelGroup, keep: np.ndarray) -> None:
        removed = np.setdiff1d(np.arange(group.channels), keep)
        if removed.size == 0:
            return
        deltas = self.constants(group, removed)
        producer = self.nodes[group.producer]
        if producer.op == "Conv":
            self.set_w(producer, 1, self.w(producer, 1)[keep])
        else:
            self._slice_gemm(producer, keep, output=True)
        if self.w(producer, 2) is not None:
            self.set_w(producer, 2, self.w(producer, 2)[..., keep])
        for name in group.passthrough:
            node = self.nodes[name]
            if node.op == "BatchNormalization":
                for i in (1, 2, 3, 4):
                    self.set_w(node, i, self.w(node, i)[keep])
            elif node.op == "Conv":
                self.set_w(node, 1, self.w(node, 1)[keep])
                if self.w(node, 2) is not None:
                    self.set_w(node, 2, self.w(node, 2)[keep])
                self.nodes[name] = dataclasses.replace(
                    node, attrs=dict(node.attrs, group=int(keep.size)))
        for name in group.consumers:
            node = self.nodes[name]
            if node.op == "Conv":
                self.set_w(node, 1, self.w(node, 1)[..., keep])
            else:
                self._slice_gemm(node, keep, output=False)
            self._add_bias(name, deltas[name])

    def _slice_gemm(self, node: Node, keep: np.ndarray, output: bool) -> None:
        b = self.w(node, 1)
        trans_b = node.attrs.get("transB", int(node.op == "Linear"))
        axis = (0 if trans_b else 1) if output else (1 if trans_b else 0)
        self.set_w(node, 1, np.take(b, keep, axis=axis))

    def _add_bias(self, name: str, delta: np.ndarray) -> None:
        if not np.any(delta):
            return
        node = self.nodes[name]
        bias = self.w(node, 2)
        if bias is None:
            bias_name = f"{name}.bias"
            k = 0
            while bias_name in self.taken:
                k += 1
                bias_name = f"{name}.bias_{k}"
            self.taken.add(bias_name)
            inputs = list(node.inputs) + [""] * (3 - len(node.inputs))
            inputs[2] = bias_name
            node = self.nodes[name] = dataclasses.replace(node, inputs=tuple(inputs))
            self.weights[bias_name] = delta.astype(np.float32)
        else:
            self.set_w(node, 2, (bias.astype(np.float64) + delta.reshape(bias.shape)))

    def graph(self, graph: Graph) -> Graph:
        return Graph(list(graph.inputs), list(graph.outputs), [self.nodes[n] for n in self.order])

    def refittable(self, name: str) -> tuple[np.ndarray, np.ndarray] | None:
        """A consumer's current ``(w[N, K], bias[N])`` if it is a 1x1 stride-1 unpadded Conv
        or a Gemm with alpha = beta = 1 (what :meth:`refit` can solve), else None."""
        node = self.nodes[name]
        if node.op == "Conv":
            w = self.w(node, 1)
            a = node.attrs
            if w.shape[1:3] != (1, 1) or any(a.get("pads", [0] * 4)) or \
                    tuple(a.get("strides", (1, 1))) != (1, 1):
                return None
            w = w.reshape(w.shape[0], -1)
        elif node.attrs.get("alpha", 1.0) == 1 and node.attrs.get("beta", 1.0) == 1:
            w = _gemm_weight(node, self.weights)
        else:
            return None
        bias = self.w(node, 2)
        bias = np.zeros(w.shape[0]) if bias is None else bias.reshape(-1)
        return w.astype(np.float64), bias.astype(np.float64)

    def refit(self, name: str, before: tuple[np.ndarray, np.ndarray], x_old: np.ndarray,
              x_new: np.ndarray) -> None:
        """Least-squares refit of consumer ``name`` so that its pre-activation output on the
        pruned inputs ``x_new`` matches the original one on ``x_old`` (ridge-damped)."""
        w_old, b_old = before
        x_old = x_old.reshape(-1, w_old.shape[1]).astype(np.float64)  # [S, K_old]
        x_new = x_new.reshape(x_old.shape[0], -1).astype(np.float64)  # [S, K_new]
        if x_old.shape[0] > REFIT_ROWS:  # a fixed random subset of rows is plenty
            rows = np.sort(np.random.default_rng(0).choice(x_old.shape[0], REFIT_ROWS, False))
            x_old, x_new = x_old[rows], x_new[rows]
        target = x_old @ w_old.T + b_old  # [S, N]
        a = np.concatenate([x_new, np.ones((x_new.shape[0], 1))], axis=1)
        gram = a.T @ a
        gram[np.diag_indices_from(gram)] += 1e-4 * max(float(np.mean(np.diag(gram))), 1e-12)
        sol = np.linalg.solve(gram, a.T @ target)  # [K_new + 1, N]
        w_new, b_new = sol[:-1].T, sol[-1]
        node = self.nodes[name]
        if node.op == "Conv":
            self.set_w(node, 1, w_new.reshape(w_new.shape[0], 1, 1, -1))
        else:
            trans_b = node.attrs.get("transB", int(node.op == "Linear"))
            self.set_w(node, 1, w_new if trans_b else w_new.T)
        current = self.w(node, 2)
        self._add_bias(name, b_new - (0 if current is None else current.reshape(-1)))


def _values(graph: Graph, weights: Mapping[str, np.ndarray], names: list[str],
            feeds: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Run ``graph`` on ``feeds`` and return the intermediate values ``names``."""
    from pyedge.runtime.session import Model

    sub = Graph(list(graph.inputs), list(dict.fromkeys(names)), list(graph.nodes))
    return Model(sub, weights).run(dict(feeds))


def prune_channels(graph: Graph, weights: Mapping[str, np.ndarray],
                   amount: float | Mapping[str, int], criterion: str = "l1", *,
                   multiple: int = 1, keep_bias: bool = False,
                   calib: Mapping[str, np.ndarray] | None = None
                   ) -> tuple[Graph, dict[str, np.ndarray]]:
    """Remove the lowest-norm output channels of dense Conv/Gemm nodes and rewire the graph.

    Parameters
    ----------
    graph, weights : a pyedge runtime graph and its weights (NHWC, Conv weights OHWI)
    amount : a ratio in [0, 1]: remove ``round(ratio * C)`` channels of every prunable
        producer (at least one channel is kept); or ``{node name: channels to keep}`` for
        chosen producers (each must be prunable, see :func:`channel_groups`)
    criterion : ``"l1"`` (sum of |w| of the filter) or ``"l2"``
    multiple : round the kept channel count up to a multiple of this (kernel tile widths)
    keep_bias : False (default): a removed channel acts as a zero filter (weights and bias),
        which is folded exactly; producers where that is impossible are left unpruned for a
        ratio, rejected for a dict. True: it acts as its constant ``act(bias)`` (weights
        zeroed), folded with the interior value where it meets zero padding (approximate at
        the borders); usually more accurate without fine-tuning.
    calib : model inputs (name -> array) of calibration data, optional. Then after each
        producer's removal its consumers (1x1 Conv / Gemm) are refitted by least squares so
        their pre-activation outputs on the pruned model's inputs match the original model's
        (channel pruning with reconstruction, He et al. 2017); not exact any more.

    Returns
    -------
    (new Graph, new weights dict): loads and runs with ``pyedge.runtime.Model``; model inputs
    and outputs keep their shapes. Untouched weights are shared, not copied.
    """
    if not isinstance(graph, Graph):
        raise TypeError(f"graph must be a pyedge.runtime.Graph, got {type(graph).__name__}")
    if not isinstance(weights, Mapping):
        raise TypeError(f"weights must be a mapping name -> ndarray, got "
                        f"{type(weights).__name__}")
    if isinstance(multiple, bool) or not isinstance(multiple, int) or multiple < 1:
        raise ValueError(f"multiple must be an int >= 1, got {multiple!r}")
    channel_scores(np.zeros((1, 1)), criterion)  # validates criterion
    groups, reasons = channel_groups(graph, weights)
    nodes = {n.name: n for n in graph.nodes}
    if isinstance(amount, Mapping):
        wanted = {}
        for name, n_keep in amount.items():
            if name not in groups:
                why = reasons.get(name, "no such Conv/Gemm node")
                raise ValueError(f"amount: node {name!r} cannot be channel-pruned: {why}")
            c = groups[name].channels
            if isinstance(n_keep, bool) or not isinstance(n_keep, int | np.integer) \
                    or not 1 <= n_keep <= c:
                raise ValueError(f"amount[{name!r}] must be an int in [1, {c}] (channels "
                                 f"to keep), got {n_keep!r}")
            wanted[name] = int(n_keep)
    else:
        ratio = check_sparsity(amount, "amount")
        wanted = {name: max(1, g.channels - n_pruned(ratio, g.channels))
                  for name, g in groups.items()}
    editor = _Editor(graph, weights, bool(keep_bias))
    plans = []
    for name, n_keep in wanted.items():
        g = groups[name]
        n_keep = min(g.channels, -(-n_keep // multiple) * multiple)
        w = _producer_weight(nodes[name], weights)
        plans.append((g, _keep(channel_scores(w, criterion), n_keep)))
    order = {n.name: i for i, n in enumerate(graph.nodes)}
    for g, keep in sorted(plans, key=lambda p: order[p[0].producer]):
        before = {}
        if calib is not None and keep.size < g.channels:
            before = {c: fit for c in g.consumers if (fit := editor.refittable(c)) is not None}
        try:
            editor.remove(g, keep)
        except Unprunable as exc:
            if isinstance(amount, Mapping):
                raise ValueError(f"amount: node {g.producer!r} cannot be channel-pruned "
                                 f"exactly: {exc}") from None
            continue
        if before:
            names = [nodes[c].inputs[0] for c in before]
            old = _values(graph, weights, names, calib)
            new = _values(editor.graph(graph), editor.weights, names, calib)
            for c, fit in before.items():
                editor.refit(c, fit, old[nodes[c].inputs[0]], new[nodes[c].inputs[0]])
    return editor.graph(graph), editor.weights
