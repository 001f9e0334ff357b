#!/usr/bin/env bash
# Installs gungraun-runner at the version of the gungraun library pinned in
# Cargo.lock, unless that exact version is already on PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
want="$("$here/gungraun-version.sh")"
if [ -z "$want" ]; then
  echo "cannot find the gungraun version in Cargo.lock" >&2
  exit 1
fi
if command -v gungraun-runner >/dev/null 2>&1; then
  have="$(gungraun-runner --version 2>/dev/null | awk '{print $NF}')"
  if [ "$have" = "$want" ]; then
    echo "gungraun-runner $want is installed"
    exit 0
  fi
  echo "gungraun-runner $have is installed; installing $want"
fi
cargo install gungraun-runner --version "$want" --locked
