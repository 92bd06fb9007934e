/* Pooling ukernels (pool.h) compiled for avx2. */
#include "pyedge/pool-impl.h"

PYEDGE_POOL_DEFINE(avx2)
