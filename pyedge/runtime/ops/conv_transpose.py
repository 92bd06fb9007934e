"""ConvTranspose: bound to the convolution kernels once they are in this build."""

from pyedge.runtime.ops.spec import needs_kernel

SPEC = needs_kernel("ConvTranspose", "pyedge.kernels.conv2d")
