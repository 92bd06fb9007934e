"""AveragePool: bound to the convolution kernels once they are in this build."""

from pyedge.runtime.ops.spec import needs_kernel

SPEC = needs_kernel("AveragePool", "pyedge.kernels.conv2d pooling")
