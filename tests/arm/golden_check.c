/* Golden vector check of pyedge's C ukernels without Python (native x86 or aarch64 under qemu).
 *
 * Usage: golden_check [--sweep N] FILE.bin ...  Reads golden files (tests/golden, format:
 * vectors.py),
 * runs every table ukernel built into this binary that this CPU supports on every case of its
 * family (integer GEMM, grouped INT4 GEMM on the canonical layout, CSR/BSR sparse matmul,
 * depthwise convolution), compares integer outputs bit for bit and float outputs against the
 * stored per-element tolerance, prints counts, and exits 1 on any difference.
 * --sweep N adds N random cases per integer family (INT8 GEMM, qd8 INT4 GEMM, CSR/BSR integer
 * sparse matmul, 8-bit depthwise) whose expected output is the portable C kernel's (itself
 * bit-exact with the oracles on the golden set); every other ukernel must match it bit for bit.
 * Build with -DPYEDGE_HAVE_NEON / _NEONDOT / _NEONI8MM to include the ARM ukernels.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyedge/cpuinfo.h"
#include "pyedge/f32-dwconv2d-table.h"
#include "pyedge/f32-spmm-table.h"
#include "pyedge/qc4w-gemm-table.h"
#include "pyedge/qs8-dwconv2d-table.h"
#include "pyedge/qs8-qc8w-gemm-table.h"
#include "pyedge/qs8-qc8w-spmm-table.h"

enum { DT_U8 = 1, DT_I8, DT_U16, DT_I32, DT_I64, DT_F16, DT_F32, DT_F64 };
static const size_t DT_SIZE[] = {0, 1, 1, 2, 4, 8, 2, 4, 8};

typedef struct {
  char name[64];
  int dtype, ndim;
  size_t shape[8], count;
  const void* data;
} array_t;

typedef struct {
  char name[160], family[64];
  int narrays;
  array_t arrays[32];
} case_t;

typedef struct {
  long cases, runs, elements, diffs;
} counts_t;

static pyedge_cpu_info cpu;
static counts_t total;
static int capture;  /* sweep: run only portable kernels and store their output as expected */

/* Per-kernel tallies (name from the ukernel tables). */
static struct {
  const char* name;
  long runs, elements, diffs;
} per_kernel[256];
static size_t nkernels;

static void die(const char* msg, const char* what) {
  fprintf(stderr, "golden_check: %s %s\n", msg, what);
  exit(2);
}

static void* xmalloc(size_t n) {
  void* p = calloc(n ? n : 1, 1);
  if (!p) die("out of memory", "");
  return p;
}

/* ---- file parsing ---------------------------------------------------------------------- */

static const unsigned char* cur;
static const unsigned char* end;

static void need(size_t n) {
  if ((size_t)(end - cur) < n) die("truncated file", "");
}
static unsigned rd_u(size_t n) {
  need(n);
  unsigned v = 0;
  for (size_t i = 0; i < n; i++) v |= (unsigned)cur[i] << (8 * i);
  cur += n;
  return v;
}
static void rd_str(char* out, size_t cap) {
  const unsigned len = rd_u(2);
  need(len);
  if (len >= cap) die("string too long", "");
  memcpy(out, cur, len);
  out[len] = 0;
  cur += len;
}

static const array_t* find(const case_t* c, const char* name) {
  for (int i = 0; i < c->narrays; i++)
    if (!strcmp(c->arrays[i].name, name)) return &c->arrays[i];
  return NULL;
}
static const array_t* get(const case_t* c, const char* name) {
  const array_t* a = find(c, name);
  if (!a) die("case lacks array", name);
  return a;
}
static int64_t get_i(const case_t* c, const char* name, size_t i) {
  const array_t* a = get(c, name);
  if (a->dtype != DT_I64 || i >= a->count) die("bad int parameter", name);
  return ((const int64_t*)a->data)[i];
}
static double get_f(const case_t* c, const char* name) {
  const array_t* a = get(c, name);
  if (a->dtype != DT_F64) die("bad float parameter", name);
  return ((const double*)a->data)[0];
}

/* float16 bits -> float32 (scales of the INT4 encoding). */
static float half_to_float(uint16_t h) {
  const int e = (h >> 10) & 31, m = h & 1023;
  float v = e == 0 ? ldexpf((float)m, -24) : e == 31 ? (m ? NAN : INFINITY)
                                                     : ldexpf((float)(m | 1024), e - 25);
  return (h & 0x8000) ? -v : v;
}

/* ---- comparison ------------------------------------------------------------------------ */

/* Count elements of got (expected's dtype) that differ from expected (tolerance if stored). */
static void compare(const case_t* c, const char* kernel, const void* got, counts_t* cnt) {
  const array_t* want = get(c, "expected");
  const array_t* tol = find(c, "tol");
  if (capture) {
    memcpy((void*)want->data, got, want->count * DT_SIZE[want->dtype]);
    return;
  }
  long bad = 0;
  for (size_t i = 0; i < want->count; i++) {
    if (tol) {
      const float g = ((const float*)got)[i], w = ((const float*)want->data)[i];
      if (!(fabs((double)g - (double)w) <= ((const float*)tol->data)[i])) bad++;
    } else {
      const size_t es = DT_SIZE[want->dtype];
      if (memcmp((const char*)got + i * es, (const char*)want->data + i * es, es)) bad++;
    }
  }
  cnt->runs++;
  cnt->elements += (long)want->count;
  cnt->diffs += bad;
  size_t i = 0;
  while (i < nkernels && strcmp(per_kernel[i].name, kernel)) i++;
  if (i == nkernels) {
    if (nkernels == sizeof per_kernel / sizeof per_kernel[0]) die("too many kernels", kernel);
    per_kernel[nkernels++].name = kernel;
  }
  per_kernel[i].runs++;
  per_kernel[i].elements += (long)want->count;
  per_kernel[i].diffs += bad;
  if (bad) printf("  DIFF %s on %s: %ld of %zu elements\n", kernel, c->name, bad, want->count);
}

static int isa_ok(int isa) {
  if (capture) return isa == PYEDGE_ISA_SCALAR;
  switch (isa) {
    case PYEDGE_ISA_SCALAR: return 1;
    case PYEDGE_ISA_AVX2: return cpu.avx2 && cpu.fma;
    case PYEDGE_ISA_AVX512: return cpu.avx512f && cpu.avx512bw && cpu.avx512vl && cpu.avx512dq;
    case PYEDGE_ISA_AVX512VNNI: return cpu.avx512f && cpu.avx512bw && cpu.avx512vl && cpu.avx512dq && cpu.avx512vnni;
    case PYEDGE_ISA_NEON: return cpu.neon;
    case PYEDGE_ISA_NEONDOT: return cpu.neon && cpu.neon_dotprod;
    case PYEDGE_ISA_NEONI8MM: return cpu.neon && cpu.neon_dotprod && cpu.neon_i8mm;
    default: return 0;  /* AMX needs the driver's tile permission handling */
  }
}

/* ---- integer epilogue parameters ------------------------------------------------------- */

/* uint8 copy of 8-bit activations (int8 flipped by 0x80) and the matching zero point. */
static uint8_t* u8_activations(const array_t* x, int64_t zp, int32_t* zp_u8, size_t head) {
  uint8_t* out = xmalloc(x->count + head);
  const int flip = x->dtype == DT_I8;
  for (size_t i = 0; i < x->count; i++)
    out[head + i] = (uint8_t)(((const uint8_t*)x->data)[i] ^ (flip ? 0x80 : 0));
  *zp_u8 = (int32_t)zp + (flip ? 128 : 0);
  return out;
}

static pyedge_qparams qparams(const case_t* c, int32_t zp, const int32_t* wsum) {
  const array_t* want = get(c, "expected");
  const array_t* bias = find(c, "bias");
  const array_t* mult = find(c, "multiplier");
  const array_t* clamp = find(c, "clamp");
  pyedge_qparams p = {0};
  p.a_zero_point = zp;
  p.wsum = wsum;
  p.bias = bias ? (const int32_t*)bias->data : NULL;
  p.multiplier = mult ? (const float*)mult->data : NULL;
  p.out_zero_point = find(c, "out_zp") ? (int32_t)get_i(c, "out_zp", 0) : 0;
  p.fmin = -INFINITY;
  p.fmax = INFINITY;
  switch (want->dtype) {
    case DT_I32: p.out_kind = PYEDGE_OUT_INT32; break;
    case DT_F32:
      p.out_kind = PYEDGE_OUT_FLOAT32;
      if (clamp) {
        p.fmin = (float)((const double*)clamp->data)[0];
        p.fmax = (float)((const double*)clamp->data)[1];
      }
      break;
    case DT_U8: p.out_kind = PYEDGE_OUT_UINT8; p.qmin = 0; p.qmax = 255; break;
    case DT_I8: p.out_kind = PYEDGE_OUT_INT8; p.qmin = -128; p.qmax = 127; break;
    default: die("bad expected dtype in", c->name);
  }
  if (clamp && (want->dtype == DT_U8 || want->dtype == DT_I8)) {
    p.qmin = (int32_t)get_i(c, "clamp", 0);
    p.qmax = (int32_t)get_i(c, "clamp", 1);
  }
  return p;
}

/* ---- families -------------------------------------------------------------------------- */

static void run_qgemm(const case_t* c, counts_t* cnt) {
  const array_t* a = get(c, "a");
  const array_t* w = get(c, "w");
  const size_t m = a->shape[0], k = a->shape[1], n = w->shape[0];
  int32_t zp;
  uint8_t* au = u8_activations(a, get_i(c, "a_zp", 0), &zp, 0);
  int32_t* wsum = xmalloc(n * sizeof(int32_t));
  for (size_t j = 0; j < n; j++)
    for (size_t t = 0; t < k; t++) wsum[j] += ((const int8_t*)w->data)[j * k + t];
  const pyedge_qparams p = qparams(c, zp, wsum);
  const size_t es = DT_SIZE[get(c, "expected")->dtype];
  for (size_t u = 0; u < PYEDGE_QS8_QC8W_GEMM_COUNT; u++) {
    const pyedge_qs8_qc8w_gemm_ukernel* uk = &pyedge_qs8_qc8w_gemm_table[u];
    if (!isa_ok(uk->isa)) continue;
    const size_t kpad = PYEDGE_ROUND_UP(k, uk->kc), nblocks = PYEDGE_DIV_UP(n, uk->nr);
    int8_t* packed = xmalloc(nblocks * uk->nr * kpad);
    pyedge_qs8_qc8w_pack(n, k, uk->nr, uk->kr, uk->kc, (const int8_t*)w->data, packed);
    char* out = xmalloc(m * n * es);
    uk->fn(m, n, k, au, k, packed, &p, out, n);
    compare(c, uk->name, out, cnt);
    if (nblocks > 1) {  /* as the driver's N split: second call offset by whole blocks */
      const size_t n0 = nblocks / 2 * uk->nr;
      pyedge_qparams p2 = p;
      p2.wsum += n0;
      if (p2.bias) p2.bias += n0;
      if (p2.multiplier) p2.multiplier += n0;
      memset(out, 0xA5, m * n * es);
      uk->fn(m, n0, k, au, k, packed, &p, out, n);
      uk->fn(m, n - n0, k, au, k, packed + n0 * kpad, &p2, out + n0 * es, n);
      compare(c, uk->name, out, cnt);
    }
    free(out);
    free(packed);
  }
  free(wsum);
  free(au);
}

static void run_qc4w(const case_t* c, counts_t* cnt, int qd8) {
  const array_t* x = get(c, "x");
  const array_t* q = get(c, "q");
  const array_t* s16 = get(c, "scale");
  const array_t* bias = find(c, "bias");
  const size_t m = x->shape[0], k = x->shape[1], n = q->shape[0];
  const size_t g = (size_t)get_i(c, "group", 0), ngroups = k / g;
  float* scale = xmalloc(n * ngroups * sizeof(float));
  for (size_t i = 0; i < n * ngroups; i++) scale[i] = half_to_float(((const uint16_t*)s16->data)[i]);
  int8_t* xq = xmalloc(m * k);
  int32_t* xsum = xmalloc(m * ngroups * sizeof(int32_t));
  float* sx = xmalloc(m * sizeof(float));
  if (qd8) pyedge_qd8_quantize_rows(m, k, g, (const float*)x->data, k, xq, xsum, sx);
  float* out = xmalloc(m * n * sizeof(float));
  const float* b = bias ? (const float*)bias->data : NULL;
  for (size_t u = 0; u < PYEDGE_QC4W_GEMM_COUNT; u++) {
    const pyedge_qc4w_gemm_ukernel* uk = &pyedge_qc4w_gemm_table[u];
    if (uk->qd8 != qd8 || uk->layout != PYEDGE_QC4W_CANONICAL || !isa_ok(uk->isa)) continue;
    memset(out, 0xA5, m * n * sizeof(float));
    if (qd8)
      ((pyedge_qd8_f32_qc4w_gemm_fn)uk->fn)(m, n, k, g, xq, xsum, sx, q->data, scale, b, out, n);
    else
      ((pyedge_f32_qc4w_gemm_fn)uk->fn)(m, n, k, g, x->data, k, q->data, scale, b, out, n);
    compare(c, uk->name, out, cnt);
  }
  free(out);
  free(sx);
  free(xsum);
  free(xq);
  free(scale);
}

typedef struct {
  size_t n, k, r, cb, nbr, nb;
  int transposed, idx16;
  const int64_t* indptr;
  const void* indices;
  const void* values;
} sparse_t;

static sparse_t sparse(const case_t* c) {
  sparse_t s;
  s.n = (size_t)get_i(c, "shape", 0);
  s.k = (size_t)get_i(c, "shape", 1);
  s.r = (size_t)get_i(c, "block", 0);
  s.cb = (size_t)get_i(c, "block", 1);
  s.nbr = s.n / s.r;
  s.transposed = (int)get_i(c, "transposed", 0);
  const array_t* x = get(c, "x");
  s.nb = s.transposed ? x->shape[0] : x->shape[1];
  s.indptr = get(c, "indptr")->data;
  const array_t* ind = get(c, "indices");
  s.idx16 = ind->dtype == DT_U16;
  s.indices = ind->data;
  s.values = get(c, "values")->data;
  return s;
}

static void run_qspmm(const case_t* c, counts_t* cnt) {
  const sparse_t s = sparse(c);
  int32_t zp;
  uint8_t* buf = u8_activations(get(c, "x"), get_i(c, "x_zp", 0), &zp, 4);  /* 4-byte head */
  int32_t* wsum = xmalloc(s.n * sizeof(int32_t));
  for (size_t br = 0; br < s.nbr; br++)
    for (int64_t j = s.indptr[br]; j < s.indptr[br + 1]; j++)
      for (size_t t = 0; t < s.r * s.cb; t++)
        wsum[br * s.r + t / s.cb] += ((const int8_t*)s.values)[(size_t)j * s.r * s.cb + t];
  const pyedge_qparams p = qparams(c, zp, wsum);
  const size_t es = DT_SIZE[get(c, "expected")->dtype];
  char* out = xmalloc(s.n * s.nb * es);
  for (size_t u = 0; u < PYEDGE_QS8_QC8W_SPMM_COUNT; u++) {
    const pyedge_qs8_qc8w_spmm_ukernel* uk = &pyedge_qs8_qc8w_spmm_table[u];
    if (uk->r != s.r || uk->c != s.cb || !isa_ok(uk->isa)) continue;
    memset(out, 0xA5, s.n * s.nb * es);
    if (s.transposed || s.nb == 1)  /* the driver runs a one-column spmm as a GEMV */
      uk->spmm_t(0, s.nbr, s.nb, s.k, s.n, s.indptr, s.indices, s.idx16, s.values, buf + 4,
                 out, &p);
    else
      uk->spmm(0, s.nbr, s.nb, s.nb, s.indptr, s.indices, s.idx16, s.values, buf + 4, out, &p);
    compare(c, uk->name, out, cnt);
  }
  free(out);
  free(wsum);
  free(buf);
}

static void run_spmm(const case_t* c, counts_t* cnt) {
  const sparse_t s = sparse(c);
  const array_t* bias = find(c, "bias");
  const array_t* scale = find(c, "scale");  /* int8 values (f32_qc8w_spmm): row scales */
  const uint32_t q8 = get(c, "values")->dtype == DT_I8;
  pyedge_f32_minmax_params p = {bias ? (const float*)bias->data : NULL,
                                scale ? (const float*)scale->data : NULL,
                                (float)get_f(c, "lo"), (float)get_f(c, "hi")};
  const float* x = get(c, "x")->data;
  float* out = xmalloc(s.n * s.nb * sizeof(float));
  for (size_t u = 0; u < PYEDGE_F32_SPMM_COUNT; u++) {
    const pyedge_f32_spmm_ukernel* uk = &pyedge_f32_spmm_table[u];
    if (uk->q8 != q8 || uk->r != s.r || uk->c != s.cb || !isa_ok(uk->isa)) continue;
    memset(out, 0xA5, s.n * s.nb * sizeof(float));
    if (s.transposed || s.nb == 1)
      uk->spmm_t(0, s.nbr, s.nb, s.k, s.n, s.indptr, s.indices, s.idx16, s.values, x, out, &p);
    else
      uk->spmm(0, s.nbr, s.nb, s.nb, s.indptr, s.indices, s.idx16, s.values, x, out, &p);
    compare(c, uk->name, out, cnt);
  }
  free(out);
}

typedef struct {
  size_t n, ih, iw, c, cm, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow;
} dwgeo_t;

static dwgeo_t dwgeo(const case_t* c) {
  const array_t* x = get(c, "x");
  const array_t* w = get(c, "w");
  dwgeo_t g = {x->shape[0], x->shape[1], x->shape[2], x->shape[3], w->shape[2], w->shape[0],
               w->shape[1], (size_t)get_i(c, "stride", 0), (size_t)get_i(c, "stride", 1),
               (size_t)get_i(c, "dilation", 0), (size_t)get_i(c, "dilation", 1),
               (size_t)get_i(c, "pads", 0), (size_t)get_i(c, "pads", 1), 0, 0};
  const size_t pb = (size_t)get_i(c, "pads", 2), pr = (size_t)get_i(c, "pads", 3);
  g.oh = (g.ih + g.pt + pb - (g.kh - 1) * g.dh - 1) / g.sh + 1;
  g.ow = (g.iw + g.pl + pr - (g.kw - 1) * g.dw - 1) / g.sw + 1;
  return g;
}

/* Input with channels repeated to C * m (output channel c * m + j reads input channel c). */
static void* repeat_channels(const dwgeo_t* g, const void* x, size_t es) {
  const size_t mult = g->cm / g->c, pixels = g->n * g->ih * g->iw;
  char* out = xmalloc(pixels * g->cm * es);
  for (size_t px = 0; px < pixels; px++)
    for (size_t ch = 0; ch < g->cm; ch++)
      memcpy(out + (px * g->cm + ch) * es, (const char*)x + (px * g->c + ch / mult) * es, es);
  return out;
}

enum { DW_GROUP = 3 };  /* output rows per ukernel call (calls with 1..3 rows) */

static void run_qdwconv(const case_t* c, counts_t* cnt) {
  const dwgeo_t g = dwgeo(c);
  const array_t* xa = get(c, "x");
  const array_t* w = get(c, "w");
  uint8_t* x = repeat_channels(&g, xa->data, 1);
  const int xor_in = xa->dtype == DT_I8 ? 0x80 : 0;
  const int32_t zp = (int32_t)get_i(c, "x_zp", 0) + (xor_in ? 128 : 0);
  int32_t* wsum = xmalloc(g.cm * sizeof(int32_t));
  for (size_t t = 0; t < g.kh * g.kw; t++)
    for (size_t ch = 0; ch < g.cm; ch++) wsum[ch] += ((const int8_t*)w->data)[t * g.cm + ch];
  pyedge_qs8_dwconv2d_params p = {g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.iw, g.cm, g.ow, g.pl,
                                  (uint8_t)xor_in, (uint8_t)zp, qparams(c, zp, wsum)};
  const size_t rowlen = g.iw * g.cm, span = (DW_GROUP - 1) * g.sh + (g.kh - 1) * g.dh + 1;
  const uint8_t** rows = xmalloc(span * sizeof(*rows));
  uint8_t* out = xmalloc(g.n * g.oh * g.ow * g.cm);
  for (size_t u = 0; u < PYEDGE_QS8_DWCONV2D_COUNT; u++) {
    const pyedge_qs8_dwconv2d_ukernel* uk = &pyedge_qs8_dwconv2d_table[u];
    if (!isa_ok(uk->isa)) continue;
    const int8_t* wp = w->data;
    int8_t* packed = NULL;
    if (uk->pack) {
      packed = xmalloc(uk->packed_size(g.kh, g.kw, g.cm));
      uk->pack(g.kh, g.kw, g.cm, w->data, packed);
      wp = packed;
    }
    uint8_t* scratch = aligned_alloc(64, PYEDGE_ROUND_UP(uk->scratch_bytes(&p), 64) + 64);
    memset(out, 0xA5, g.n * g.oh * g.ow * g.cm);
    for (size_t img = 0; img < g.n; img++)
      for (size_t r0 = 0; r0 < g.oh; r0 += DW_GROUP) {
        const size_t nout = PYEDGE_MIN(DW_GROUP, g.oh - r0);
        const size_t nin = (nout - 1) * g.sh + (g.kh - 1) * g.dh + 1;
        for (size_t j = 0; j < nin; j++) {
          const ptrdiff_t iy = (ptrdiff_t)(r0 * g.sh + j) - (ptrdiff_t)g.pt;
          rows[j] = (iy < 0 || iy >= (ptrdiff_t)g.ih) ? NULL : x + (img * g.ih + (size_t)iy) * rowlen;
        }
        uk->fn(rows, nout, wp, out + (img * g.oh + r0) * g.ow * g.cm, &p, scratch);
      }
    compare(c, uk->name, out, cnt);
    free(scratch);
    free(packed);
  }
  free(out);
  free(rows);
  free(wsum);
  free(x);
}

static void run_dwconv(const case_t* c, counts_t* cnt) {
  const dwgeo_t g = dwgeo(c);
  float* x = repeat_channels(&g, get(c, "x")->data, 4);
  const float* w = get(c, "w")->data;
  const float* bias = get(c, "bias")->data;
  const pyedge_f32_dwconv2d_params p = {g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.iw, g.cm, g.ow,
                                        g.pl, (float)get_f(c, "lo"), (float)get_f(c, "hi")};
  const size_t rowlen = g.iw * g.cm, span = (DW_GROUP - 1) * g.sh + (g.kh - 1) * g.dh + 1;
  const float** rows = xmalloc(span * sizeof(*rows));
  float* zero_row = xmalloc(rowlen * sizeof(float));
  float* out = xmalloc(g.n * g.oh * g.ow * g.cm * sizeof(float));
  for (size_t u = 0; u < PYEDGE_F32_DWCONV2D_COUNT; u++) {
    const pyedge_f32_dwconv2d_ukernel* uk = &pyedge_f32_dwconv2d_table[u];
    if (!isa_ok(uk->isa) || (uk->kh != 0 && strcmp(uk->family, c->family))) continue;
    memset(out, 0xA5, g.n * g.oh * g.ow * g.cm * sizeof(float));
    for (size_t img = 0; img < g.n; img++)
      for (size_t r0 = 0; r0 < g.oh; r0 += DW_GROUP) {
        const size_t nout = PYEDGE_MIN(DW_GROUP, g.oh - r0);
        const size_t nin = (nout - 1) * g.sh + (g.kh - 1) * g.dh + 1;
        for (size_t j = 0; j < nin; j++) {
          const ptrdiff_t iy = (ptrdiff_t)(r0 * g.sh + j) - (ptrdiff_t)g.pt;
          rows[j] = (iy < 0 || iy >= (ptrdiff_t)g.ih) ? zero_row
                                                       : x + (img * g.ih + (size_t)iy) * rowlen;
        }
        uk->fn(rows, nout, w, bias, out + (img * g.oh + r0) * g.ow * g.cm, &p);
      }
    compare(c, uk->name, out, cnt);
  }
  free(out);
  free(zero_row);
  free(rows);
  free(x);
}

/* ---- main ------------------------------------------------------------------------------ */

static int run_case(const case_t* c, counts_t* cnt) {
  const char* f = c->family;
  if (!strcmp(f, "qs8_qc8w_gemm")) run_qgemm(c, cnt);
  else if (!strcmp(f, "qd8_f32_qc4w_gemm")) run_qc4w(c, cnt, 1);
  else if (!strcmp(f, "f32_qc4w_gemm")) run_qc4w(c, cnt, 0);
  else if (!strncmp(f, "qs8_qc8w_spmm_", 14)) run_qspmm(c, cnt);
  else if (!strncmp(f, "f32_spmm_", 9) || !strncmp(f, "f32_qc8w_spmm_", 14)) run_spmm(c, cnt);
  else if (!strcmp(f, "qs8_qc8w_dwconv2d")) run_qdwconv(c, cnt);
  else if (!strncmp(f, "f32_dwconv2d_", 13)) run_dwconv(c, cnt);
  else return 0;  /* families checked only from Python (pool, LUT) */
  return 1;
}

static void run_file(const char* path) {
  FILE* fp = fopen(path, "rb");
  if (!fp) die("cannot open", path);
  fseek(fp, 0, SEEK_END);
  const long size = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  unsigned char* buf = xmalloc((size_t)size);
  if (fread(buf, 1, (size_t)size, fp) != (size_t)size) die("cannot read", path);
  fclose(fp);
  cur = buf;
  end = buf + size;
  need(8);
  if (memcmp(cur, "PEDGEGV1", 8)) die("bad magic in", path);
  cur += 8;
  const unsigned ncases = rd_u(4);
  counts_t cnt = {0};
  long skipped = 0;
  case_t* c = xmalloc(sizeof(case_t));
  for (unsigned i = 0; i < ncases; i++) {
    rd_str(c->name, sizeof c->name);
    rd_str(c->family, sizeof c->family);
    c->narrays = (int)rd_u(4);
    if (c->narrays > 32) die("too many arrays in", c->name);
    for (int j = 0; j < c->narrays; j++) {
      array_t* a = &c->arrays[j];
      rd_str(a->name, sizeof a->name);
      a->dtype = (int)rd_u(1);
      a->ndim = (int)rd_u(1);
      rd_u(2);
      if (a->dtype < DT_U8 || a->dtype > DT_F64 || a->ndim > 8) die("bad array header in", path);
      a->count = 1;
      for (int d = 0; d < a->ndim; d++) a->count *= a->shape[d] = rd_u(4);
      const size_t nbytes = a->count * DT_SIZE[a->dtype];
      need(nbytes);
      void* data = xmalloc(nbytes);  /* own, aligned copy: kernels get naturally aligned data */
      memcpy(data, cur, nbytes);
      a->data = data;
      cur += nbytes;
    }
    if (run_case(c, &cnt)) cnt.cases++;
    else skipped++;
    for (int j = 0; j < c->narrays; j++) free((void*)c->arrays[j].data);
  }
  if (cur != end) die("trailing bytes in", path);
  printf("%s: %ld cases (%ld Python-only), %ld kernel runs, %ld elements, %ld differences\n",
         path, cnt.cases, skipped, cnt.runs, cnt.elements, cnt.diffs);
  total.cases += cnt.cases;
  total.runs += cnt.runs;
  total.elements += cnt.elements;
  total.diffs += cnt.diffs;
  free(c);
  free(buf);
}

/* ---- random sweep ---------------------------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static int64_t rint_in(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }

/* Append an array (zeroed) of dtype and shape (ndim <= 3) to c; returns its data. */
static void* add(case_t* c, const char* name, int dtype, int ndim, size_t s0, size_t s1, size_t s2) {
  array_t* a = &c->arrays[c->narrays++];
  snprintf(a->name, sizeof a->name, "%s", name);
  a->dtype = dtype;
  a->ndim = ndim;
  const size_t dims[3] = {s0, s1, s2};
  a->count = 1;
  for (int d = 0; d < ndim; d++) a->count *= a->shape[d] = dims[d];
  void* data = xmalloc(a->count * DT_SIZE[dtype]);
  a->data = data;
  return data;
}
static void add_i(case_t* c, const char* name, int64_t v) { *(int64_t*)add(c, name, DT_I64, 0, 0, 0, 0) = v; }

static void fill_bytes(void* p, size_t n, int lo, int hi) {
  for (size_t i = 0; i < n; i++) ((int8_t*)p)[i] = (int8_t)rint_in(lo, hi);
}

/* Random 8-bit activations and zero point (uint8 or int8), small or full-range values. */
static void random_act(case_t* c, const char* name, const char* zpname, int ndim, size_t s0,
                       size_t s1, size_t s2) {
  const int is_i8 = rnd() & 1, lo = is_i8 ? -128 : 0, hi = is_i8 ? 127 : 255;
  const int64_t zp = rint_in(lo, hi);
  void* x = add(c, name, is_i8 ? DT_I8 : DT_U8, ndim, s0, s1, s2);
  const size_t n = c->arrays[c->narrays - 1].count;
  const int small = rnd() & 1;  /* near the zero point: small accumulators, many .5 ties */
  for (size_t i = 0; i < n; i++) {
    int64_t v = small ? zp + rint_in(-6, 6) : rint_in(lo, hi);
    v = v < lo ? lo : v > hi ? hi : v;
    if (is_i8) ((int8_t*)x)[i] = (int8_t)v; else ((uint8_t*)x)[i] = (uint8_t)v;
  }
  add_i(c, zpname, zp);
}

/* Random epilogue (bias, multiplier, out_zp, clamp) and a zeroed expected output. */
static void random_epilogue(case_t* c, size_t n, size_t acc_scale, int allow_i32, size_t e0,
                            size_t e1, size_t e2, int endim) {
  const int kinds[4] = {DT_U8, DT_I8, DT_F32, DT_I32};
  const int kind = kinds[rint_in(0, allow_i32 ? 3 : 1)];
  if (rnd() % 4) {
    int32_t* b = add(c, "bias", DT_I32, 1, n, 0, 0);
    for (size_t j = 0; j < n; j++) b[j] = (int32_t)rint_in(-3000, 3000);
  }
  if (kind != DT_I32) {
    float* m = add(c, "multiplier", DT_F32, 1, n, 0, 0);
    for (size_t j = 0; j < n; j++)
      m[j] = (rnd() & 1) ? 0.25f * (float)rint_in(1, 6)  /* exact: .5 ties */
                         : (float)rint_in(1, 1 << 20) / (float)(1 << 20) * 4.0f / (float)acc_scale;
  }
  if (kind == DT_U8 || kind == DT_I8) {
    const int lo = kind == DT_U8 ? 0 : -128, hi = kind == DT_U8 ? 255 : 127;
    const int64_t ozp = rint_in(lo, hi);
    add_i(c, "out_zp", ozp);
    if (rnd() & 1) {
      int64_t* cl = add(c, "clamp", DT_I64, 1, 2, 0, 0);
      cl[0] = rint_in(lo, hi);
      cl[1] = rint_in(cl[0], hi);
    }
  } else if (kind == DT_F32 && (rnd() & 1)) {
    double* cl = add(c, "clamp", DT_F64, 1, 2, 0, 0);
    cl[0] = -(double)rint_in(0, 50);
    cl[1] = (double)rint_in(0, 50);
  }
  add(c, "expected", kind, endim, e0, e1, e2);
}

static void sweep_case(case_t* c, int fam) {
  c->narrays = 0;
  if (fam == 0) {  /* INT8 GEMM */
    const size_t m = (size_t)rint_in(1, 20), n = (size_t)rint_in(1, 70), k = (size_t)rint_in(1, 300);
    snprintf(c->name, sizeof c->name, "sweep_qgemm_m%zun%zuk%zu", m, n, k);
    snprintf(c->family, sizeof c->family, "qs8_qc8w_gemm");
    random_act(c, "a", "a_zp", 2, m, k, 0);
    fill_bytes(add(c, "w", DT_I8, 2, n, k, 0), n * k, -127, 127);
    random_epilogue(c, n, 64 * k, 1, m, n, 0, 2);
  } else if (fam == 1) {  /* qd8 x INT4 GEMM */
    const size_t g = (size_t)32 << rint_in(0, 2), m = (size_t)rint_in(1, 6);
    const size_t n = (size_t)rint_in(1, 40), k = g * (size_t)rint_in(1, 4);
    snprintf(c->name, sizeof c->name, "sweep_qd8_m%zun%zuk%zug%zu", m, n, k, g);
    snprintf(c->family, sizeof c->family, "qd8_f32_qc4w_gemm");
    float* x = add(c, "x", DT_F32, 2, m, k, 0);
    for (size_t i = 0; i < m * k; i++) x[i] = (float)rint_in(-600, 600) / 8.0f;  /* .5 ties */
    fill_bytes(add(c, "q", DT_U8, 2, n, k / 2, 0), n * k / 2, -128, 127);
    uint16_t* sc = add(c, "scale", DT_F16, 2, n, k / g, 0);
    for (size_t i = 0; i < n * k / g; i++) sc[i] = (uint16_t)(rint_in(1, 29) << 10 | rint_in(0, 1023));
    add_i(c, "group", (int64_t)g);
    if (rnd() & 1) {
      float* b = add(c, "bias", DT_F32, 1, n, 0, 0);
      for (size_t j = 0; j < n; j++) b[j] = (float)rint_in(-100, 100) / 16.0f;
    }
    add(c, "expected", DT_F32, 2, m, n, 0);
  } else if (fam == 2) {  /* integer CSR / BSR sparse matmul */
    static const size_t blocks[6][2] = {{1, 1}, {1, 4}, {4, 1}, {4, 4}, {8, 1}, {16, 1}};
    const size_t* bl = blocks[rnd() % 2 ? 0 : rint_in(1, 5)];  /* half CSR, half BSR */
    const size_t n = bl[0] * (size_t)rint_in(1, 8), k = bl[1] * (size_t)rint_in(1, 80);
    const size_t nb = (size_t)rint_in(1, 40), nbr = n / bl[0], nbc = k / bl[1];
    const int transposed = rnd() & 1, density = (int)rint_in(0, 100);
    snprintf(c->name, sizeof c->name, "sweep_qspmm_%zux%zu_n%zuk%zub%zu%s", bl[0], bl[1], n, k, nb,
             transposed ? "_t" : "");
    snprintf(c->family, sizeof c->family, bl[0] * bl[1] == 1 ? "qs8_qc8w_spmm_csr" : "qs8_qc8w_spmm_bsr_%zux%zu",
             bl[0], bl[1]);
    int64_t* sh = add(c, "shape", DT_I64, 1, 2, 0, 0);
    sh[0] = (int64_t)n;
    sh[1] = (int64_t)k;
    int64_t* b = add(c, "block", DT_I64, 1, 2, 0, 0);
    b[0] = (int64_t)bl[0];
    b[1] = (int64_t)bl[1];
    int64_t* indptr = add(c, "indptr", DT_I64, 1, nbr + 1, 0, 0);
    uint16_t* cols = xmalloc(nbr * nbc * sizeof(uint16_t));
    size_t nnzb = 0;
    for (size_t r = 0; r < nbr; r++) {
      for (size_t cc = 0; cc < nbc; cc++)
        if (rint_in(1, 100) <= density) cols[nnzb++] = (uint16_t)cc;
      indptr[r + 1] = (int64_t)nnzb;
    }
    const int idx32 = rnd() & 1;
    void* ind = add(c, "indices", idx32 ? DT_I32 : DT_U16, 1, nnzb, 0, 0);
    for (size_t j = 0; j < nnzb; j++)
      if (idx32) ((int32_t*)ind)[j] = cols[j]; else ((uint16_t*)ind)[j] = cols[j];
    free(cols);
    fill_bytes(add(c, "values", DT_I8, 1, nnzb * bl[0] * bl[1], 0, 0), nnzb * bl[0] * bl[1],
               -127, 127);
    if (transposed) random_act(c, "x", "x_zp", 2, nb, k, 0);
    else random_act(c, "x", "x_zp", 2, k, nb, 0);
    add_i(c, "transposed", transposed);
    random_epilogue(c, n, 64 * k, 1, transposed ? nb : n, transposed ? n : nb, 0, 2);
  } else {  /* 8-bit depthwise convolution */
    const size_t kh = (size_t)(2 * rint_in(0, 2) + 1), kw = (size_t)(2 * rint_in(0, 2) + 1);
    const size_t sh = (size_t)rint_in(1, 2), sw = (size_t)rint_in(1, 2);
    const size_t dh = (size_t)rint_in(1, 2), dw = (size_t)rint_in(1, 2);
    const size_t ch = (size_t)rint_in(1, 40), ih = (size_t)rint_in(1, 9), iw = (size_t)rint_in(1, 9);
    const int64_t pt = rint_in(0, (int64_t)((kh - 1) * dh)), pl = rint_in(0, (int64_t)((kw - 1) * dw));
    int64_t pb = rint_in(0, (int64_t)((kh - 1) * dh)), pr = rint_in(0, (int64_t)((kw - 1) * dw));
    /* at least one output row / column */
    if ((int64_t)ih + pt + pb < (int64_t)((kh - 1) * dh + 1)) pb = (int64_t)((kh - 1) * dh + 1) - (int64_t)ih - pt;
    if ((int64_t)iw + pl + pr < (int64_t)((kw - 1) * dw + 1)) pr = (int64_t)((kw - 1) * dw + 1) - (int64_t)iw - pl;
    const size_t oh = ((size_t)((int64_t)ih + pt + pb) - (kh - 1) * dh - 1) / sh + 1;
    const size_t ow = ((size_t)((int64_t)iw + pl + pr) - (kw - 1) * dw - 1) / sw + 1;
    snprintf(c->name, sizeof c->name, "sweep_qdw_%zux%zus%zu%zud%zu%zu_h%zuw%zuc%zu", kh, kw, sh, sw, dh,
             dw, ih, iw, ch);
    snprintf(c->family, sizeof c->family, "qs8_qc8w_dwconv2d");
    /* x as [1, H, W, C]: ndim 3 helper, then a leading 1 */
    random_act(c, "x", "x_zp", 3, ih, iw, ch);
    array_t* xa = &c->arrays[c->narrays - 2];
    xa->ndim = 4;
    xa->shape[3] = xa->shape[2];
    xa->shape[2] = xa->shape[1];
    xa->shape[1] = xa->shape[0];
    xa->shape[0] = 1;
    fill_bytes(add(c, "w", DT_I8, 3, kh, kw, ch), kh * kw * ch, -127, 127);
    int64_t* st = add(c, "stride", DT_I64, 1, 2, 0, 0);
    st[0] = (int64_t)sh;
    st[1] = (int64_t)sw;
    int64_t* di = add(c, "dilation", DT_I64, 1, 2, 0, 0);
    di[0] = (int64_t)dh;
    di[1] = (int64_t)dw;
    int64_t* pd = add(c, "pads", DT_I64, 1, 4, 0, 0);
    pd[0] = pt;
    pd[1] = pl;
    pd[2] = pb;
    pd[3] = pr;
    random_epilogue(c, ch, 64 * kh * kw, 0, oh * ow, ch, 0, 2);
    array_t* e = &c->arrays[c->narrays - 1];  /* expected [1, OH, OW, C] */
    e->ndim = 4;
    e->shape[0] = 1;
    e->shape[1] = oh;
    e->shape[2] = ow;
    e->shape[3] = ch;
  }
}

static void sweep(long per_family) {
  static const char* names[4] = {"INT8 GEMM", "qd8 INT4 GEMM", "integer sparse", "8-bit depthwise"};
  case_t* c = xmalloc(sizeof(case_t));
  for (int fam = 0; fam < 4; fam++) {
    counts_t cnt = {0};
    for (long i = 0; i < per_family; i++) {
      sweep_case(c, fam);
      capture = 1;  /* expected := the portable C kernel's output */
      run_case(c, &cnt);
      capture = 0;
      run_case(c, &cnt);
      cnt.cases++;
      for (int j = 0; j < c->narrays; j++) free((void*)c->arrays[j].data);
    }
    printf("sweep %s: %ld random cases, %ld kernel runs, %ld elements, %ld differences\n",
           names[fam], cnt.cases, cnt.runs, cnt.elements, cnt.diffs);
    total.cases += cnt.cases;
    total.runs += cnt.runs;
    total.elements += cnt.elements;
    total.diffs += cnt.diffs;
  }
  free(c);
}

int main(int argc, char** argv) {
  pyedge_cpu_features(&cpu);
  printf("cpu: neon=%d dotprod=%d i8mm=%d avx2=%d avx512vnni=%d\n", cpu.neon,
         cpu.neon_dotprod, cpu.neon_i8mm, cpu.avx2, cpu.avx512vnni);
  int i = 1;
  if (argc > 2 && !strcmp(argv[1], "--sweep")) {
    sweep(atol(argv[2]));
    i = 3;
  }
  for (; i < argc; i++) run_file(argv[i]);
  for (size_t i = 0; i < nkernels; i++)
    printf("  %-44s %4ld runs %8ld elements %ld differences\n", per_kernel[i].name,
           per_kernel[i].runs, per_kernel[i].elements, per_kernel[i].diffs);
  printf("TOTAL: %ld cases, %ld kernel runs, %ld elements compared, %ld differences\n",
         total.cases, total.runs, total.elements, total.diffs);
  return total.diffs || total.runs == 0 ? 1 : 0;
}
