#!/usr/bin/env bash
# The test command of the README: unit, property, behaviour and end-to-end
# tests, plus every criterion benchmark run once (`cargo test` runs a bench
# target in test mode). (`cargo test` builds tests optimised, with debug
# assertions on.) The gungraun `instructions` bench needs its pinned runner
# and valgrind: `.ci/run` installs the runner and runs it on `smoke`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --lib --bins --tests \
    --bench model_speed --bench speed_ratio --bench copy_paths --bench io_paths "$@"
