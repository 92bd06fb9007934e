"""Constants of the .pedge layout shared by the writer and the reader."""

FORMAT_VERSION = 1
"""Version this pyedge writes; the reader accepts 1..FORMAT_VERSION."""
ALIGN = 64
"""Every tensor's data starts on a multiple of ALIGN bytes from the start of the file."""
PAD_PREFIX = "__pad__."
"""Names of the zero-filled uint8 tensors that fill alignment gaps (the file stays hole-free)."""
RESERVED_PREFIX = "__"
"""User tensor names may not start with this (safetensors reserves ``__metadata__``)."""
META_KEY = "pyedge"
"""The ``__metadata__`` key whose value is the pyedge JSON document."""
MAX_HEADER = 100 * 1024 * 1024
"""Largest header accepted (same bound as the safetensors library)."""
MAX_NDIM = 32
