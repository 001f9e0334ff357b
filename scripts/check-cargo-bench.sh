#!/usr/bin/env bash
# Checks `cargo bench` as the front door (run by .ci/run; takes a few
# minutes once the bench targets are built):
#
#  1. As on a fresh machine without gungraun-runner (hidden with
#     MAPAMP_GUNGRAUN_RUNNER=none): `MAPAMP_PROFILE=smoke cargo bench` exits 0,
#     prints no unit-test lines, every bench target prints its results, and
#     `instructions` prints its notice with the install command and writes
#     it to target/gungraun/NOTICE-instructions.txt.
#  2. With the runner installed (scripts/install-gungraun-runner.sh first):
#     `MAPAMP_BENCH_STRICT=1 MAPAMP_PROFILE=smoke cargo bench --bench
#     instructions` exits 0, prints instruction counts for every cell, and
#     the notice file is gone. Skip this part with --no-runner.
#
# Logs: target/check-cargo-bench/{fresh,runner}.log
set -euo pipefail
cd "$(dirname "$0")/.."
logs=target/check-cargo-bench
mkdir -p "$logs"
failed=0
fail() { echo "check-cargo-bench: FAIL: $*" >&2; failed=1; }
count() { grep -cE "$1" "$2" || true; }

cells="$(cargo run --release --quiet --bin mapamp -- profile cells smoke | wc -l)"
# copy_paths benchmarks the map cells; io cells are io_paths' (one criterion
# group per I/O path).
io_cells="$(cargo run --release --quiet --bin mapamp -- profile cells smoke | grep -c '^io/' || true)"
map_cells="$((cells - io_cells))"
echo "check-cargo-bench: smoke has $cells cells ($map_cells map cells, $io_cells io cells)"

echo "check-cargo-bench: 1. MAPAMP_PROFILE=smoke cargo bench, no gungraun-runner"
notice_file="target/gungraun/NOTICE-instructions.txt"
rm -f "$notice_file"
status=0
MAPAMP_GUNGRAUN_RUNNER=none MAPAMP_PROFILE=smoke cargo bench >"$logs/fresh.log" 2>&1 || status=$?
[ "$status" = 0 ] || fail "cargo bench exited $status (log: $logs/fresh.log)"
n="$(count '^running [0-9]+ tests?|^test result:|\.\.\. (ok|ignored|FAILED)$' "$logs/fresh.log")"
[ "$n" = 0 ] || fail "$n unit-test line(s) in cargo bench's output"
n="$(count '^copy_paths: cell [0-9]+ of '"$map_cells"': ' "$logs/fresh.log")"
[ "$n" = "$map_cells" ] || fail "copy_paths announced $n of $map_cells map cells"
n="$(count '^io/[^ ]+$' "$logs/fresh.log")"
[ "$n" = "$io_cells" ] || fail "io_paths measured $n of $io_cells io cells"
t="$(count 'time: +\[' "$logs/fresh.log")"
[ "$t" -ge "$((cells + 6))" ] || fail "criterion printed $t time lines (copy_paths $map_cells + io_paths $io_cells + model_speed 6 expected)"
n="$(count '^model_speed: cell [0-9]+ of 6: ' "$logs/fresh.log")"
[ "$n" = 6 ] || fail "model_speed announced $n of 6 cells"
n="$(count 'hashbrown: median ratio' "$logs/fresh.log")"
[ "$n" -ge 5 ] || fail "speed_ratio printed $n ratios (5 expected)"
grep -q 'mapamp bench `instructions`: NOT RUN: gungraun-runner' "$logs/fresh.log" ||
    fail "no notice from instructions"
grep -q 'install: scripts/install-gungraun-runner.sh' "$logs/fresh.log" ||
    fail "the notice does not name the install command"
if [ -f "$notice_file" ]; then
    grep -q 'install: scripts/install-gungraun-runner.sh' "$notice_file" ||
        fail "$notice_file lacks the install command"
else
    fail "$notice_file was not written"
fi

if [ "${1:-}" != --no-runner ]; then
    echo "check-cargo-bench: 2. MAPAMP_BENCH_STRICT=1 MAPAMP_PROFILE=smoke cargo bench --bench instructions"
    status=0
    MAPAMP_BENCH_STRICT=1 MAPAMP_PROFILE=smoke cargo bench --bench instructions \
        >"$logs/runner.log" 2>&1 || status=$?
    [ "$status" = 0 ] || fail "instructions exited $status (log: $logs/runner.log)"
    n="$(count '^ +Instructions: ' "$logs/runner.log")"
    [ "$n" = "$cells" ] || fail "instruction counts for $n of $cells cells"
    n="$(count '^ +instructions: cell [0-9]+ of '"$cells"': ' "$logs/runner.log")"
    [ "$n" = "$cells" ] || fail "instructions announced $n of $cells cells"
    [ ! -f "$notice_file" ] || fail "the stale notice $notice_file was not removed"
fi

if [ "$failed" != 0 ]; then
    echo "check-cargo-bench: FAILED (logs in $logs/)" >&2
    exit 1
fi
echo "check-cargo-bench: passed (logs in $logs/)"
