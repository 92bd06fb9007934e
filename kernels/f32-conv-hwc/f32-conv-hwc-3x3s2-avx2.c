/* Direct 3x3 stride-2 stem convolution (f32-conv-hwc.h) compiled for avx2, with FMA. */
#define PYEDGE_CONV_HWC_MADD(a, b, c) fmaf(a, b, c)
#include "pyedge/f32-conv-hwc-impl.h"

PYEDGE_CONV_HWC_DEFINE(avx2)
