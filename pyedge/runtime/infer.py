"""Shape and dtype inference over a graph (symbolic at load, concrete per input shape)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from pyedge.runtime.errors import GraphError
from pyedge.runtime.graph import Graph
from pyedge.runtime.ops import spec
from pyedge.runtime.ops.spec import NodeCtx
from pyedge.runtime.shapes import TensorType


def node_context(node, env: Mapping[str, TensorType],
                 weights: Mapping[str, np.ndarray]) -> NodeCtx:
    """The NodeCtx of ``node`` given the types known so far."""
    types = [env[x] if x else None for x in node.inputs]
    consts = [weights.get(x) if x else None for x in node.inputs]
    return NodeCtx(node, types, consts)


def infer_types(graph: Graph, inputs: Mapping[str, TensorType],
                weights: Mapping[str, np.ndarray]) -> dict[str, TensorType]:
    """Type of every value: weights, graph inputs (as given) and each node's outputs.

    Raises GraphError naming the first node whose inputs it cannot accept.
    """
    env = {name: TensorType(w.dtype, tuple(w.shape)) for name, w in weights.items()}
    env.update(inputs)
    for node in graph.nodes:
        ctx = node_context(node, env, weights)
        try:
            out = spec(node.op).infer(ctx)
        except GraphError:
            raise
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise GraphError(f"{node}: {exc}") from None
        if len(out) != len(node.outputs):
            raise GraphError(f"{node}: produces {len(out)} outputs but lists "
                             f"{len(node.outputs)}")
        env.update(zip(node.outputs, out, strict=True))
    return env
