# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount, format_date

# The shortcuts of the promise form (the statement's "Promise to pay").
PROMISE_DELAYS = {
    "1w": relativedelta(weeks=1),
    "2w": relativedelta(weeks=2),
    "1m": relativedelta(months=1),
}
PROMISE_SELECTION = [
    ("1w", "One week"),
    ("2w", "Two weeks"),
    ("1m", "One month"),
    ("date", "A date"),
]
PROMISE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]


class AccountFollowupPromise(models.Model):
    """The customer said when it will pay.

    While the promise is open, its lines are not followed up up to and including
    its date: the status query (``account.followup.status._lines_query``) dates
    them at the promise's date and gives them no level. ``_check_promises`` (the
    daily run, and each reconciliation of one of its lines) then keeps it when the
    lines were paid by at least its amount since it was made, or breaks it the day
    after its date. A broken promise escalates: until the next level is executed on
    its lines (``escalation_pending``), they reach at least the level of the plan
    that follows the one already applied to them, and the customer is in need of
    action at once.
    """

    _name = "account.followup.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.Many2many(
        "account.move.line",
        "account_followup_promise_line_rel",
        "promise_id",
        "line_id",
        string="Promised items",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        help="The open items the customer promised to pay; by default, every open "
        "invoice of the customer followed up.",
    )
    delay = fields.Selection(
        PROMISE_SELECTION,
        string="Pays in",
        default="date",
        help="Technical: the shortcut chosen in the form.",
    )
    date = fields.Date(
        string="Promised date",
        required=True,
        compute="_compute_date",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        help="Its items are not followed up up to and including this date.",
    )
    amount = fields.Monetary(
        string="Promised amount",
        currency_field="currency_id",
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    amount_residual_start = fields.Monetary(
        string="Due when promised",
        currency_field="currency_id",
        readonly=True,
        copy=False,
        help="What was left to pay on the promised items when the promise was made: "
        "what has been paid since is measured from it.",
    )
    amount_paid = fields.Monetary(
        string="Paid since",
        currency_field="currency_id",
        readonly=True,
        copy=False,
        help="Paid on the promised items since the promise was made (updated when a "
        "payment is matched and by the daily run).",
    )
    state = fields.Selection(
        PROMISE_STATES,
        required=True,
        default="open",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    source = fields.Selection(
        [("internal", "Recorded by us"), ("portal", "Customer's page")],
        required=True,
        default="internal",
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        default=lambda self: self.env.user,
        readonly=True,
    )
    note = fields.Text()
    escalation_pending = fields.Boolean(
        readonly=True,
        copy=False,
        help="Technical: broken, and the next level was not executed on its items "
        "yet (they reach it at once).",
    )

    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------

    @api.depends("partner_id", "company_id")
    def _compute_line_ids(self):
        Line = self.env["account.move.line"]
        for promise in self:
            partner = promise.partner_id.commercial_partner_id
            if not partner:
                promise.line_ids = Line
                continue
            company = promise.company_id or self.env.company
            lines = Line.search(
                Line.with_company(company)._followup_counted_domain(partner, company)
                + [("amount_residual", ">", 0)],
                order="date_maturity, id",
            )
            promise.line_ids = lines

    @api.depends("delay")
    def _compute_date(self):
        for promise in self:
            company = promise.company_id or self.env.company
            today = company._followup_today()
            if promise.delay in PROMISE_DELAYS:
                promise.date = today + PROMISE_DELAYS[promise.delay]
            elif not promise.date:
                promise.date = today + PROMISE_DELAYS["1w"]

    @api.depends("line_ids")
    def _compute_amount(self):
        for promise in self:
            promise.amount = sum(promise.line_ids.mapped("amount_residual"))

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------

    @api.constrains("date")
    def _check_date_not_past(self):
        for promise in self.filtered(lambda p: p.state == "open"):
            today = promise.company_id._followup_today()
            if promise.date < today:
                raise ValidationError(
                    self.env._(
                        "A promise to pay cannot be dated in the past (%(date)s): "
                        "choose today or a later date.",
                        date=format_date(self.env, promise.date),
                    )
                )

    @api.constrains("partner_id", "company_id", "line_ids", "amount")
    def _check_lines(self):
        for promise in self:
            partner = promise.partner_id.commercial_partner_id
            others = promise.line_ids.filtered(
                lambda line, p=partner: line.partner_id.commercial_partner_id != p
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "A promise of %(partner)s cannot cover items of another "
                        "customer (%(items)s).",
                        partner=partner.display_name,
                        items=", ".join(others.move_id.mapped("display_name")),
                    )
                )
            foreign = promise.line_ids.filtered(
                lambda line, p=promise: line.company_id != p.company_id
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "A promise of the company %(company)s cannot cover items of "
                        "another company (%(items)s).",
                        company=promise.company_id.name,
                        items=", ".join(foreign.move_id.mapped("display_name")),
                    )
                )
            if promise.state == "open" and not promise.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
                and line.parent_state == "posted"
                and not line.reconciled
                and not line.company_currency_id.is_zero(line.amount_residual)
            ):
                raise ValidationError(
                    self.env._(
                        "A promise to pay must cover at least one open item of "
                        "%(partner)s: choose the invoices the customer will pay.",
                        partner=partner.display_name,
                    )
                )
            currency = promise.currency_id
            if currency.compare_amounts(promise.amount, 0) <= 0:
                raise ValidationError(
                    self.env._("The promised amount must be positive.")
                )
            due = sum(promise.line_ids.mapped("amount_residual"))
            if (
                promise.state == "open"
                and currency.compare_amounts(
                    promise.amount, max(due, promise.amount_residual_start)
                )
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "The promised amount (%(amount)s) is more than the promised "
                        "items owe (%(due)s).",
                        amount=format_amount(self.env, promise.amount, currency),
                        due=format_amount(self.env, due, currency),
                    )
                )

    # ------------------------------------------------------------------
    # Creating and cancelling
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
        promises = super().create(vals_list)
        for promise in promises:
            promise.amount_residual_start = sum(
                promise.line_ids.mapped("amount_residual")
            )
        promises._log_on_partner("recorded")
        return promises

    def write(self, vals):
        if set(vals) & {"partner_id", "company_id", "line_ids"} and any(
            promise.state != "open" for promise in self
        ):
            raise UserError(
                self.env._(
                    "Only an open promise can be changed: record a new promise instead."
                )
            )
        res = super().write(vals)
        if "line_ids" in vals:
            # other items: what is paid is measured from what they owe now
            for promise in self:
                promise.write(
                    {
                        "amount_residual_start": sum(
                            promise.line_ids.mapped("amount_residual")
                        ),
                        "amount_paid": 0.0,
                    }
                )
        return res

    def action_cancel(self):
        """The promise no longer holds (the customer changed its mind, it was
        recorded by mistake): its items are followed up again from their own dates,
        without any escalation."""
        for promise in self:
            if promise.state != "open":
                raise UserError(
                    self.env._(
                        "Only an open promise can be cancelled (this one is "
                        "%(state)s).",
                        state=dict(PROMISE_STATES)[promise.state].lower(),
                    )
                )
        self.write({"state": "cancelled"})
        self._log_on_partner("cancelled")
        return True

    # ------------------------------------------------------------------
    # Kept or broken
    # ------------------------------------------------------------------

    @api.model
    def _check_promises(self, lines=None):
        """Decide the open promises: kept when their items were paid by at least
        the promised amount since they were made, broken when their date has passed
        (in the company's calendar) without that. Called first by the daily run (all
        open promises) and when a payment is matched (the promises of ``lines``).

        A partial payment is recorded on the promise (``amount_paid``) and said in
        the customer's chatter; the promise stays open until the amount is reached
        or the date is passed.
        """
        domain = [("state", "=", "open")]
        if lines is not None:
            if not lines:
                return self.browse()
            domain.append(("line_ids", "in", lines.ids))
        # sudo: deciding a promise is the system's own bookkeeping, triggered by
        # the daily run or by whoever matched a payment; it changes only the state
        # of the promises concerned and logs it on their customer
        promises = self.sudo().with_context(active_test=False).search(domain)
        kept = broken = self.browse()
        for promise in promises:
            currency = promise.currency_id
            paid = max(
                promise.amount_residual_start
                - sum(promise.line_ids.mapped("amount_residual")),
                0.0,
            )
            previously_paid = promise.amount_paid
            if currency.compare_amounts(paid, previously_paid):
                promise.amount_paid = paid
            if currency.compare_amounts(paid, promise.amount) >= 0:
                kept |= promise
            elif promise.date < promise.company_id._followup_today():
                broken |= promise
            elif currency.compare_amounts(paid, previously_paid) > 0:
                promise._log_on_partner("partial")
        if kept:
            kept.write({"state": "kept"})
            kept._log_on_partner("kept")
        if broken:
            broken.write({"state": "broken", "escalation_pending": True})
            broken._log_on_partner("broken")
            broken._escalate()
        return kept | broken

    def _escalate(self):
        """A broken promise: the customer is in need of action at once (its next
        follow-up date no longer hides it) and its responsible gets an activity."""
        for promise in self:
            partner = promise.partner_id.with_company(promise.company_id)
            partner.followup_next_action_date = False
            user = partner.followup_responsible_id
            if not user or not user.active or user.share:
                recorder = promise.user_id
                user = (
                    recorder
                    if recorder and recorder.active and not recorder.share
                    else partner._followup_get_responsible()
                )
            partner.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=promise.company_id._followup_today(),
                summary=self.env._("Promise to pay broken"),
                note=promise._describe(),
                user_id=user.id,
            )

    # ------------------------------------------------------------------
    # Chatter
    # ------------------------------------------------------------------

    def _describe(self):
        """One sentence: amount, date, items."""
        self.ensure_one()
        return self.env._(
            "%(amount)s promised by %(date)s for %(items)s.",
            amount=format_amount(self.env, self.amount, self.currency_id),
            date=format_date(self.env, self.date),
            items=", ".join(self.line_ids.move_id.mapped("display_name")) or "-",
        )

    def _log_on_partner(self, event):
        """Say in the customer's chatter (and the promise's) what happened."""
        for promise in self:
            paid = format_amount(self.env, promise.amount_paid, promise.currency_id)
            titles = {
                "recorded": self.env._("Promise to pay recorded"),
                "cancelled": self.env._("Promise to pay cancelled"),
                "kept": self.env._("Promise to pay kept"),
                "broken": self.env._("Promise to pay broken"),
                "partial": self.env._("Payment received on a promise to pay"),
            }
            details = {
                "kept": self.env._("%(paid)s paid.", paid=paid),
                "broken": self.env._(
                    "%(paid)s paid by the promised date: the follow-up resumes at "
                    "the next level.",
                    paid=paid,
                ),
                "partial": self.env._(
                    "%(paid)s paid so far: the promise stays open until the "
                    "promised amount is paid.",
                    paid=paid,
                ),
            }
            link = Markup(
                '<a href="#" data-oe-model="account.followup.promise" '
                'data-oe-id="%s">%s</a>'
            ) % (promise.id, self.env._("View the promise"))
            body = Markup("<p><strong>%s</strong></p><p>%s</p>") % (
                titles[event],
                promise._describe(),
            )
            if event in details:
                body += Markup("<p>%s</p>") % details[event]
            if event == "recorded" and promise.note:
                body += Markup("<p>%s</p>") % promise.note
            promise.partner_id._message_log(body=body + Markup("<p>%s</p>") % link)
            if event != "recorded":
                promise._message_log(body=body)

    # ------------------------------------------------------------------
    # Helpers for the callers
    # ------------------------------------------------------------------

    @api.model
    def _promise_values(self, partner, lines=None, date=None, **values):
        """Values of a promise of ``partner`` (its commercial partner) for ``lines``
        (default: its counted open invoices) by ``date``."""
        values.update(
            partner_id=partner.commercial_partner_id.id,
            company_id=self.env.company.id,
        )
        if lines is not None:
            values["line_ids"] = [Command.set(lines.ids)]
        if date:
            values.update(date=date, delay="date")
        return values

    @api.model
    def _clear_escalation(self, lines, pending=None):
        """The next level was executed on ``lines``: the broken promises covering
        them have escalated.

        :param pending: {company id: whether it has promises waiting to escalate},
            shared by a batch, so that a company without any costs one query per
            batch instead of one per customer
        """
        if not lines:
            return
        if pending is not None:
            company_id = self.env.company.id
            if company_id not in pending:
                # sudo: see below
                pending[company_id] = bool(
                    self.sudo().search_count(
                        [
                            ("escalation_pending", "=", True),
                            ("company_id", "=", company_id),
                        ],
                        limit=1,
                    )
                )
            if not pending[company_id]:
                return
        # sudo: see _check_promises (the execution's own bookkeeping)
        promises = self.sudo().search(
            [("escalation_pending", "=", True), ("line_ids", "in", lines.ids)]
        )
        promises.escalation_pending = False
