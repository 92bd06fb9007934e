/* Direct 3x3 stride-2 stem convolution (f32-conv-hwc.h) compiled for scalar. */
#include "pyedge/f32-conv-hwc-impl.h"

PYEDGE_CONV_HWC_DEFINE(scalar)
