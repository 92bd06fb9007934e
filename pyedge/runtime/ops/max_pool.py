"""MaxPool (NHWC): see pyedge.runtime.ops.pool."""

from pyedge.runtime.ops.pool import MAX as SPEC

__all__ = ["SPEC"]
