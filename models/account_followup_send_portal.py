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
