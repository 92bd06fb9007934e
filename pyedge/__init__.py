"""pyedge: compress neural networks for edge devices and run them on CPU without a framework."""

from pyedge.config import get_num_threads, set_num_threads
from pyedge.format import FormatError
from pyedge.kernels.cpu import cpu_features
from pyedge.runtime import GraphBuilder, load
from pyedge.show_config import show_config

__version__ = "0.1.0"

__all__ = ["FormatError", "GraphBuilder", "__version__", "cpu_features", "get_num_threads", "load",
           "set_num_threads", "show_config"]
