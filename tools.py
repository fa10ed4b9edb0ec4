# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the follow-up models share: statuses, groups, channels, the wkhtmltopdf build."""

import functools
import logging
import subprocess

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
