#!/usr/bin/env python3
"""Whether two runs report the same exact figures, cell by cell.

    scripts/exact-figures.py BEFORE AFTER

BEFORE and AFTER are report folders (or their report.json) of `mapamp run`,
typically `--lenses accounting` on the same profile from two builds. The
exact lens is deterministic, so every figure it prints must be equal:
per cell, the whole `accounting` lens (bytes per copy path, write
amplification, model and heap allocations, growth counts, structure,
isolation share and target) and the cell's operation count and region
text. Prints one line per cell and every difference; exit code 0 when all
cells match, 1 when any figure differs or a cell is missing, 2 on bad input.
"""
import json
import os
import sys


def load(path: str) -> dict:
    if os.path.isdir(path):
        path = os.path.join(path, "report.json")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"error: cannot read report {path}: {e}; give a report folder or its report.json",
              file=sys.stderr)
        sys.exit(2)


def exact(cell: dict) -> dict:
    """The figures of a cell that must not change between builds."""
    return {
        "axes": cell.get("axes"),
        "ops": cell.get("ops"),
        "ops_unit": cell.get("ops_unit"),
        "measured_region": cell.get("measured_region"),
        "accounting": cell.get("lenses", {}).get("accounting"),
    }


def diff(a, b, path: str, out: list) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            diff(a.get(k), b.get(k), f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(f"{path}: {a!r} -> {b!r}")


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    before, after = (load(p) for p in sys.argv[1:])
    cells_a = {c["id"]: c for c in before.get("cells", [])}
    cells_b = {c["id"]: c for c in after.get("cells", [])}
    if not cells_a:
        print("error: the BEFORE report has no cells", file=sys.stderr)
        return 2
    bad = 0
    for cid in sorted(set(cells_a) | set(cells_b)):
        if cid not in cells_a or cid not in cells_b:
            print(f"MISSING {cid}: only in {'BEFORE' if cid in cells_a else 'AFTER'}")
            bad += 1
            continue
        a, b = exact(cells_a[cid]), exact(cells_b[cid])
        acc = a["accounting"] or {}
        if "total_bytes" not in acc:
            print(f"note {cid}: no accounting figures in BEFORE ({acc})")
        out: list = []
        diff(a, b, cid, out)
        if out:
            bad += 1
            print(f"DIFF {cid}")
            for line in out:
                print(f"    {line}")
        else:
            print(f"same {cid}: total {acc.get('total_bytes')} B, WA {acc.get('write_amplification')}")
    n = len(set(cells_a) | set(cells_b))
    print(f"{n - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
