#!/usr/bin/env bash
# Valgrind memcheck over kernel tests: prints the error summary; exit 1 on any error.
#
#   tools/valgrind.sh [pytest args...]        # default: tests/kernels
#
# Run from the repository root on the normal (non-sanitized) in-place build. Valgrind 3.19
# does not emulate AVX-512/AMX: its virtual CPU hides those CPUID bits, so pyedge's dispatch
# runs the AVX2, portable C, Numba and NumPy paths (the kernels the tests list as run are
# printed by pytest -v). PYTHONMALLOC=malloc lets memcheck see every Python allocation;
# tools/valgrind-python.supp hides CPython's and ld.so's own reports.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
py=$(python -c "import sys; print(sys.executable)")  # the interpreter, not a pyenv shim
log=${VALGRIND_LOG:-/tmp/pyedge-valgrind.log}
[ $# -gt 0 ] || set -- tests/kernels
cd "$root"
PYTHONMALLOC=malloc PYEDGE_NUM_THREADS=${PYEDGE_NUM_THREADS:-1} valgrind --tool=memcheck \
  --suppressions="$root/tools/valgrind-python.supp" --error-exitcode=1 --num-callers=30 \
  --log-file="$log" "$py" -m pytest -q -p no:cacheprovider -p no:randomly "$@"
rc=$?
grep -E "ERROR SUMMARY|Invalid (read|write)" "$log" | sort | uniq -c
echo "valgrind log: $log (exit $rc)"
exit $rc
