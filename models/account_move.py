# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

from ..tools import FOLLOWUP_GROUPS


class AccountMove(models.Model):
    _inherit = "account.move"

    followup_reminder_ids = fields.Many2many(
        "account.followup.reminder",
        string="Payment reminders",
        compute="_compute_followup_reminder_ids",
        groups=FOLLOWUP_GROUPS,
    )
    followup_reminder_count = fields.Integer(
        compute="_compute_followup_reminder_count", groups=FOLLOWUP_GROUPS
    )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._followup_reschedule_partners()
        return posted

    def _followup_reschedule_partners(self):
        """A new invoice may need a reminder before the partner's next follow-up
        date (set when the previous level was done): bring that date forward so the
        new invoice's first level is not missed."""
        # sudo: whoever posts the invoice (a salesman, the e-shop) moves the
        # follow-up date it implies; these fields are reserved to accounting users
        # and the levels may be hidden from the poster.
        Level = self.env["account.followup.level"].sudo()
        for move in self.filtered(lambda m: m.is_sale_document(include_receipts=True)):
            # sudo: see above (the follow-up fields are reserved to accounting users)
            partner = move.commercial_partner_id.sudo().with_company(move.company_id)
            next_date = partner.followup_next_action_date
            if not next_date or partner.followup_reminder_type == "manual":
                continue
            first = Level.search(
                [("company_id", "=", move.company_id.id)], order="delay", limit=1
            )
            if not first:
                continue
            due = move.invoice_date_due or move.invoice_date or move.date
            first_date = due and due + timedelta(days=first.delay)
            if first_date and first_date < next_date:
                partner.followup_next_action_date = first_date

    def _compute_followup_reminder_ids(self):
        Reminder = self.env["account.followup.reminder"]
        reminders = Reminder.search([("line_ids.move_id", "in", self.ids)])
        for move in self:
            move.followup_reminder_ids = reminders.filtered(
                lambda r, move=move: move in r.line_ids.move_id
            )

    @api.depends("followup_reminder_ids")
    def _compute_followup_reminder_count(self):
        for move in self:
            move.followup_reminder_count = len(move.followup_reminder_ids)

    def action_open_followup_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_payment_followup.account_followup_reminder_action"
        )
        action["domain"] = [("move_ids", "in", self.ids)]
        action["context"] = {"create": False}
        return action
