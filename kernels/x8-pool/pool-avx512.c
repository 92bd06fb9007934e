/* Pooling ukernels (pool.h) compiled for avx512. */
#include "pyedge/pool-impl.h"

PYEDGE_POOL_DEFINE(avx512)
