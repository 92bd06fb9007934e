"""Weight encodings (no compute): CSR and BSR sparse matrices, ..."""

from pyedge.tensors.bsr import BSR
from pyedge.tensors.csr import CSR

__all__ = ["BSR", "CSR"]
