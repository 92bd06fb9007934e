#!/usr/bin/env bash
# Cross-compile pyedge's C ukernels (portable + NEON + dotprod) and the golden vector checker
# for aarch64, then run it under qemu-user on every tests/golden/*.bin; exit non-zero on any
# difference (plus SWEEP random cases per integer family: every ARM kernel vs the portable C
# kernel, bit for bit). Needs Debian's gcc-aarch64-linux-gnu and qemu-user (qemu-aarch64).
#
#   tools/test_arm.sh                # from any directory; BUILD_DIR defaults to build/arm
#   ARM_BUILDS=neon tools/test_arm.sh   # only the first build (what tests/arm/test_qemu.py runs)
#
# Builds (all static, -ffp-contract=off like setup.py):
#   neon     -O2, baseline armv8-a for portable/NEON files, armv8.2-a+dotprod for -neondot.c,
#            +i8mm for -neoni8mm.c; run under `qemu-aarch64 -cpu max` (dotprod and i8mm kernels
#            run) and `-cpu cortex-a57` (neither: run-time detection must skip them).
#   dotprod  -O3 with every file compiled for armv8.2-a+dotprod (the compiler may then use SDOT
#            anywhere); run under `-cpu max`.
set -euo pipefail
cd "$(dirname "$0")/.."
CC=${CC_AARCH64:-aarch64-linux-gnu-gcc}
QEMU=${QEMU_AARCH64:-qemu-aarch64}
BUILD_DIR=${BUILD_DIR:-build/arm}
SWEEP=${SWEEP:-300}  # random cases per integer family, each ARM kernel vs the portable one
mkdir -p "$BUILD_DIR"
COMMON=(-std=c11 -fno-math-errno -ffp-contract=off -Ikernels/include -Wall -Wextra)
GOLDEN=(tests/golden/*.bin)
SCALAR=(kernels/cpuinfo.c kernels/*/*-scalar.c)
NEON=(kernels/*/*-neon.c)
NEONDOT=(kernels/*/*-neondot.c)
NEONI8MM=(kernels/*/*-neoni8mm.c)

build() {  # build NAME OPT BASE_MARCH DOT_MARCH
  local name=$1 opt=$2 base=$3 dot=$4 out="$BUILD_DIR/golden_check-$1" objs=()
  local dir="$BUILD_DIR/obj-$name"
  mkdir -p "$dir"
  for f in "${SCALAR[@]}" "${NEON[@]}" tests/arm/golden_check.c; do
    objs+=("$dir/$(basename "${f%.c}").o")
    "$CC" "$opt" "-march=$base" "${COMMON[@]}" -DPYEDGE_HAVE_NEON=1 -DPYEDGE_HAVE_NEONDOT=1 \
      -DPYEDGE_HAVE_NEONI8MM=1 -c "$f" -o "${objs[-1]}"
  done
  for f in "${NEONDOT[@]}"; do
    objs+=("$dir/$(basename "${f%.c}").o")
    "$CC" "$opt" "-march=$dot" "${COMMON[@]}" -c "$f" -o "${objs[-1]}"
  done
  for f in "${NEONI8MM[@]}"; do
    objs+=("$dir/$(basename "${f%.c}").o")
    "$CC" "$opt" "-march=armv8.2-a+dotprod+i8mm" "${COMMON[@]}" -c "$f" -o "${objs[-1]}"
  done
  "$CC" -static "${objs[@]}" -lm -o "$out"
  echo "built $out"
}

BUILDS=${ARM_BUILDS:-neon dotprod}
build neon -O2 armv8-a armv8.2-a+dotprod
if [[ " $BUILDS " == *" dotprod "* ]]; then
  build dotprod -O3 armv8.2-a+dotprod armv8.2-a+dotprod
fi

status=0
for run in "neon max" "neon cortex-a57" "dotprod max"; do
  set -- $run
  [[ " $BUILDS " == *" $1 "* ]] || continue
  echo "== $QEMU -cpu $2 $BUILD_DIR/golden_check-$1"
  "$QEMU" -cpu "$2" "$BUILD_DIR/golden_check-$1" --sweep "$SWEEP" "${GOLDEN[@]}" || status=1
done
exit $status
