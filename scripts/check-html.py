#!/usr/bin/env python3
"""Load a mapamp report folder's index.html in headless Chromium and check it.

Usage: scripts/check-html.py REPORT_DIR [--chromium PATH] [--timeout SECONDS]

Checks, on the DOM Chromium dumps after the page's script has run:
  1. no console message and no uncaught error while the page loads
     (Chromium logs every console message at INFO level, so levels cannot
     be told apart; the page itself never logs, so any CONSOLE line fails);
  2. the cell table (#cell-table) has one body row per cell of report.json;
  3. there is at least one inline <svg> chart;
  4. every href (and src) naming a file resolves to an existing file inside
     the report folder: no scheme, no host, no absolute path, no way out
     through `..`; every in-page #anchor names an existing id;
  5. sorting works: index.html#sort=-ns_per_op opens with that column marked
     descending and its rows in descending order, again without console errors;
  6. findings first: when report.json has whole-workload cells (a scenario
     that isolates no copy path and is not `locate`), the #findings block
     starts on the first screen of a 1280x800 window (at least 100 px of it
     inside the viewport that window has; measured in the page
     by a copy of it with one measuring script added, in a temporary folder),
     has one table per whole workload, every number in it (data-cell,
     data-metric, data-value, and the printed text) equals that cell's
     figure in report.json, and it has one sentence per finding. When
     report.json has a runtime-evolution section (`evolution`), that section
     and its first chart open the page instead: they start on the first
     screen, and the findings block follows them.

Exit status: 0 all checks pass, 1 a check failed, 2 Chromium is missing.
Standard library only. To check the renderer's fixture:

  cargo test --test it -- --ignored report_render::render_fixture_for_browser_check
  scripts/check-html.py target/report-fixture
"""

import argparse
import html.parser
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

DEFAULT_CHROMIUM = "/usr/bin/chromium"
SORT_KEY = "ns_per_op"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=2000",
]


VIEWPORT = (1280, 800)
# Added to a temporary copy of index.html: where #findings starts.
MEASURE = ("<script>(function(){var f=document.getElementById('findings');"
           "var r=f?f.getBoundingClientRect():null;"
           "document.body.setAttribute('data-findings-top',r?String(r.top):'none');"
           "var e=document.getElementById('evolution');"
           "var c=e?e.querySelector('svg'):null;"
           "document.body.setAttribute('data-evolution-top',e?String(e.getBoundingClientRect().top):'none');"
           "document.body.setAttribute('data-evolution-chart-top',c?String(c.getBoundingClientRect().top):'none');"
           "document.body.setAttribute('data-viewport',window.innerWidth+'x'+window.innerHeight);"
           "})();</script>")
# report.json's figure of a cell for each data-metric of the findings.
METRICS = {
    "write_amplification": ("accounting", "write_amplification"),
    "bytes_per_op": ("accounting", "bytes_per_op"),
    "ns_per_op": ("time", "ns_per_op"),
}


class Findings(html.parser.HTMLParser):
    """The findings block: its tables' workloads, numbers and sentences."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside section#findings
        self.workloads = []
        self.numbers = []  # [cell, metric, value, text]
        self.span = None
        self.sentences = 0
        self.body = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if tag == "section" and (self.depth or a.get("id") == "findings"):
            self.depth += 1
        if not self.depth:
            return
        if tag == "table" and "data-workload" in a:
            self.workloads.append(a["data-workload"])
        elif tag == "span" and "data-metric" in a:
            self.span = [a.get("data-cell"), a["data-metric"], a.get("data-value"), ""]
            self.numbers.append(self.span)
        elif tag == "li":
            self.sentences += 1

    def handle_endtag(self, tag):
        if tag == "section" and self.depth:
            self.depth -= 1
        elif tag == "span":
            self.span = None

    def handle_data(self, data):
        if self.span is not None:
            self.span[3] += data


def whole_workloads(report):
    """Scenarios of report.json that are whole workloads, in report order."""
    out = []
    for c in report.get("cells", []):
        s = c["axes"]["scenario"]
        acc = c["lenses"].get("accounting", {})
        measured = isinstance(acc, dict) and "total_bytes" in acc
        if s != "locate" and measured and "isolation" not in acc and s not in out:
            out.append(s)
    return out


def check_findings(report, dom):
    """Problems with the findings block of a page measured at VIEWPORT."""
    problems = []
    page = Findings()
    page.feed(dom)
    top = page.body.get("data-findings-top")
    view = page.body.get("data-viewport")
    if top in (None, "none"):
        return ["no #findings block"]
    # A 1280x800 window shows less than 800 px of page (Chromium's own
    # frame takes some): the first screen is the viewport measured in it.
    width, height = (int(x) for x in (view or "0x0").split("x"))
    if width != VIEWPORT[0] or not 0 < height <= VIEWPORT[1]:
        problems.append(f"the {VIEWPORT[0]}x{VIEWPORT[1]} window has a {view} viewport")
    elif report.get("evolution"):
        # The runtime-evolution section opens the page instead: it and its
        # first chart start on the first screen; the findings follow it.
        for what, key in (("#evolution", "data-evolution-top"),
                          ("#evolution's first chart", "data-evolution-chart-top")):
            at = page.body.get(key)
            if at in (None, "none") or not 0 <= float(at) < height - 100:
                problems.append(f"{what} starts at y={at}, not on the first screen "
                                f"(viewport {view}; at least 100 px of it must show)")
        if float(top) < float(page.body.get("data-evolution-top") or 0):
            problems.append("#findings comes before #evolution")
    elif not 0 <= float(top) < height - 100:
        problems.append(f"#findings starts at y={top}, not on the first screen "
                        f"(viewport {view}; at least 100 px of it must show)")
    want = whole_workloads(report)
    if page.workloads != want:
        problems.append(f"findings tables for {page.workloads}, whole workloads of report.json {want}")
    cells = {c["id"]: c for c in report.get("cells", [])}
    for cell, metric, value, text in page.numbers:
        if cell not in cells or metric not in METRICS:
            problems.append(f"number for unknown cell/metric {cell!r} {metric!r}")
            continue
        lens, key = METRICS[metric]
        figures = cells[cell]["lenses"].get(lens, {})
        expected = figures.get(key) if isinstance(figures, dict) else None
        if expected is None:
            if value not in (None, "") or "n/a" not in text:
                problems.append(f"{cell} {metric}: printed {text!r} ({value!r}) but report.json has none")
            continue
        if value in (None, "") or not math.isclose(float(value), expected, rel_tol=1e-12):
            problems.append(f"{cell} {metric}: data-value {value!r}, report.json {expected}")
            continue
        shown = text.replace(",", "").split()[0].rstrip("×")
        try:
            if not math.isclose(float(shown), expected, rel_tol=0.006, abs_tol=0.0005):
                problems.append(f"{cell} {metric}: prints {text!r}, report.json {expected}")
        except ValueError:
            problems.append(f"{cell} {metric}: prints {text!r}, not a number")
    findings = report.get("findings") or {}
    rows = [r for w in findings.get("workloads", []) for r in w.get("rows", [])]
    with_baseline = sum(1 for r in rows if r.get("vs_baseline"))
    if page.sentences != with_baseline:
        problems.append(f"{page.sentences} sentences for {with_baseline} findings against the baseline")
    numbers = sum(1 for r in rows) * 3
    if len(page.numbers) != numbers:
        problems.append(f"{len(page.numbers)} numbers in the findings, expected {numbers} (3 per cell)")
    return problems


def measure_findings(chromium, index, timeout):
    """The DOM of a copy of index.html with MEASURE added, at VIEWPORT."""
    with open(index, encoding="utf-8") as f:
        text = f.read()
    with tempfile.TemporaryDirectory(prefix="mapamp-check-findings-") as tmp:
        copy = os.path.join(tmp, "index.html")
        with open(copy, "w", encoding="utf-8") as f:
            f.write(text.replace("</body>", MEASURE + "</body>", 1))
        url = "file://" + urllib.parse.quote(copy)
        return load(chromium, url, timeout, [f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}"])


class Page(html.parser.HTMLParser):
    """What the checks need from a dumped DOM."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []  # (tag, attribute, value)
        self.svgs = 0
        self.tables = 0  # depth inside #cell-table
        self.section = None  # "thead" / "tbody" inside #cell-table
        self.rows = []  # per body row: list of data-sort values (None if absent)
        self.headers = []  # per header cell: (data-key, aria-sort)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for name in ("href", "src"):
            if a.get(name) is not None:
                self.links.append((tag, name, a[name]))
        if tag == "svg":
            self.svgs += 1
        if tag == "table":
            if self.tables or a.get("id") == "cell-table":
                self.tables += 1
            return
        if self.tables != 1:
            return
        if tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr" and self.section == "tbody":
            self.rows.append([])
        elif tag == "td" and self.section == "tbody" and self.rows:
            self.rows[-1].append(a.get("data-sort"))
        elif tag == "th" and self.section == "thead":
            self.headers.append((a.get("data-key"), a.get("aria-sort")))

    def handle_endtag(self, tag):
        if tag == "table" and self.tables:
            self.tables -= 1
        elif tag in ("thead", "tbody") and self.tables == 1:
            self.section = None


def console_problems(stderr):
    """Console messages and uncaught errors in Chromium's log."""
    return [
        line.strip()
        for line in stderr.splitlines()
        if "CONSOLE" in line or "Uncaught" in line
    ]


def load(chromium, url, timeout, extra=()):
    """Runs Chromium on url; returns (dumped DOM, stderr)."""
    with tempfile.TemporaryDirectory(prefix="mapamp-check-html-") as profile:
        cmd = [chromium, *FLAGS, *extra, f"--user-data-dir={profile}", "--dump-dom", url]
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, check=False
        )
    if done.returncode != 0:
        raise RuntimeError(
            f"chromium exited with {done.returncode}: {done.stderr.strip()[-500:]}"
        )
    return done.stdout, done.stderr


def check_links(page, root):
    """Problems with the page's links, and how many of each kind resolved."""
    problems = []
    files = anchors = 0
    real_root = os.path.realpath(root)
    for tag, attr, value in page.links:
        parts = urllib.parse.urlsplit(value)
        where = f'<{tag} {attr}="{value}">'
        if not parts.scheme and not parts.netloc and not parts.path:
            if parts.fragment and parts.fragment not in page.ids:
                problems.append(f"{where}: no element has id {parts.fragment!r}")
            else:
                anchors += 1
            continue
        if parts.scheme or parts.netloc:
            problems.append(f"{where}: not a relative path inside the report folder")
            continue
        path = urllib.parse.unquote(parts.path)
        if path.startswith("/"):
            problems.append(f"{where}: absolute path")
            continue
        target = os.path.realpath(os.path.join(real_root, path))
        if os.path.commonpath([real_root, target]) != real_root:
            problems.append(f"{where}: leaves the report folder")
        elif not os.path.isfile(target):
            problems.append(f"{where}: no such file {target}")
        else:
            files += 1
    return problems, files, anchors


def sorted_descending(page, key):
    """Problem with the #sort=-key rendering, or None."""
    keys = [k for k, _ in page.headers]
    if key not in keys:
        return f"no header with data-key={key!r}"
    index = keys.index(key)
    if page.headers[index][1] != "descending":
        return f"header {key!r} has aria-sort={page.headers[index][1]!r}, not 'descending'"
    values = [row[index] if index < len(row) else None for row in page.rows]
    present = [float(v) for v in values if v not in (None, "")]
    missing_first = any(v in (None, "") for v in values[: len(present)])
    if present != sorted(present, reverse=True) or missing_first:
        return f"rows are not in descending order of {key}: {values}"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report_dir", help="a report folder holding index.html and report.json")
    parser.add_argument("--chromium", default=None, help=f"browser binary (default {DEFAULT_CHROMIUM})")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per page load")
    args = parser.parse_args()

    chromium = args.chromium or (
        DEFAULT_CHROMIUM if os.path.exists(DEFAULT_CHROMIUM) else shutil.which("chromium")
    )
    if not chromium or not os.access(chromium, os.X_OK):
        print("check-html: chromium not found; install it with: apt-get install -y chromium")
        return 2

    root = os.path.abspath(args.report_dir)
    index = os.path.join(root, "index.html")
    report = os.path.join(root, "report.json")
    for need in (index, report):
        if not os.path.isfile(need):
            print(f"check-html: FAIL: {need} does not exist")
            return 1
    with open(report, encoding="utf-8") as f:
        report_json = json.load(f)
    cells = len(report_json.get("cells", []))

    url = "file://" + urllib.parse.quote(index)
    results = []  # (passed, text)

    def record(passed, text):
        results.append((passed, text))

    print(f"check-html: {index}")
    try:
        dom, stderr = load(chromium, url, args.timeout)
        dom_sorted, stderr_sorted = load(chromium, f"{url}#sort=-{SORT_KEY}", args.timeout)
        measured = (measure_findings(chromium, index, args.timeout)[0]
                    if whole_workloads(report_json) else None)
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
        print(f"FAIL  could not load the page: {e}")
        return 1

    problems = console_problems(stderr) + console_problems(stderr_sorted)
    record(not problems, "no console errors while loading" if not problems
           else "console errors:\n        " + "\n        ".join(problems[:10]))

    page = Page()
    page.feed(dom)
    record(len(page.rows) == cells and cells > 0,
           f"cell table has {len(page.rows)} rows for {cells} cells in report.json")
    record(page.svgs > 0, f"{page.svgs} inline <svg> charts")

    link_problems, files, anchors = check_links(page, root)
    if link_problems:
        record(False, "links:\n        " + "\n        ".join(link_problems[:20]))
    else:
        record(files > 0 or anchors > 0,
               f"{files} file links resolve inside the report folder; {anchors} in-page anchors resolve")

    sorted_page = Page()
    sorted_page.feed(dom_sorted)
    sort_problem = sorted_descending(sorted_page, SORT_KEY)
    record(sort_problem is None, f"#sort=-{SORT_KEY} sorts {len(sorted_page.rows)} rows descending"
           if sort_problem is None else f"#sort=-{SORT_KEY}: {sort_problem}")

    if measured is not None:
        problems = check_findings(report_json, measured)
        record(not problems, "findings block on the first screen of a 1280x800 window, one table per whole workload "
               f"({', '.join(whole_workloads(report_json))}), its numbers equal report.json's"
               if not problems else "findings:\n        " + "\n        ".join(problems[:20]))

    for passed, text in results:
        print(f"{'PASS' if passed else 'FAIL'}  {text}")
    failed = sum(1 for passed, _ in results if not passed)
    print(f"result: {'PASS' if not failed else 'FAIL'} ({len(results) - failed} of {len(results)} checks passed)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
