#!/usr/bin/env bash
# Prints the gungraun library version pinned in Cargo.lock (the runner must match).
set -euo pipefail
lock="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/Cargo.lock"
awk '/^name = "gungraun"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$lock"
