#!/usr/bin/env bash
# The main job in one command: build mapamp and run a profile end to end
# (every lens on every cell), writing a report folder.
#
#   scripts/run.sh [profile] [more `mapamp run` options]
#
# profile: smoke, quick (default), default, full, or a path to a .toml.
# Output: reports/<profile>/index.html (open it in a browser), summary.md,
# report.json and cells/<cell id>/ (flame graph, pprof, callgrind output).
# A run already in that folder is resumed (finished cells are kept); delete
# the folder to start over.
set -euo pipefail
cd "$(dirname "$0")/.."

profile="${1:-quick}"
shift || true

if ! command -v valgrind >/dev/null 2>&1; then
    echo "note: valgrind is not installed, so the callgrind lens (instruction counts," >&2
    echo "      simulated cache misses) will say 'unavailable'. Debian/Ubuntu: apt-get install -y valgrind" >&2
fi

cargo build --release --bin mapamp
out="reports/$(basename "$profile" .toml)"
args=(run --profile "$profile" --out "$out")
if [ -f "$out/run.json" ]; then
    echo "resuming the run in $out (delete that folder to start over)" >&2
    args+=(--resume)
fi
target/release/mapamp "${args[@]}" "$@"
echo "report: $out/index.html (summary: $out/summary.md)"
