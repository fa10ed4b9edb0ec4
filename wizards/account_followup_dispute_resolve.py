# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountFollowupDisputeResolve(models.TransientModel):
    """Resolve a dispute: how it was sorted out and, when the customer was right,
    a credit note for the invoice."""

    _name = "account.followup.dispute.resolve"
    _description = "Resolve an invoice dispute"

    dispute_id = fields.Many2one(
        "account.followup.dispute", required=True, ondelete="cascade"
    )
    move_id = fields.Many2one(related="dispute_id.move_id", string="Invoice")
    reason_id = fields.Many2one(related="dispute_id.reason_id")
    resolution_note = fields.Text(string="Resolution", required=True)
    create_credit_note = fields.Boolean(
        string="Create a credit note",
        help="The customer was right: open the credit note of the invoice once the "
        "dispute is resolved.",
    )

    def action_resolve(self):
        self.ensure_one()
        self.env["res.partner"]._followup_check_access()
        dispute = self.dispute_id
        dispute.resolution_note = self.resolution_note
        dispute.action_resolve()
        if self.create_credit_note:
            action = dispute.move_id.action_reverse()
            action["context"] = {
                "active_model": "account.move",
                "active_ids": dispute.move_id.ids,
            }
            return action
        return {"type": "ir.actions.act_window_close"}
