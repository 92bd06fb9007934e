"""Memory planner: tensor lifetimes and offsets of every activation in one arena.

Activations produced by a node live from that node until their last reader (a view op's
output extends the life of the buffer it views). Offsets are assigned greedily, largest
tensor first, at the lowest 64-byte aligned offset free during its lifetime (the
"greedy by size" strategy of TFLite's arena planner). Graph outputs are not in the arena:
each run allocates them, so results never alias a buffer the next run overwrites.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyedge.runtime.graph import Graph
from pyedge.runtime.shapes import TensorType

ALIGN = 64


@dataclass
class MemoryPlan:
    """Where each activation lives, for one set of concrete input shapes.

    Attributes
    ----------
    arena_bytes : bytes of the arena one thread allocates for these shapes
    live_bytes : the largest total of activations alive at one time (lower bound for the arena)
    output_bytes : bytes of the graph outputs (a buffer per thread, plus the copy each run
        returns)
    input_bytes : bytes of the graph inputs (each run copies them into a buffer per thread)
    peak_bytes : arena + inputs + 2 x outputs: the activation memory of one thread's run
    offsets : value name -> (offset, nbytes) in the arena
    lifetimes : value name -> (first step, last step)
    types : concrete type of every value
    """

    arena_bytes: int
    live_bytes: int
    output_bytes: int
    input_bytes: int
    offsets: dict[str, tuple[int, int]] = field(repr=False)
    lifetimes: dict[str, tuple[int, int]] = field(repr=False)
    types: dict[str, TensorType] = field(repr=False)

    @property
    def peak_bytes(self) -> int:
        return self.arena_bytes + self.input_bytes + 2 * self.output_bytes


def _round(n: int) -> int:
    return -(-n // ALIGN) * ALIGN


def plan_memory(graph: Graph, types: dict[str, TensorType], views: set[str]) -> MemoryPlan:
    """Plan the arena for ``graph`` with concrete ``types``; ``views`` names view-op outputs."""
    outputs = set(graph.outputs)
    root, first, last = {}, {}, {}
    for step, node in enumerate(graph.nodes):
        for x in node.inputs:
            if x:
                r = root.get(x, x)
                last[r] = max(last.get(r, step), step)
        for y in node.outputs:
            if y in views:
                root[y] = root.get(node.inputs[0], node.inputs[0])
            elif y not in outputs:
                first[y] = last[y] = step
    end = len(graph.nodes)
    for o in outputs:
        r = root.get(o, o)
        if r in first:
            last[r] = end  # copied out after the last node
    managed = sorted(first, key=lambda t: (-types[t].nbytes, first[t]))
    placed: list[tuple[int, int, str]] = []  # (offset, size, name)
    offsets = {}
    for t in managed:
        size = _round(types[t].nbytes)
        lo, hi = first[t], last[t]
        busy = sorted((o, s) for o, s, u in placed if first[u] <= hi and lo <= last[u])
        offset = 0
        for o, s in busy:
            if offset + size <= o:
                break
            offset = max(offset, o + s)
        placed.append((offset, size, t))
        offsets[t] = (offset, types[t].nbytes)
    arena = max((o + s for o, s, _ in placed), default=0)
    delta = [0] * (end + 2)
    for t in managed:  # sweep: live bytes change at a tensor's first and after its last step
        delta[first[t]] += _round(types[t].nbytes)
        delta[last[t] + 1] -= _round(types[t].nbytes)
    live = running = 0
    for d in delta:
        running += d
        live = max(live, running)
    out_bytes = sum(types[o].nbytes for o in outputs)
    in_bytes = sum(types[v.name].nbytes for v in graph.inputs)
    return MemoryPlan(arena, live, out_bytes, in_bytes, offsets,
                      {t: (first[t], last[t]) for t in managed}, types)
