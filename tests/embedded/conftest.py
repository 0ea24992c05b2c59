"""The embedded smoke suite's figures, printed again at the end of the run (terminal summary),
so that they show without `-s` too."""

from __future__ import annotations

SUMMARY: list[str] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if SUMMARY:
        terminalreporter.section("embedded default (SQLite, filesystem broker, real worker)")
        for line in SUMMARY:
            terminalreporter.write_line(line)
