# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountFollowupSend(models.AbstractModel):
    _inherit = "account.followup.send"

    @api.model
    def _send(self, partner, level, checked, reminder, **batch):
        """The customer's page link exists before its email, SMS or letter is
        rendered (rendering only reads it)."""
        partner._followup_portal_ensure()
        return super()._send(partner, level, checked, reminder, **batch)


class AccountFollowupExecution(models.AbstractModel):
    _inherit = "account.followup.execution"

    @api.model
    def _execute(self, partners, channels=None, raise_errors=False, **kwargs):
        """The page's links of a whole batch in one query before its reminders
        are rendered (each rendering then reads its customer's token from the
        transaction's cache)."""
        Access = self.env["account.followup.portal.access"]
        Access._tokens_cache().clear()
        if partners:
            Access._ensure(partners)
        return super()._execute(
            partners, channels=channels, raise_errors=raise_errors, **kwargs
        )
