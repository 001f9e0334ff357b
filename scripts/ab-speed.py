#!/usr/bin/env python3
"""Paired A/B of `speed_ratio` bench binaries built at different commits.

Runs each binary once per pass, in an order that rotates from pass to pass
(ABC, BCA, CAB, ...), so that the machine's drift reaches every binary
alike, and reports per variant (gomap, goswiss, ...):

- each run's median ns per insert (the bench's own median over its rounds),
- per binary the median of those over the passes, with min and max,
- per binary against the first one: the ratio of the two runs of the same
  pass, its median over the passes, min and max.

Give the same binary twice under two names for an A-vs-A pair: its ratio
is the noise floor of the comparison.

    scripts/ab-speed.py --passes 6 before=/tmp/ab/before after=/tmp/ab/after \\
        after2=/tmp/ab/after

Build a binary with `cargo bench --bench speed_ratio --no-run` at each
commit (e.g. in a `git worktree add /tmp/x <commit>` with its own
CARGO_TARGET_DIR) and copy `target/release/deps/speed_ratio-<hash>`.
The real Go map is left out (no `go` on the binaries' PATH) unless
`--with-go`: it is not what such an A/B compares, and it is slow. Baseline
files the bench writes go to a scratch directory, removed at the end.
Exit 2 on bad input.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

LINE = re.compile(r"^\s+(\S.*?)\s+median\s+([0-9.]+) ms$")
HEADER = re.compile(r"^insert (\d+) random")


def fail(msg):
    print(f"ab-speed: {msg}", file=sys.stderr)
    sys.exit(2)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--passes", type=int, default=6, help="runs of each binary (default 6)")
    p.add_argument("--rounds", type=int, default=15, help="MAPAMP_ROUNDS of each run (default 15)")
    p.add_argument(
        "--cell",
        default="speed_ratio/no-hint",
        help="the bench's cell filter (speed_ratio/no-hint or speed_ratio/hint=n)",
    )
    p.add_argument("--with-go", action="store_true", help="keep `go` on PATH (times the real Go map too)")
    p.add_argument("binaries", nargs="+", metavar="NAME=PATH")
    a = p.parse_args()
    if a.passes < 1 or a.rounds < 1:
        fail("--passes and --rounds must be at least 1")
    bins = []
    for spec in a.binaries:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            fail(f"`{spec}`: give NAME=PATH (e.g. before=/tmp/ab/before)")
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            fail(f"`{path}`: not an executable file (build it with cargo bench --bench speed_ratio --no-run)")
        if name in (n for n, _ in bins):
            fail(f"name `{name}` given twice; give each binary its own name")
        bins.append((name, path))
    if len(bins) < 2:
        fail("give at least two binaries to compare")
    return a, bins


def run_once(path, a, env):
    out = subprocess.run(
        [path, "--bench", a.cell], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        fail(f"{path} exited with {out.returncode}: {out.stderr.strip()[-400:]}")
    n, medians = None, {}
    for line in out.stdout.splitlines():
        m = HEADER.match(line)
        if m:
            n = int(m.group(1))
        m = LINE.match(line)
        if m:
            medians[m.group(1)] = float(m.group(2))
    if n is None or not medians:
        fail(f"{path}: no `median ... ms` lines for cell {a.cell} in its output")
    # ms for n inserts -> ns per insert
    return {k: v * 1e6 / n for k, v in medians.items()}


def spread(xs):
    return f"{statistics.median(xs):8.2f} ({min(xs):.2f}-{max(xs):.2f})"


def main():
    a, bins = parse_args()
    scratch = tempfile.mkdtemp(prefix="ab-speed.")
    env = dict(os.environ, MAPAMP_ROUNDS=str(a.rounds), CARGO_TARGET_DIR=scratch)
    if not a.with_go:
        go = shutil.which("go")
        if go:
            godir = os.path.dirname(os.path.realpath(go))
            env["PATH"] = os.pathsep.join(
                d for d in env.get("PATH", "").split(os.pathsep)
                if d and os.path.realpath(d) != godir and not os.path.isfile(os.path.join(d, "go"))
            )
    runs = {name: [] for name, _ in bins}
    try:
        for p in range(a.passes):
            order = bins[p % len(bins):] + bins[: p % len(bins)]
            for name, path in order:
                r = run_once(path, a, env)
                runs[name].append(r)
                figures = "  ".join(f"{k} {v:.2f}" for k, v in sorted(r.items()))
                print(f"pass {p + 1} {name}: ns/insert {figures}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    ref = bins[0][0]
    variants = sorted(set.intersection(*(set(r) for rs in runs.values() for r in rs)))
    print(f"\n{a.cell}, {a.passes} passes of {a.rounds} rounds; ns per insert: median over passes (min-max)")
    for v in variants:
        print(f"  {v}:")
        for name, _ in bins:
            xs = [r[v] for r in runs[name]]
            line = f"    {name:<10} {spread(xs)}"
            if name != ref:
                ratios = [r[v] / q[v] for r, q in zip(runs[name], runs[ref])]
                line += f"   {name}/{ref} per pass: {spread(ratios)}"
            print(line)


if __name__ == "__main__":
    main()
