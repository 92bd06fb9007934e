/* Pooling ukernels (pool.h) compiled for scalar. */
#include "pyedge/pool-impl.h"

PYEDGE_POOL_DEFINE(scalar)
