#!/usr/bin/env python3
"""Noise of the criterion suite: run `cargo bench --bench copy_paths` twice
on one profile and compare each cell's median between the two runs.

    scripts/bench-noise.py [profile]        (default: quick)

Prints, per cell, the two medians and their relative difference, then the
share of cells whose medians are within 3% of each other. Exit code 0 when
at least 90% are (the README's noise target), 1 otherwise, 2 on error.
Criterion's estimates are read from target/criterion/**/<baseline>/estimates.json.
"""
import json
import os
import subprocess
import sys

TOLERANCE = 0.03
TARGET_SHARE = 0.90
BASELINES = ("noise-a", "noise-b")


def run(profile: str, baseline: str) -> None:
    env = dict(os.environ, MAPAMP_PROFILE=profile)
    cmd = ["cargo", "bench", "--bench", "copy_paths", "--", "--save-baseline", baseline,
           "--noplot"]
    print("+", f"MAPAMP_PROFILE={profile}", " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)


def medians(root: str, baseline: str) -> dict:
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        if os.path.basename(dirpath) == baseline and "estimates.json" in files:
            with open(os.path.join(dirpath, "estimates.json")) as f:
                est = json.load(f)
            bench = os.path.relpath(os.path.dirname(dirpath), root)
            out[bench] = est["median"]["point_estimate"]
    return out


def main() -> int:
    profile = sys.argv[1] if len(sys.argv) > 1 else "quick"
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "criterion")
    try:
        for b in BASELINES:
            run(profile, b)
    except subprocess.CalledProcessError as e:
        print(f"bench-noise: cargo bench failed ({e})", file=sys.stderr)
        return 2
    a, b = (medians(root, x) for x in BASELINES)
    common = sorted(set(a) & set(b))
    if not common:
        print(f"bench-noise: no criterion estimates under {root}", file=sys.stderr)
        return 2
    within = 0
    for k in common:
        rel = abs(b[k] - a[k]) / a[k]
        within += rel <= TOLERANCE
        print(f"{rel * 100:6.2f}%  {a[k]:14.1f} ns  {b[k]:14.1f} ns  {k}")
    share = within / len(common)
    print(f"{within}/{len(common)} cells ({share * 100:.1f}%) have medians within "
          f"{TOLERANCE * 100:.0f}% across the two runs (target: {TARGET_SHARE * 100:.0f}%)")
    return 0 if share >= TARGET_SHARE else 1


if __name__ == "__main__":
    sys.exit(main())
