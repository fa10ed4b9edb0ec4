"""pytest plugin: a skipped test is a failed run.

Odoo skips browser tours silently when Chromium or websocket-client is missing; a tour
that did not run proves nothing, so `make test` must not pass with one.
"""

import pytest


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        terminalreporter.write_line(
            f"FAILED: {len(skipped)} test(s) skipped; a skipped test does not count "
            "(is chromium or websocket-client missing?)",
            red=True,
        )
