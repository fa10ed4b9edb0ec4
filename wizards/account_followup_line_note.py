# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from .account_followup_snooze import SNOOZE_DELAYS, SNOOZE_SELECTION


class AccountFollowupLineNote(models.TransientModel):
    """ "Log a note" on a line of the customer statement: what the customer said,
    and when it will pay: a promise to pay (kept when paid, broken and followed up
    at once the day after), or only an expected date (which replaces the due date
    for the follow-ups of that line)."""

    _name = "account.followup.line.note"
    _description = "Follow-up note on a statement line"

    line_id = fields.Many2one("account.move.line", string="Invoice line", required=True)
    move_id = fields.Many2one(related="line_id.move_id", string="Invoice")
    mode = fields.Selection(
        [("note", "Log a note"), ("exclude", "Exclude from follow-ups")],
        required=True,
        default="note",
    )
    note = fields.Text(required=True)
    delay = fields.Selection(
        [("none", "No change"), *SNOOZE_SELECTION],
        string="Expected payment",
        required=True,
        default="none",
    )
    expected_date = fields.Date(
        string="Expected payment date",
        compute="_compute_expected_date",
        store=True,
        readonly=False,
    )
    create_promise = fields.Boolean(
        string="Promise to pay",
        default=True,
        help="Record the date as the customer's promise to pay this item: it is not "
        "followed up until then, the promise is kept when it is paid, and broken "
        "(and followed up at once at the next level) the day after. Unchecked, the "
        "date only replaces the due date of the item.",
    )
    promise_amount = fields.Monetary(
        string="Promised amount",
        compute="_compute_promise_amount",
        store=True,
        readonly=False,
        currency_field="company_currency_id",
    )
    company_currency_id = fields.Many2one(related="line_id.company_currency_id")
    # Excluding one instalment of an invoice paid in several: the others too?
    instalment_ids = fields.Many2many(
        "account.move.line",
        compute="_compute_instalment_ids",
        string="Other open instalments",
    )
    instalment_count = fields.Integer(
        string="Open instalments", compute="_compute_instalment_ids"
    )
    exclude_instalments = fields.Boolean(
        string="Exclude all its instalments",
        default=True,
        help="This invoice is paid in several instalments: exclude its other open "
        "instalments from the follow-ups as well, for the same reason.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "line_id" in fields_list
            and not values.get("line_id")
            and context.get("active_model") == "account.move.line"
        ):
            values["line_id"] = context.get("active_id")
        return values

    @api.depends("delay", "line_id")
    def _compute_expected_date(self):
        today = self.env.company._followup_today()
        for wizard in self:
            if wizard.delay in SNOOZE_DELAYS:
                wizard.expected_date = today + SNOOZE_DELAYS[wizard.delay]
            elif wizard.delay == "none":
                wizard.expected_date = wizard.line_id.followup_expected_date
            elif not wizard.expected_date:
                wizard.expected_date = today + SNOOZE_DELAYS["1w"]

    @api.depends("line_id")
    def _compute_instalment_ids(self):
        for wizard in self:
            line = wizard.line_id
            others = line.move_id.line_ids.filtered(
                lambda other, line=line: other != line
                and other.account_id == line.account_id
                and not other.reconciled
                and not other.followup_excluded
            )
            wizard.instalment_ids = others
            wizard.instalment_count = len(others) + 1

    @api.depends("line_id")
    def _compute_promise_amount(self):
        for wizard in self:
            wizard.promise_amount = wizard.line_id.amount_residual

    def action_apply(self):
        """Store the note and the expected date on the line and keep both in the
        history of the customer and of the invoice."""
        self.ensure_one()
        self.env["res.partner"]._followup_check_access()
        if self.mode == "exclude":
            return self._apply_exclusion()
        line = self.line_id
        today = self.env.company._followup_today()
        if self.delay != "none" and not self.expected_date:
            raise UserError(self.env._("Choose the expected payment date."))
        if self.delay != "none" and self.expected_date and self.expected_date < today:
            raise UserError(
                self.env._(
                    "The expected payment date cannot be in the past (%(date)s).",
                    date=format_date(self.env, self.expected_date),
                )
            )
        # the notes add up (the chatter says who wrote each and when)
        previous = line.followup_note
        values = {
            "followup_note": f"{previous}\n{self.note}" if previous else self.note
        }
        promise = self.env["account.followup.promise"]
        if self.delay != "none" and self.create_promise:
            promise = promise.create(
                promise._promise_values(
                    line.partner_id,
                    lines=line,
                    date=self.expected_date,
                    amount=self.promise_amount,
                    note=self.note,
                )
            )
        elif self.delay != "none":
            values["followup_expected_date"] = self.expected_date
        # logged below, in one note
        line.with_context(followup_no_trace=True).write(values)
        reference = line.move_id.name or line.name or ""
        body = Markup("<p><strong>%s</strong></p><p>%s</p>") % (
            self.env._("Note on %(reference)s", reference=reference),
            self.note,
        )
        if promise:
            body += Markup("<p>%s</p>") % promise._describe()
        elif self.delay != "none":
            body += Markup("<p>%s</p>") % self.env._(
                "Expected payment date: %(date)s.",
                date=format_date(self.env, self.expected_date),
            )
        partner = line.partner_id.commercial_partner_id
        if partner and not promise:
            # a promise logs itself on the customer (note included)
            partner._message_log(body=body)
            # sudo: the follow-up flag of the customer (see res.partner.write)
            partner.sudo().followup_actions_done = True
        line.move_id._message_log(body=body)
        if not partner or self.delay == "none":
            return {"type": "ir.actions.act_window_close"}
        partner.invalidate_recordset()
        if partner.followup_status == "in_need_of_action":
            message = self.env._(
                "Expected payment on %(date)s: %(partner)s stays in the list for its "
                "other overdue invoices.",
                date=format_date(self.env, self.expected_date),
                partner=partner.name,
            )
        else:
            message = self.env._(
                "Expected payment on %(date)s: %(partner)s leaves the follow-up list "
                "until then.",
                date=format_date(self.env, self.expected_date),
                partner=partner.name,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _apply_exclusion(self):
        """Exclude the line (a dispute, a litigation...) for the reason given, kept
        on the line and in the history of the customer and of the invoice; with the
        invoice's other open instalments when the user says so."""
        line = self.line_id
        lines = line
        if self.exclude_instalments:
            lines |= self.instalment_ids
        lines.write({"followup_excluded": True, "followup_note": self.note})
        reference = line.move_id.name or line.name or ""
        if len(lines) > 1:
            title = self.env._(
                "%(reference)s excluded from follow-ups (%(count)s instalments)",
                reference=reference,
                count=len(lines),
            )
        else:
            title = self.env._(
                "%(reference)s excluded from follow-ups", reference=reference
            )
        line._followup_log_exclusion(title, self.note)
        return {"type": "ir.actions.act_window_close"}
