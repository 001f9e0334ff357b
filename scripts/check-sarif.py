#!/usr/bin/env python3
"""Whether a SARIF log validates against the SARIF 2.1.0 JSON schema.

    /usr/bin/python3 scripts/check-sarif.py SCHEMA.json LOG.json

Uses the reference implementation of JSON Schema for Python (`jsonschema`,
Debian package python3-jsonschema, with python3-rfc3987 for the `uri` and
`uri-reference` formats; .ci/run installs both), draft 7 as the schema
declares, with format checking on: the schema is checked against its
meta-schema first (its `pattern`s must be valid regexes), then the log.
`date-time` is checked with Python's own RFC 3339 parser
(`datetime.fromisoformat`), as jsonschema checks it only with a package
Debian does not have. A format this script cannot check is an error, never
a silent pass.

To show the schema can fail, a copy of the log without its first result's
`message` (a required property) must be refused.

Prints one line per problem and `result: PASS` or `result: FAIL`; exit
code 0 on PASS, 1 on FAIL, 2 on bad input (missing files or modules).
"""
import copy
import datetime
import json
import sys

try:
    import jsonschema
    import rfc3987  # noqa: F401  (jsonschema's `uri` checkers need it)
except ImportError as e:
    print(f"error: {e}; install Debian's python3-jsonschema and python3-rfc3987 "
          "and run with /usr/bin/python3", file=sys.stderr)
    sys.exit(2)

NEEDED_FORMATS = ("uri", "uri-reference", "date-time", "regex")


def date_time(text):
    """RFC 3339 date-time: a date, `T`, a time and an offset or `Z`."""
    if not isinstance(text, str):
        return True
    if "T" not in text.upper() or len(text) < 20:
        return False
    if not (text.endswith(("Z", "z")) or text[-6] in "+-"):
        return False
    try:
        datetime.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        with open(argv[2], encoding="utf-8") as f:
            log = json.load(f)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    checker = jsonschema.FormatChecker()
    checker.checks("date-time")(date_time)
    missing = [f for f in NEEDED_FORMATS if f not in checker.checkers]
    if missing:
        print(f"error: formats not checkable here: {missing}", file=sys.stderr)
        return 2
    cls = jsonschema.validators.validator_for(schema)
    meta = cls(cls.META_SCHEMA, format_checker=checker)
    problems = [f"schema: {e.message}" for e in meta.iter_errors(schema)]
    validator = cls(schema, format_checker=checker)
    for e in validator.iter_errors(log):
        where = "/".join(str(p) for p in e.absolute_path)
        problems.append(f"log: {e.message} at /{where}")
    broken = copy.deepcopy(log)
    try:
        del broken["runs"][0]["results"][0]["message"]
        if validator.is_valid(broken):
            problems.append("a result without its message was accepted")
    except (KeyError, IndexError, TypeError):
        problems.append("the log has no first result to break")
    for p in problems:
        print(p)
    print(f"{cls.__name__}, formats {', '.join(NEEDED_FORMATS)} checked")
    print("result: FAIL" if problems else "result: PASS")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
