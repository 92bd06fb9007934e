/* Max / average pooling of one NHWC output pixel from a list of input-pixel pointers (taps),
 * float32 and uint8, channels in SIMD lanes.
 *
 * A call computes out[ch] for ch < c from taps[0 .. ntaps) (ntaps >= 1, each pointing at c
 * contiguous elements of one real input pixel; padding taps are left out by the driver):
 *   maxpool: out[ch] = max_t taps[t][ch]
 *   avgpool: out[ch] = sum_t taps[t][ch] / count   (count = taps, or the window with padding)
 * float32 averages sum in float32 and divide once; uint8 averages sum in int32 into ``acc``
 * (c int32 of scratch) and round half to even exactly: for count < 32768 through one correctly
 * rounded float32 division (the quotient's distance to a half is >= 1/(2 count) > its error),
 * otherwise with integer arithmetic. ``acc`` is unused by the other kernels.
 */
#pragma once
#include "pyedge/common.h"

typedef void (*pyedge_pool_fn)(const void* const* taps, size_t ntaps, size_t c, uint32_t count,
                               int32_t* acc, void* out);

typedef struct {
  const char* name;    /* full kernel name, e.g. f32_maxpool__avx512 */
  const char* family;  /* f32_maxpool, f32_avgpool, u8_maxpool, u8_avgpool */
  int isa;             /* enum pyedge_isa */
  pyedge_pool_fn fn;
} pyedge_pool_ukernel;

#define PYEDGE_POOL_DECLARE(isa)                                                             \
  void pyedge_f32_maxpool__##isa(const void* const*, size_t, size_t, uint32_t, int32_t*, void*); \
  void pyedge_f32_avgpool__##isa(const void* const*, size_t, size_t, uint32_t, int32_t*, void*); \
  void pyedge_u8_maxpool__##isa(const void* const*, size_t, size_t, uint32_t, int32_t*, void*);  \
  void pyedge_u8_avgpool__##isa(const void* const*, size_t, size_t, uint32_t, int32_t*, void*);

PYEDGE_POOL_DECLARE(scalar)
PYEDGE_POOL_DECLARE(avx2)
PYEDGE_POOL_DECLARE(avx512)
