# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The analysis' buttons that open the figures read nothing but the figures: read-only
requests, on the read replica when Odoo has one (see
``models/account_followup_readonly.py``). The trend (``action_open_trend``) writes
its months as records: it stays read/write."""

from odoo import api, models


class AccountFollowupAnalysisWizard(models.TransientModel):
    _inherit = "account.followup.analysis.wizard"

    @api.readonly
    def action_open_aging(self):
        return super().action_open_aging()

    @api.readonly
    def action_open_reminders(self):
        return super().action_open_reminders()

    @api.readonly
    def action_export_xlsx(self):
        return super().action_export_xlsx()
