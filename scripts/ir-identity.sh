#!/usr/bin/env bash
# Issue 17's instruction identity: with accounting off (the `Off` probe)
# the Go Swiss-map model executes exactly the instructions of a build that
# has no probe calls at all (cargo feature `no-probe-calls`, which compiles
# them out of src/goswiss).
#
# Builds the `mapamp` binary twice, with and without the feature, the
# mapamp crate with codegen-units = 1 in both (codegen-unit partitioning
# alone moves Ir by a few percent from one build to another; the
# dependencies, which the feature does not touch, are the usual release
# builds), in the usual target directory (so a later plain release build
# compiles mapamp again); runs each
# cell's measured region (`mapamp cell-run --region-only`, accounting off)
# under callgrind in both binaries; prints the two Ir counts per cell and
# exits 1 when any pair differs.
#
#   scripts/ir-identity.sh                 # the smoke profile's goswiss insert cells
#   scripts/ir-identity.sh CELL_ID...      # cells of profiles/smoke.toml
#   IR_PROFILE=profiles/quick.toml scripts/ir-identity.sh CELL_ID...
#
# Exit: 0 all equal, 1 a difference, 2 bad input, 3 cannot run here
# (valgrind missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
profile="${IR_PROFILE:-$root/profiles/smoke.toml}"
if [ ! -f "$profile" ]; then
    echo "ir-identity: IR_PROFILE=$profile: no such profile file (give a path to a profile .toml)" >&2
    exit 2
fi
if ! command -v valgrind >/dev/null; then
    echo "ir-identity: cannot run: valgrind not found on PATH (apt-get install -y valgrind)" >&2
    exit 3
fi
if [ "$#" -gt 0 ]; then
    cells=("$@")
else
    cells=(
        "insert/goswiss/go-default/n=2048/keys=random/k8v8"
        "insert/goswiss/presized/n=2048/keys=random/k8v8"
    )
fi

target="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d "${TMPDIR:-/tmp}/ir-identity.XXXXXX")"
trap 'rm -rf "$work"' EXIT

build() { # $1: name, rest: cargo flags
    local name="$1"
    shift
    echo "ir-identity: building mapamp (probe calls: $name; codegen-units = 1) into $target" >&2
    (cd "$root" && CARGO_TARGET_DIR="$target" cargo build --release --locked --bin mapamp \
        --config 'profile.release.package.mapamp.codegen-units=1' "$@" >&2)
    # Both binaries at paths of the same length: argv[0] is copied to the
    # heap, and a longer name moves later allocations (a few hundred Ir of
    # malloc/memset in a growing map's region).
    mkdir -p "$work/$name"
    cp "$target/release/mapamp" "$work/$name/mapamp"
}
build on
build no --features no-probe-calls

# Without address-space randomisation the allocator takes the same paths
# every run (see src/lens/callgrind.rs).
norand=()
if command -v setarch >/dev/null; then
    norand=(setarch "$(uname -m)" -R)
fi

ir() { # $1: binary, $2: cell
    local out="$work/callgrind.out"
    rm -f "$out"
    if ! "${norand[@]}" valgrind --tool=callgrind --collect-atstart=no --instr-atstart=no \
        --toggle-collect='*measured_region*' --callgrind-out-file="$out" \
        "$1" cell-run --profile "$profile" --cell "$2" --out "$work/run" --region-only \
        >"$work/valgrind.log" 2>&1; then
        echo "ir-identity: $2: the region did not run under callgrind:" >&2
        tail -5 "$work/valgrind.log" >&2
        exit 2
    fi
    # As the callgrind lens reads it: the sum of the `totals:` lines (one per
    # dump), else `summary:`; Ir is the first event.
    awk '/^totals:/ { t += $2; n++ } /^summary:/ { s = $2 }
         END { if (n) print t; else print s }' "$out"
}

status=0
printf '%-55s %15s %15s  %s\n' "cell" "Ir (Off probe)" "Ir (no calls)" "verdict"
for cell in "${cells[@]}"; do
    a="$(ir "$work/on/mapamp" "$cell")"
    b="$(ir "$work/no/mapamp" "$cell")"
    if [ -z "$a" ] || [ -z "$b" ] || [ "$a" = 0 ] || [ "$b" = 0 ]; then
        echo "ir-identity: $cell: callgrind counted no instructions in the region (Ir '$a' and '$b'): no figure to compare" >&2
        exit 2
    fi
    if [ "$a" = "$b" ]; then
        verdict="equal"
    else
        verdict="DIFFERENT ($((a - b)) more with the probe calls)"
        status=1
    fi
    printf '%-55s %15s %15s  %s\n' "$cell" "$a" "$b" "$verdict"
done
exit "$status"
