"""The runtime: load a .pedge file (or build a graph in Python) and run it on CPU.

Imports only NumPy and pyedge's kernels, tensors, format and config.
"""

from pyedge.runtime.errors import GraphError
from pyedge.runtime.graph import Graph, Node, ValueInfo
from pyedge.runtime.ops import MODULES as OPS
from pyedge.runtime.planner import MemoryPlan
from pyedge.runtime.session import Model, load


def __getattr__(name: str):
    """``GraphBuilder`` is imported on first use (device apps only load models)."""
    if name == "GraphBuilder":
        from pyedge.runtime.builder import GraphBuilder

        return GraphBuilder
    raise AttributeError(f"module 'pyedge.runtime' has no attribute {name!r}")


__all__ = ["OPS", "Graph", "GraphBuilder", "GraphError", "MemoryPlan", "Model", "Node",
           "ValueInfo", "load"]
