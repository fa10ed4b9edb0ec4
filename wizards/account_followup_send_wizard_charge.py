# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class AccountFollowupSendWizard(models.TransientModel):
    _inherit = "account.followup.send.wizard"

    charge_available = fields.Boolean(
        string="Charges for paying late on", compute="_compute_charge_available"
    )
    charge_fees = fields.Boolean(
        string="Charge late-payment fees",
        help="Also prepare the draft invoice of the interest, compensation and fees "
        "accrued (the fee of the level sent included).",
    )

    @api.depends("partner_ids")
    def _compute_charge_available(self):
        enabled = self.env.company._followup_charges_enabled()
        for wizard in self:
            wizard.charge_available = enabled

    def _send(self, print_letters):
        action = super()._send(print_letters)
        if self.charge_fees and self.charge_available:
            # after the reminders: the fee of the level just executed is charged
            self._customers()._followup_charge_create(raise_errors=False)
        return action
