#!/usr/bin/env bash
# The test command of the README: unit, property and behaviour tests.
# (`cargo test` builds tests optimised, with debug assertions on.)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-targets "$@"
