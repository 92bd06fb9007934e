/* CPU feature bits at run time (CPUID/XGETBV on x86-64, HWCAP on aarch64) and AMX permission. */
#define _GNU_SOURCE  /* syscall() under -std=c11 */
#include "pyedge/cpuinfo.h"

#if defined(PYEDGE_ARCH_X86_64)
#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>

static uint64_t xgetbv0(void) {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

#define ARCH_GET_XCOMP_PERM 0x1022
#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

static int request_amx(void) {
#if defined(__linux__)
  if (syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) != 0) return 0;
  unsigned long bitmask = 0;
  if (syscall(SYS_arch_prctl, ARCH_GET_XCOMP_PERM, &bitmask) != 0) return 0;
  return (bitmask & (1UL << XFEATURE_XTILEDATA)) != 0;
#else
  return 0;
#endif
}

void pyedge_cpu_features(pyedge_cpu_info* info) {
  unsigned a, b, c, d;
  *info = (pyedge_cpu_info){0};
  if (!__get_cpuid(1, &a, &b, &c, &d)) return;
  const int osxsave = (c >> 27) & 1, fma = (c >> 12) & 1, f16c = (c >> 29) & 1;
  uint64_t xcr0 = osxsave ? xgetbv0() : 0;
  const int os_avx = (xcr0 & 0x6) == 0x6;
  const int os_avx512 = os_avx && (xcr0 & 0xe0) == 0xe0;
  const int os_amx = (xcr0 & 0x60000) == 0x60000;
  __cpuid_count(7, 0, a, b, c, d);
  info->avx2 = os_avx && ((b >> 5) & 1) && fma && f16c;
  info->fma = os_avx && fma;
  info->avx512f = os_avx512 && ((b >> 16) & 1);
  info->avx512bw = os_avx512 && ((b >> 30) & 1);
  info->avx512vl = os_avx512 && ((b >> 31) & 1);
  info->avx512dq = os_avx512 && ((b >> 17) & 1);
  info->avx512vnni = os_avx512 && ((c >> 11) & 1);
  info->amx_tile = os_amx && ((d >> 24) & 1);
  info->amx_int8 = os_amx && ((d >> 25) & 1);
  info->amx_permitted = info->amx_tile && info->amx_int8 && request_amx();
}

#elif defined(PYEDGE_ARCH_ARM64) && defined(__linux__)
#include <sys/auxv.h>
#define PYEDGE_HWCAP_ASIMD (1 << 1)
#define PYEDGE_HWCAP_ASIMDDP (1 << 20)
#define PYEDGE_HWCAP2_I8MM (1 << 13)

void pyedge_cpu_features(pyedge_cpu_info* info) {
  *info = (pyedge_cpu_info){0};
  unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
  info->neon = (hw & PYEDGE_HWCAP_ASIMD) != 0;
  info->neon_dotprod = (hw & PYEDGE_HWCAP_ASIMDDP) != 0;
  info->neon_i8mm = (hw2 & PYEDGE_HWCAP2_I8MM) != 0;
}

#else
void pyedge_cpu_features(pyedge_cpu_info* info) { *info = (pyedge_cpu_info){0}; }
#endif
