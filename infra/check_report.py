"""The report every infra check script prints, so that they all read alike in infra/check's log.

Each check is a (name, [failure messages]) pair; an empty list is a pass. A self-test lists the
checks that did not notice a planted fault.
"""

from __future__ import annotations


def report(label: str, results: list[tuple[str, list[str]]]) -> int:
    """Prints each check, its failures below it, then "<label>: N passed, M failed"; returns M."""
    failed = 0
    for name, errs in results:
        print(f"  {'ok  ' if not errs else 'FAIL'} {name}")
        for e in errs:
            print(f"       - {e}")
        failed += bool(errs)
    print(f"{label}: {len(results) - failed} passed, {failed} failed")
    return failed


def report_self_test(label: str, problems: list[str]) -> int:
    """Prints each problem the self-test found, then "<label> self-test: ..."; returns 1 if any."""
    for p in problems:
        print(f"  FAIL {p}")
    print(f"{label} self-test: {0 if problems else 1} passed, {1 if problems else 0} failed")
    return int(bool(problems))
