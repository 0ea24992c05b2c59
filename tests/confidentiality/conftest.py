"""The canary suite's closing figures (test_canaries.py), printed after the run."""

from __future__ import annotations

from tests.confidentiality.canaries import TALLY


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not TALLY.seeded:
        return
    seeded, reads, cases, surfaces = TALLY.seeded, TALLY.reads, TALLY.cases, TALLY.surfaces
    found = sorted({item for finding in TALLY.findings for item in finding.found})
    write = terminalreporter.write_line
    write(
        f"canary suite: seeded {seeded['canaries']} canaries and {seeded['figures']} figures "
        f"into {seeded['fields']} fields of {seeded['rows']} rows of {seeded['models']} models "
        f"in {seeded['seconds']} s; read as {seeded['roles']} client roles:"
    )
    write(
        f"  API: {len(surfaces['api'])} GET operations, {cases['api']} operation x role cases, "
        f"{reads['api']} calls (every seeded object, every filter value)"
    )
    write(
        f"  pages: {len(surfaces['page'])} routes, {cases['page']} cases, {reads['page']} reads;"
        f" exports: {len(surfaces['export'])} routes, {cases['export']} cases, "
        f"{reads['export']} reads"
    )
    write(
        f"  e-mails: {reads['e-mail']} to client people, kinds {sorted(TALLY.email_kinds)}; "
        f"in-app notifications: {reads['notification']}; status report: {reads['report']} forms;"
        f" searches: {reads['search']}; calendar feeds: {reads['calendar feed']}"
    )
    write(f"  canaries found: {len(found)}")
    for finding in TALLY.findings:
        write(f"    {finding.role} on {finding.surface}: {', '.join(finding.found)}")
