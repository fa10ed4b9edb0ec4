# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger

from ..tools import FOLLOWUP_GROUPS

_logger = logging.getLogger(__name__)


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

    def init(self):
        """Index the customer invoices and credit notes by company and date, with
        their total: the sales of the collection figures
        (``account.followup.analysis._sales``) are read from it alone. Its
        predicate is spelt as that query's WHERE clause, which implies it."""
        res = super().init()
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS account_move_followup_sales_idx
                ON account_move (company_id, date)
                INCLUDE (amount_total_signed)
             WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')
            """
        )
        return res

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._followup_reschedule_partners()
        return posted

    def _followup_reschedule_partners(self):
        """A new invoice may need a reminder before the partner's next follow-up
        date (set when the previous level was done): bring that date forward so the
        new invoice's first level is not missed.

        Invoicing never depends on the follow-ups: a customer whose row is locked
        by a follow-up (the daily run holds its batch's customers until the batch
        is committed), or changed by one since this transaction began, is left as
        it is rather than waiting or failing the posting with a serialization
        error (as account does for the customer rank). Its date then stays what
        the follow-up set: the new invoice's first level waits until that date.
        """
        # sudo: whoever posts the invoice (a salesman, the e-shop) moves the
        # follow-up date it implies; these fields are reserved to accounting users
        # and the levels may be hidden from the poster.
        Level = self.env["account.followup.level"].sudo()
        first_dates = {}
        for move in self.filtered(lambda m: m.is_sale_document(include_receipts=True)):
            first = Level.search(
                [("company_id", "=", move.company_id.id)], order="delay", limit=1
            )
            due = move.invoice_date_due or move.invoice_date or move.date
            if not first or not due:
                continue
            try:
                first_date = due + timedelta(days=first.delay)
            except OverflowError:
                # a level beyond the calendar (written before levels were bounded)
                continue
            key = (move.commercial_partner_id, move.company_id)
            first_dates[key] = min(first_dates.get(key, first_date), first_date)
        for (partner, company), first_date in first_dates.items():
            # sudo: see above (the follow-up fields are reserved to accounting users)
            partner = partner.sudo().with_company(company)
            next_date = partner.followup_next_action_date
            if (
                not next_date
                or partner.followup_reminder_type == "manual"
                or first_date >= next_date
            ):
                continue
            if not self._followup_lock_nowait(partner):
                _logger.info(
                    "Payment follow-ups: partner %s is being followed up, its next "
                    "follow-up date is left as it is",
                    partner.id,
                )
                continue
            partner.followup_next_action_date = first_date

    def _followup_lock_nowait(self, partner):
        """Lock the partner's row for this transaction if nobody holds it and
        nobody changed it since this transaction began; never wait."""
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM res_partner WHERE id = %s "
                        "FOR NO KEY UPDATE NOWAIT",
                        partner.id,
                    )
                )
        except (pg_errors.LockNotAvailable, pg_errors.SerializationFailure):
            return False
        return True

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
