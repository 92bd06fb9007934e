/* AVX-512BW qd8 x grouped-int4 GEMM: vpmaddubsw + vpmaddwd (exact, no int16 saturation). */
#define PYEDGE_DOT4(acc, u, s) \
  _mm512_add_epi32((acc), _mm512_madd_epi16(_mm512_maddubs_epi16((u), (s)), \
                                            _mm512_set1_epi16(1)))
#define PYEDGE_FN pyedge_qd8_f32_qc4w_gemm_4x32c8__avx512
#include "pyedge/qd8-f32-qc4w-c64k8-avx512.h"
