#!/usr/bin/env bash
# Build pyedge with AddressSanitizer + UBSan in a separate git worktree and run the whole test
# suite under it (the normal in-place build of this checkout is left alone).
#
#   tools/sanitize.sh [DIR] [pytest args...]     # DIR default: /tmp/pyedge-asan
#
# DIR becomes a detached worktree of HEAD (reused if it exists: `git -C DIR checkout --detach
# HEAD` picks up new commits; the build is redone each time). Python itself is not
# instrumented, so libasan is preloaded and leak checking is off (CPython's allocations at
# exit are not leaks); any ASan or UBSan report aborts the test process with a stack trace.
# allocator_may_return_null: a huge request becomes MemoryError (as without ASan), not an abort.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/tmp/pyedge-asan}
shift || true
if [ ! -d "$dir" ]; then
  git -C "$root" worktree add --detach "$dir" HEAD
else
  git -C "$dir" checkout -q --detach "$(git -C "$root" rev-parse HEAD)"
fi
cd "$dir"
if [ -z "${SKIP_BUILD:-}" ]; then
  PYEDGE_SANITIZE=1 python setup.py -q build_clib build_ext --inplace --force -j 2
fi
export LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export PYTHONMALLOC=malloc  # let ASan see Python-level buffer overruns into malloc'ed memory
python -m pytest -q -p no:cacheprovider "$@"
