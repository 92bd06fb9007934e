"""pyedge: compress neural networks for edge devices and run them on CPU without a framework."""

from pyedge.config import get_num_threads, set_num_threads
from pyedge.format import FormatError
from pyedge.kernels.cpu import cpu_features
from pyedge.runtime import load
from pyedge.show_config import show_config

__version__ = "0.1.0"


def __getattr__(name: str):
    """``from_onnx``, ``compress`` and ``GraphBuilder``: resolved on first use (``import pyedge``
    stays light)."""
    if name == "from_onnx":
        from pyedge.importers.onnx import from_onnx

        return from_onnx
    if name == "compress":  # a callable package: pyedge.compress(model, recipe, ...)
        import pyedge.compress

        return pyedge.compress
    if name == "GraphBuilder":
        from pyedge.runtime.builder import GraphBuilder

        return GraphBuilder
    raise AttributeError(f"module 'pyedge' has no attribute {name!r}")


__all__ = ["FormatError", "GraphBuilder", "__version__", "compress", "cpu_features",
           "from_onnx", "get_num_threads", "load", "set_num_threads", "show_config"]
