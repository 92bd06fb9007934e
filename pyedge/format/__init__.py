"""The .pedge file: a safetensors file with a pyedge JSON document in ``__metadata__``.

:func:`write` is atomic; :func:`read` maps the file and validates it fully before exposing
zero-copy read-only arrays. Nothing here needs the ``safetensors`` library.
"""

from pyedge.format.errors import FormatError
from pyedge.format.layout import ALIGN, FORMAT_VERSION
from pyedge.format.reader import PedgeFile, read, read_safetensors


def __getattr__(name: str):
    """``write`` is imported on first use (apps that only load models never need it)."""
    if name == "write":
        from pyedge.format.writer import write

        return write
    raise AttributeError(f"module 'pyedge.format' has no attribute {name!r}")


__all__ = ["ALIGN", "FORMAT_VERSION", "FormatError", "PedgeFile", "read", "read_safetensors",
           "write"]
