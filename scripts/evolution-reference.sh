#!/usr/bin/env bash
# Regenerates tests/data/evolution/<release>.json: heap bytes and objects of
# real Go maps across key types x value types x n x hint, on the four Go
# runtimes mapamp compares (go/cmd/evolutionref does the measuring):
#
#   go1.19       /usr/lib/go-1.19/bin/go (Debian: apt-get install -y golang-1.19-go), or $MAPAMP_GO119
#   go1.26       the `go` on PATH, or $MAPAMP_GO126
#   go1.27       GOTOOLCHAIN=go1.27.3 with a go >= 1.21 (fetched through the Go module proxy), or $MAPAMP_GO127
#   go1.27split  the same with GOEXPERIMENT=mapsplitgroup
#
# Usage: scripts/evolution-reference.sh [release ...]   (default: all four)
# Every release asked for must have its toolchain: a missing one stops the
# script with exit code 2, naming it and how to get it, before anything is
# written. Each file is written atomically (temp + rename).
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/data/evolution
releases=("$@")
[ ${#releases[@]} -gt 0 ] || releases=(go1.19 go1.26 go1.27 go1.27split)

# go_cmd RELEASE: prints "GO_COMMAND GOTOOLCHAIN GOEXPERIMENT" (- for none).
go_cmd() {
    case "$1" in
    go1.19) echo "${MAPAMP_GO119:-/usr/lib/go-1.19/bin/go} local -" ;;
    go1.26) echo "${MAPAMP_GO126:-go} local -" ;;
    go1.27) echo "${MAPAMP_GO127:-go} go1.27.3 -" ;;
    go1.27split) echo "${MAPAMP_GO127:-go} go1.27.3 mapsplitgroup" ;;
    *)
        echo "evolution-reference: unknown release '$1' (valid: go1.19, go1.26, go1.27, go1.27split)" >&2
        exit 2
        ;;
    esac
}

hint() {
    case "$1" in
    go1.19) echo "apt-get install -y golang-1.19-go (Debian 12), or set MAPAMP_GO119 to a Go 1.19 go command" ;;
    go1.26) echo "install Go 1.26 from https://go.dev/dl/ onto PATH, or set MAPAMP_GO126" ;;
    *) echo "GOTOOLCHAIN=go1.27.3 go version fetches it through the Go module proxy (needs a go >= 1.21 on PATH and network access to proxy.golang.org)" ;;
    esac
}

for r in "${releases[@]}"; do
    go_cmd "$r" >/dev/null
done

# gorun RELEASE ARGS...: the release's go command with its environment.
gorun() {
    local go tc exp
    read -r go tc exp < <(go_cmd "$1")
    shift
    if [ "$exp" = - ]; then
        env -u GOEXPERIMENT GOTOOLCHAIN="$tc" "$go" "$@"
    else
        GOTOOLCHAIN="$tc" GOEXPERIMENT="$exp" "$go" "$@"
    fi
}

# Check every toolchain first: nothing is written unless all are there.
for r in "${releases[@]}"; do
    read -r go tc exp < <(go_cmd "$r")
    want="${r%split}"
    v=$(gorun "$r" version 2>/dev/null | awk '{print $3}') || v=""
    case "$v" in
    "$want" | "$want".*) ;;
    *)
        echo "evolution-reference: no $r toolchain ('$go' with GOTOOLCHAIN=$tc reports '${v:-nothing}'); $(hint "$r")" >&2
        exit 2
        ;;
    esac
done

mkdir -p "$out"
for r in "${releases[@]}"; do
    echo "== $r" >&2
    # -release makes the program refuse to record under a wrong name.
    (cd go && gorun "$r" run ./cmd/evolutionref -release "$r" -out "../$out/$r.json")
done
