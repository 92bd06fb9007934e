/* Pooling ukernels (pool.h) compiled for scalar. */
#include "pyedge/pool-impl.h"

PYEDGE_POOL_DEFINE(scalar)
PYEDGE_POOL_DEFINE_U8_MAX(scalar)
