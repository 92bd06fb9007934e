"""AveragePool (NHWC): see pyedge.runtime.ops.pool."""

from pyedge.runtime.ops.pool import AVERAGE as SPEC

__all__ = ["SPEC"]
