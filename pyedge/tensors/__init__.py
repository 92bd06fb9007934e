"""Weight encodings (no compute): canonical layouts that .pedge files store."""

from pyedge.tensors.codebook import Codebook
from pyedge.tensors.int4 import Int4Grouped

__all__ = ["Codebook", "Int4Grouped"]
