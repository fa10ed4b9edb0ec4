"""pytest plugin: import Odoo's test framework in test mode.

pytest-odoo imports ``odoo.tests`` at start-up while ``test_enable`` is still off, and
Odoo then logs "Importing test framework, avoid importing from business modules" as an
ERROR with a stack trace, in a run that is fine. This plugin runs before pytest-odoo and
imports ``odoo.tests`` with ``test_enable`` on (Odoo then logs it at INFO), then puts the
option back: pytest-odoo reads the configuration and sets ``test_enable`` around each
test module itself.
"""

import pytest


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_cmdline_main(config):
    from odoo.tools import config as odoo_config

    previous = odoo_config["test_enable"]
    odoo_config["test_enable"] = True
    try:
        import odoo.tests  # noqa: F401
    finally:
        odoo_config["test_enable"] = previous
    yield
