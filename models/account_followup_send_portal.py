# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from .account_followup_portal_access import TOKENS_CACHE


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
        cache = self.env.cr.cache
        outer = TOKENS_CACHE in cache
        if not outer:
            cache[TOKENS_CACHE] = {}
        try:
            if partners:
                self.env["account.followup.portal.access"]._ensure(partners)
            return super()._execute(
                partners, channels=channels, raise_errors=raise_errors, **kwargs
            )
        finally:
            if not outer:
                cache.pop(TOKENS_CACHE, None)
