"""Weight encodings (no compute): canonical layouts that .pedge files store."""

from pyedge.tensors.bsr import BSR
from pyedge.tensors.codebook import Codebook
from pyedge.tensors.csr import CSR
from pyedge.tensors.int4 import Int4Grouped

__all__ = ["BSR", "CSR", "Codebook", "Int4Grouped"]
