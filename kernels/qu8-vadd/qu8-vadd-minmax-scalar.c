/* Portable 8-bit add with two input quantizations, one element at a time (qu8-vadd.h). */
#include "pyedge/qu8-vadd.h"

void pyedge_qu8_vadd_minmax__scalar(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* out,
                                    const pyedge_qu8_vadd_params* p) {
  const pyedge_qu8_vadd_params q = *p;  /* local copy: stores to out cannot alias it */
  for (size_t i = 0; i < n; i++) out[i] = pyedge_qu8_vadd_one(a[i], b[i], &q);
}
