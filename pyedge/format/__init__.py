"""The .pedge file: a safetensors file with a pyedge JSON document in ``__metadata__``.

:func:`write` is atomic; :func:`read` maps the file and validates it fully before exposing
zero-copy read-only arrays. Nothing here needs the ``safetensors`` library.
"""

from pyedge.format.errors import FormatError
from pyedge.format.layout import ALIGN, FORMAT_VERSION
from pyedge.format.reader import PedgeFile, read, read_safetensors
from pyedge.format.writer import write

__all__ = ["ALIGN", "FORMAT_VERSION", "FormatError", "PedgeFile", "read", "read_safetensors",
           "write"]
