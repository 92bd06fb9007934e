#!/usr/bin/env bash
# Run one pyedge fuzz target for N executions (in chunks, restarting after a crash); print totals.
#
#   tools/fuzz.sh reader|load_run N [WORKDIR]
#
# WORKDIR (default /tmp/pyedge-fuzz-TARGET) gets the growing corpus (seeded with the models of
# tests/fuzz/seeds.py and the demo model), crash-*/timeout-*/oom-* inputs under crashes/, and
# the log of the last chunk. Each case is bounded by libFuzzer's -timeout=10 (a hang) and
# -rss_limit_mb=3072 (see tests/fuzz/harness.py). Run from the repository root.
set -u
target=$1
total=$2
work=${3:-/tmp/pyedge-fuzz-$target}
chunk=${CHUNK:-50000}
mkdir -p "$work/corpus" "$work/crashes"
python -m tests.fuzz.seeds "$work/corpus" > /dev/null
executed=0
chunks=0
while [ "$executed" -lt "$total" ]; do
  n=$(( total - executed < chunk ? total - executed : chunk ))
  python -m "tests.fuzz.fuzz_$target" -runs="$n" -seed=$(( 1000 + chunks )) -print_final_stats=1 \
    -artifact_prefix="$work/crashes/" "$work/corpus" tests/fuzz/corpus > "$work/last.log" 2>&1
  ran=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/last.log" | tail -1 | awk '{print $2}')
  if [ -z "$ran" ]; then  # killed before the final stats: count the last progress line
    ran=$(grep -o '^#[0-9]*' "$work/last.log" | tail -1 | tr -d '#')
  fi
  executed=$(( executed + ${ran:-0} ))
  chunks=$(( chunks + 1 ))
  echo "chunk $chunks: $ran executions (total $executed)"
done
crashes=$(find "$work/crashes" -name 'crash-*' | wc -l)
hangs=$(find "$work/crashes" -name 'timeout-*' -o -name 'slow-unit-*' | wc -l)
ooms=$(find "$work/crashes" -name 'oom-*' | wc -l)
echo "target=$target executions=$executed crashes=$crashes hangs=$hangs ooms=$ooms"
