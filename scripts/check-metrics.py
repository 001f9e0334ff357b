#!/usr/bin/env python3
"""Whether a report folder's metrics.prom is valid Prometheus text and says
what its report.json says.

    /usr/bin/python3 scripts/check-metrics.py REPORT_DIR

Parses metrics.prom with the Prometheus project's own Python client parser
(`prometheus_client.parser`, Debian package python3-prometheus-client,
which .ci/run installs; it raises on any line that is not valid exposition
text), then checks:

- every family has a HELP text and TYPE gauge;
- every cell of report.json appears (label `cell`) in `mapamp_ops`;
- for every cell, bytes written (total and per path), write amplification,
  ns/op, p99 and Ir equal report.json's figures, and are absent exactly
  where report.json has no figure (a lens unavailable or skipped): never 0
  in place of "unknown".

Prints one line per problem and `result: PASS` or `result: FAIL`; exit
code 0 on PASS, 1 on FAIL, 2 on bad input (missing files or module).
"""
import json
import math
import os
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError as e:
    print(f"error: {e}; install Debian's python3-prometheus-client and run with /usr/bin/python3",
          file=sys.stderr)
    sys.exit(2)


def ok(lens):
    """A lens's figures, or None when it is unavailable or skipped."""
    if not isinstance(lens, dict) or "unavailable" in lens or "skipped" in lens:
        return None
    return lens


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    d = sys.argv[1]
    try:
        with open(os.path.join(d, "report.json"), encoding="utf-8") as f:
            report = json.load(f)
        with open(os.path.join(d, "metrics.prom"), encoding="utf-8") as f:
            text = f.read()
    except (OSError, ValueError) as e:
        print(f"error: {e}; give a report folder written by `mapamp run`", file=sys.stderr)
        return 2
    problems = []
    try:
        families = list(text_string_to_metric_families(text))
    except ValueError as e:
        print(f"FAIL: metrics.prom does not parse: {e}")
        print("result: FAIL")
        return 1
    # sample value per (family, cell, path)
    values = {}
    sample_lines = 0
    for fam in families:
        if not fam.documentation:
            problems.append(f"{fam.name}: no HELP text")
        if fam.type != "gauge":
            problems.append(f"{fam.name}: TYPE {fam.type}, expected gauge")
        for s in fam.samples:
            sample_lines += 1
            key = (s.name, s.labels.get("cell"), s.labels.get("path"))
            if key in values:
                problems.append(f"duplicate sample {key}")
            values[key] = s.value
    # The parser must have read every sample line there is (nothing skipped).
    raw = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if len(raw) != sample_lines:
        problems.append(f"{len(raw)} sample lines, the parser read {sample_lines}")

    def expect(metric, cell, path, want, scale=1.0):
        got = values.get((metric, cell, path))
        if want is None:
            if got is not None:
                problems.append(f"{cell}: {metric}{'/' + path if path else ''} = {got}, "
                                f"but report.json has no figure (must be absent)")
        elif got is None:
            problems.append(f"{cell}: {metric}{'/' + path if path else ''} missing "
                            f"(report.json: {want})")
        elif not close(got, want * scale):
            problems.append(f"{cell}: {metric} = {got}, report.json {want * scale}")

    cells = report.get("cells", [])
    if not cells:
        problems.append("report.json has no cells")
    for c in cells:
        cid = c["id"]
        lenses = c["lenses"]
        acc = ok(lenses.get("accounting"))
        tim = ok(lenses.get("time"))
        lat = ok(lenses.get("latency"))
        cg = ok(lenses.get("callgrind"))
        expect("mapamp_ops", cid, None, c["ops"])
        expect("mapamp_total_bytes_written_bytes", cid, None, acc and acc["total_bytes"])
        expect("mapamp_write_amplification_ratio", cid, None,
               acc and acc.get("write_amplification"))
        expect("mapamp_time_per_op_seconds", cid, None, tim and tim["ns_per_op"], 1e-9)
        expect("mapamp_latency_p99_seconds", cid, None, lat and lat["p99_ns"], 1e-9)
        expect("mapamp_instructions", cid, None, cg and cg["ir"])
        if acc:
            paths = {p for (m, cc, p) in values if m == "mapamp_bytes_written_bytes" and cc == cid}
            if not paths:
                problems.append(f"{cid}: no bytes per path")
            for p in paths:
                expect("mapamp_bytes_written_bytes", cid, p, acc["bytes_written"].get(p, 0))
            if sum(values[("mapamp_bytes_written_bytes", cid, p)] for p in paths) != acc["total_bytes"]:
                problems.append(f"{cid}: bytes per path do not add up to total_bytes")
    for p in problems:
        print(f"FAIL: {p}")
    print(f"{len(cells)} cells, {len(families)} families, {sample_lines} samples")
    print("result: " + ("FAIL" if problems else "PASS"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
