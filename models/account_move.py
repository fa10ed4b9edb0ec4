# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import FOLLOWUP_GROUPS


class AccountMove(models.Model):
    _inherit = "account.move"

    followup_reminder_ids = fields.Many2many(
        "account.followup.reminder",
        "account_followup_reminder_move_rel",
        "move_id",
        "reminder_id",
        string="Payment reminders",
        readonly=True,
        copy=False,
        groups=FOLLOWUP_GROUPS,
    )
    followup_reminder_count = fields.Integer(
        compute="_compute_followup_reminder_count", groups=FOLLOWUP_GROUPS
    )
    followup_dispute_ids = fields.One2many(
        "account.followup.dispute",
        "move_id",
        string="Disputes",
        readonly=True,
        copy=False,
        groups=FOLLOWUP_GROUPS,
    )
    followup_in_dispute = fields.Boolean(
        string="In dispute",
        compute="_compute_followup_in_dispute",
        search="_search_followup_in_dispute",
        help="An open dispute holds this invoice out of the follow-ups.",
        groups=FOLLOWUP_GROUPS,
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

    @api.depends("followup_reminder_ids")
    def _compute_followup_reminder_count(self):
        for move in self:
            move.followup_reminder_count = len(move.followup_reminder_ids)

    def _followup_disputed_moves(self):
        """The entries of ``self`` with an open dispute (one query)."""
        ids = [move_id for move_id in self._origin.ids if move_id]
        if not ids:
            return self.browse()
        # sudo: whether an invoice is in dispute is read by the follow-up figures
        # of whoever may read the invoice; the disputes themselves stay hidden
        disputes = (
            self.env["account.followup.dispute"]
            .sudo()
            ._read_group([("move_id", "in", ids), ("state", "=", "open")], ["move_id"])
        )
        return self.browse([move.id for (move,) in disputes])

    @api.depends("followup_dispute_ids.state")
    def _compute_followup_in_dispute(self):
        disputed = self._followup_disputed_moves()
        for move in self:
            move.followup_in_dispute = move._origin in disputed

    def _search_followup_in_dispute(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("Search on disputed invoices with = or != only.")
            )
        positive = (operator == "=") == value
        return [
            (
                "followup_dispute_ids",
                "any" if positive else "not any",
                [("state", "=", "open")],
            )
        ]

    def action_followup_dispute(self):
        """Open the dispute of the invoice: the open one, else a new one."""
        self.ensure_one()
        self.env["res.partner"]._followup_check_access()
        dispute = self.followup_dispute_ids.filtered(lambda d: d.state == "open")[:1]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispute"),
            "res_model": "account.followup.dispute",
            "res_id": dispute.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_move_id": self.id, "dialog_size": "medium"},
        }

    def action_open_followup_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_payment_followup.account_followup_reminder_action"
        )
        action["domain"] = [("move_ids", "in", self.ids)]
        action["context"] = {"create": False}
        return action
