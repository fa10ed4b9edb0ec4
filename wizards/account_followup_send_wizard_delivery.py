# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class AccountFollowupSendWizard(models.TransientModel):
    _inherit = "account.followup.send.wizard"

    cap_warning = fields.Char(
        compute="_compute_cap_warning",
        help="A reminder went to this customer within the company's days between "
        "two reminders: sending is allowed, the daily run would have waited.",
    )

    @api.depends("partner_ids")
    def _compute_cap_warning(self):
        for wizard in self:
            customers = wizard._customers()
            wizard.cap_warning = (
                customers._followup_cap_warning() if len(customers) == 1 else False
            )
