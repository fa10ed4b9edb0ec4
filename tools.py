# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the follow-up models share: statuses, groups, channels, the wkhtmltopdf build."""

import contextlib
import functools
import logging
import subprocess
import threading

import odoo.fields

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)

FOLLOWUP_STATUSES = [
    ("in_need_of_action", "In need of action"),
    ("with_overdue_invoices", "With overdue invoices"),
    ("no_action_needed", "No action needed"),
]

# Who sees the follow-up fields: billing users work the follow-ups, auditors read them.
FOLLOWUP_GROUPS = "account.group_account_invoice,account.group_account_readonly"

# The channels of a level, in the order they are executed.
CHANNELS = ("email", "letter", "sms", "post", "activity")


@functools.cache
def wkhtmltopdf_prints_several_documents():
    """Whether wkhtmltopdf accepts several HTML documents in one call (read once per
    server process).

    Builds "with patched qt" do. The unpatched builds of Linux distributions print
    only one document per call (as documented by wkhtmltopdf: several documents,
    headers and footers need the patched Qt) and exit with an error when given two,
    so Odoo cannot print a batch of documents with them.
    """
    try:
        out = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            check=False,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        out = b""
    several = b"patched qt" in out
    if not several:
        _logger.info(
            "wkhtmltopdf is not built with patched Qt: each batch of follow-up "
            "letters is printed as one document"
        )
    return several


# html_sanitize of the same HTML with the same options, computed once in a block of
# ``sanitize_once`` (per thread)
_sanitize_memo = threading.local()


@contextlib.contextmanager
def sanitize_once():
    """Within the block, the HTML fields of the records created or written in this
    thread sanitize a given HTML with given options once.

    Odoo sanitizes an HTML value when it writes it to the database and again when it
    puts it in the cache: twice per message created. A batch of reminders posts the
    same note on every invoice of a customer, and each reminder email once: the
    result of ``html_sanitize`` (a pure function of its arguments) is kept for the
    block. Blocks do not nest: the outer one keeps the results.
    """
    if getattr(_sanitize_memo, "results", None) is not None:
        yield
        return
    install_sanitize_once()
    _sanitize_memo.results = {}
    try:
        yield
    finally:
        _sanitize_memo.results = None


def _memoized_html_sanitize(original):
    @functools.wraps(original)
    def html_sanitize(src, *args, **kwargs):
        results = getattr(_sanitize_memo, "results", None)
        if results is None or args or not isinstance(src, str):
            return original(src, *args, **kwargs)
        key = (type(src), src, tuple(sorted(kwargs.items())))
        if key not in results:
            results[key] = original(src, **kwargs)
        return results[key]

    html_sanitize.followup_memoized = True
    return html_sanitize


def install_sanitize_once():
    """Let the HTML fields use ``sanitize_once`` (done by its first block, once per
    server process; outside a block nothing changes)."""
    if not getattr(odoo.fields.html_sanitize, "followup_memoized", False):
        odoo.fields.html_sanitize = _memoized_html_sanitize(odoo.fields.html_sanitize)
