# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Charges for paying late: what could be charged, and what was.

- interest, simple and daily: residual x annual rate / 100 x days / 365, from the
  day after the due date, on what was left to pay each day (a partial payment
  lowers it from its date on), split where the rate changes; in the currency of
  the invoice;
- a fixed compensation once per overdue invoice (company currency);
- the fee of a level, once per execution of that level (company currency).

``account.followup.charge`` remembers what each draft charge invoice covers, so
that nothing is charged twice; a cancelled (or deleted) charge invoice frees what
it covered.
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from ..tools import FOLLOWUP_GROUPS
from .account_followup_status import open_line_predicate

CHARGE_KINDS = [
    ("interest", "Interest"),
    ("compensation", "Fixed compensation"),
    ("fee", "Reminder fee"),
]


class AccountFollowupCharge(models.Model):
    """One charge put on a charge invoice: the days of interest of a line, the
    compensation of an invoice, or the fee of a reminder."""

    _name = "account.followup.charge"
    _description = "Late-payment charge"
    _order = "id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    kind = fields.Selection(CHARGE_KINDS, required=True, readonly=True)
    line_id = fields.Many2one(
        "account.move.line",
        string="Journal item charged for",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice charged for",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    reminder_id = fields.Many2one(
        "account.followup.reminder",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    date_from = fields.Date(string="Interest from", readonly=True)
    date_to = fields.Date(string="Interest until", readonly=True)
    days = fields.Integer(readonly=True)
    rate = fields.Float(string="Rate (%)", digits=(16, 4), readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount = fields.Monetary(readonly=True)
    invoice_line_id = fields.Many2one(
        "account.move.line",
        string="Charge invoice line",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    invoice_id = fields.Many2one(
        related="invoice_line_id.move_id", string="Charge invoice", store=True
    )
    invoice_state = fields.Selection(related="invoice_id.state")

    # ------------------------------------------------------------------
    # What could be charged (set-based)
    # ------------------------------------------------------------------

    @api.model
    def _active_charges_sql(self, company, kind):
        """The charges of ``kind`` of ``company`` whose charge invoice is not
        cancelled (alias ``c``)."""
        return SQL(
            """SELECT c.* FROM account_followup_charge c
                 JOIN account_move im ON im.id = c.invoice_id
                WHERE c.company_id = %s AND c.kind = %s AND im.state != 'cancel'""",
            company.id,
            kind,
        )

    @api.model
    def _lines_sql(self, company, day, partner_ids):
        """The open receivable lines of ``company`` overdue on ``day`` that bear
        charges: not excluded, not disputed, not themselves a charge invoice, of a
        business customer when the company charges those only."""
        receivable = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    "SELECT id FROM account_account "
                    "WHERE account_type = 'asset_receivable'"
                )
            )
        ] or [0]
        partner_filter = SQL()
        if partner_ids is not None:
            partner_filter = SQL(
                "AND p.commercial_partner_id = ANY(%s)", list(partner_ids)
            )
        b2b_filter = SQL()
        if company.followup_charge_b2b_only:
            b2b_filter = SQL("AND cp.is_company")
        return SQL(
            """
            SELECT l.id AS line_id, l.move_id, m.move_type, l.currency_id,
                   l.amount_residual_currency AS residual,
                   COALESCE(l.date_maturity, m.invoice_date, l.date) AS due_date,
                   p.commercial_partner_id AS partner_id
              FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
              JOIN res_partner p ON p.id = l.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
             WHERE l.account_id = ANY(%(receivable)s)
               AND %(open_line)s
               AND l.company_id = %(company)s
               AND l.amount_residual > 0
               AND l.followup_excluded IS NOT TRUE
               -- an invoice in dispute bears no charge
               AND l.move_id NOT IN (
                    SELECT d.move_id FROM account_followup_dispute d
                     WHERE d.state = 'open'
               )
               -- no charge on the charges
               AND l.move_id NOT IN (
                    SELECT c.invoice_id FROM account_followup_charge c
                     WHERE c.company_id = %(company)s
                       AND c.invoice_id IS NOT NULL
               )
               AND COALESCE(l.date_maturity, m.invoice_date, l.date) < %(day)s::date
                   %(partner_filter)s %(b2b_filter)s
            """,
            receivable=receivable,
            open_line=open_line_predicate("l"),
            company=company.id,
            day=day,
            partner_filter=partner_filter,
            b2b_filter=b2b_filter,
        )

    @api.model
    def _interest_sql(self, company, day, lines):
        """One row per line and period at one rate: line_id, partner_id,
        currency_id, date_from, date_to, days, rate, amount (unrounded).

        The residual of each day is rebuilt from today's: the partial payments
        dated after a day were still to be paid on it. The periods are cut at the
        day after the due date (or after what was charged already), at each
        partial payment and at each change of the reference rate, then the pieces
        at the same rate are put back together (gaps and islands)."""
        reference = company.followup_interest_type == "reference"
        rate_breaks = SQL()
        if reference:
            rate_breaks = SQL(
                """UNION ALL
                   SELECT s.line_id, r.date_from, 0
                     FROM spans s
                     JOIN account_followup_reference_rate r
                       ON r.company_id = %(company)s
                      AND r.date_from > s.start AND r.date_from <= %(day)s::date""",
                company=company.id,
                day=day,
            )
            rate = SQL(
                """(SELECT r.rate FROM account_followup_reference_rate r
                     WHERE r.company_id = %s AND r.date_from <= sg.seg_from
                  ORDER BY r.date_from DESC LIMIT 1) + %s""",
                company.id,
                company.followup_interest_margin,
            )
        else:
            rate = SQL("%s::numeric", company.followup_interest_rate)
        return SQL(
            """
            WITH lines AS (%(lines)s),
            charged AS (
                SELECT c.line_id, MAX(c.date_to) AS charged_to
                  FROM (%(active)s) c
                 WHERE c.line_id IN (SELECT line_id FROM lines)
              GROUP BY c.line_id
            ),
            spans AS (
                SELECT l.*, GREATEST(l.due_date, ch.charged_to) + 1 AS start
                  FROM lines l
             LEFT JOIN charged ch ON ch.line_id = l.line_id
                 WHERE GREATEST(l.due_date, ch.charged_to) + 1 <= %(day)s::date
            ),
            pays AS (
                SELECT pr.debit_move_id AS line_id, pr.max_date,
                       SUM(pr.debit_amount_currency) AS amount
                  FROM account_partial_reconcile pr
                  JOIN spans s ON s.line_id = pr.debit_move_id
                 WHERE pr.max_date > s.start
              GROUP BY pr.debit_move_id, pr.max_date
            ),
            paid_total AS (
                SELECT line_id, SUM(amount) AS amount FROM pays GROUP BY line_id
            ),
            cuts AS (
                -- where the period is cut, with what was paid on that day
                SELECT line_id, start AS d, 0 AS paid FROM spans
                UNION ALL
                SELECT p.line_id, p.max_date, p.amount FROM pays p
                 WHERE p.max_date <= %(day)s::date
                %(rate_breaks)s
            ),
            breaks AS (
                SELECT line_id, d, SUM(paid) AS paid FROM cuts GROUP BY line_id, d
            ),
            segments AS (
                SELECT b.line_id, b.d AS seg_from,
                       COALESCE(LEAD(b.d) OVER w - 1, %(day)s::date) AS seg_to,
                       -- paid from the start of the span up to this day included
                       SUM(b.paid) OVER w AS paid_so_far
                  FROM breaks b
                WINDOW w AS (PARTITION BY b.line_id ORDER BY b.d)
            ),
            valued AS (
                -- what was left to pay on those days: today's residual plus what
                -- was paid after them
                SELECT sg.line_id, sg.seg_from, sg.seg_to,
                       sg.seg_to - sg.seg_from + 1 AS days,
                       s.residual + COALESCE(pt.amount, 0) - sg.paid_so_far AS base,
                       %(rate)s AS rate
                  FROM segments sg
                  JOIN spans s ON s.line_id = sg.line_id
             LEFT JOIN paid_total pt ON pt.line_id = sg.line_id
            ),
            islands AS (
                SELECT v.*,
                       ROW_NUMBER() OVER (PARTITION BY v.line_id ORDER BY v.seg_from)
                       - ROW_NUMBER() OVER (PARTITION BY v.line_id, v.rate
                                                ORDER BY v.seg_from) AS island
                  FROM valued v
                 WHERE v.rate IS NOT NULL AND v.rate > 0
            )
            SELECT i.line_id, s.partner_id, s.move_id, s.currency_id, i.rate,
                   MIN(i.seg_from) AS date_from, MAX(i.seg_to) AS date_to,
                   SUM(i.days)::int AS days,
                   SUM(i.base * i.rate / 100 * i.days / 365) AS amount
              FROM islands i
              JOIN spans s ON s.line_id = i.line_id
          GROUP BY i.line_id, s.partner_id, s.move_id, s.currency_id, i.rate, i.island
          ORDER BY i.line_id, MIN(i.seg_from)
            """,
            lines=lines,
            active=self._active_charges_sql(company, "interest"),
            day=day,
            rate_breaks=rate_breaks,
            rate=rate,
        )

    @api.model
    def _compensation_sql(self, company, lines):
        """One row per overdue customer invoice not compensated yet: its first
        overdue line."""
        return SQL(
            """
            WITH lines AS (%(lines)s)
            SELECT DISTINCT ON (l.move_id) l.move_id, l.line_id, l.partner_id
              FROM lines l
             WHERE l.move_type = 'out_invoice'
               AND l.move_id NOT IN (
                    SELECT c.move_id FROM (%(active)s) c WHERE c.move_id IS NOT NULL
               )
          ORDER BY l.move_id, l.due_date, l.line_id
            """,
            lines=lines,
            active=self._active_charges_sql(company, "compensation"),
        )

    @api.model
    def _fee_sql(self, company, day, partner_ids):
        """One row per non-partial reminder with a fee not charged yet."""
        partner_filter = SQL()
        if partner_ids is not None:
            partner_filter = SQL("AND r.partner_id = ANY(%s)", list(partner_ids))
        b2b_filter = SQL()
        if company.followup_charge_b2b_only:
            b2b_filter = SQL("AND cp.is_company")
        return SQL(
            """
            SELECT r.id AS reminder_id, r.partner_id, r.fee_amount, r.date,
                   first.line_id, fl.move_id
              FROM account_followup_reminder r
         LEFT JOIN LATERAL (
                    SELECT MIN(rel.line_id) AS line_id
                      FROM account_followup_reminder_line_rel rel
                     WHERE rel.reminder_id = r.id
                   ) first ON TRUE
         LEFT JOIN account_move_line fl ON fl.id = first.line_id
              JOIN res_partner cp ON cp.id = r.partner_id
             WHERE r.company_id = %(company)s
               AND r.fee_amount > 0
               AND r.partial IS NOT TRUE
               AND r.date <= %(day)s::date
               AND r.id NOT IN (
                    SELECT c.reminder_id FROM (%(active)s) c
                     WHERE c.reminder_id IS NOT NULL
               )
               %(partner_filter)s %(b2b_filter)s
          ORDER BY r.partner_id, r.date, r.id
            """,
            company=company.id,
            day=day,
            active=self._active_charges_sql(company, "fee"),
            partner_filter=partner_filter,
            b2b_filter=b2b_filter,
        )

    @api.model
    def _flush_charges(self):
        """Write to the database what the queries of the charges read."""
        self.env["account.followup.status"]._flush()
        self.env["account.partial.reconcile"].flush_model(
            ["debit_move_id", "debit_amount_currency", "max_date"]
        )
        self.env["account.followup.reference.rate"].flush_model()
        self.env["account.followup.reminder"].flush_model(
            ["company_id", "date", "fee_amount", "line_ids", "partial", "partner_id"]
        )
        self.flush_model()
        self.env["account.move"].flush_model(["move_type", "state"])
        self.env["res.partner"].flush_model(["is_company"])

    @api.model
    def _compute(self, company, day=None, partner_ids=None):
        """What could be charged to the commercial partners ``partner_ids`` (all
        when None) of ``company`` up to ``day`` (default today) and was not
        charged yet: a list of dicts (kind, partner_id, line_id, move_id,
        reminder_id, amount, currency_id, days, rate, date_from, date_to), in at
        most three queries whatever the number of customers."""
        day = day or company._followup_today()
        self._flush_charges()
        charges = []
        currencies = {}

        def rounded(currency_id, amount):
            if currency_id not in currencies:
                currencies[currency_id] = self.env["res.currency"].browse(currency_id)
            return currencies[currency_id].round(float(amount))

        lines = self._lines_sql(company, day, partner_ids)
        if company.followup_interest_type != "none":
            for row in self.env.execute_query_dict(
                self._interest_sql(company, day, lines)
            ):
                amount = rounded(row["currency_id"], row["amount"])
                if amount <= 0:
                    continue
                charges.append(
                    dict(
                        row,
                        kind="interest",
                        amount=amount,
                        rate=float(row["rate"]),
                        reminder_id=False,
                    )
                )
        currency = company.currency_id
        if company.followup_compensation_amount > 0:
            for row in self.env.execute_query_dict(
                self._compensation_sql(company, lines)
            ):
                charges.append(
                    dict(
                        row,
                        kind="compensation",
                        amount=currency.round(company.followup_compensation_amount),
                        currency_id=currency.id,
                        days=0,
                        rate=0.0,
                        reminder_id=False,
                        date_from=False,
                        date_to=False,
                    )
                )
        for row in self.env.execute_query_dict(
            self._fee_sql(company, day, partner_ids)
        ):
            charges.append(
                {
                    "kind": "fee",
                    "partner_id": row["partner_id"],
                    "line_id": row["line_id"] or False,
                    "move_id": row["move_id"] or False,
                    "reminder_id": row["reminder_id"],
                    "amount": currency.round(float(row["fee_amount"])),
                    "currency_id": currency.id,
                    "days": 0,
                    "rate": 0.0,
                    "date_from": row["date"],
                    "date_to": row["date"],
                }
            )
        return charges

    # ------------------------------------------------------------------
    # Words
    # ------------------------------------------------------------------

    @api.model
    def _label(self, charge, short=False):
        """What a charge is, in the user's words (the invoice line, the
        statement). ``short``: the statement's "since" wording."""
        move = self.env["account.move"].browse(charge.get("move_id") or [])
        invoice = move.name or ""
        if charge["kind"] == "interest":
            rate = f"{charge['rate']:.2f} %"
            if short:
                return self.env._(
                    "%(invoice)s: interest at %(rate)s a year since %(date)s",
                    invoice=invoice,
                    rate=rate,
                    date=format_date(self.env, charge["date_from"]),
                )
            return self.env._(
                "Late-payment interest on %(invoice)s at %(rate)s a year, "
                "%(date_from)s to %(date_to)s (%(days)s days)",
                invoice=invoice,
                rate=rate,
                date_from=format_date(self.env, charge["date_from"]),
                date_to=format_date(self.env, charge["date_to"]),
                days=charge["days"],
            )
        if charge["kind"] == "compensation":
            return self.env._(
                "Fixed compensation for the late payment of %(invoice)s",
                invoice=invoice,
            )
        reminder = self.env["account.followup.reminder"].browse(charge["reminder_id"])
        return self.env._(
            "Fee of the reminder “%(level)s” of %(date)s",
            level=reminder.sudo().level_id.name or "",
            date=format_date(self.env, charge["date_from"]),
        )

    # ------------------------------------------------------------------
    # Charging
    # ------------------------------------------------------------------

    @api.model
    def _create_invoices(self, partner, charges):
        """The draft customer invoices (one per currency) of ``charges`` for the
        commercial partner ``partner``, and the charge records linking each line
        to what it covers."""
        company = self.env.company
        product = company._followup_charge_product()
        by_currency = defaultdict(list)
        for charge in charges:
            by_currency[charge["currency_id"]].append(charge)
        invoices = self.env["account.move"]
        lang = partner._followup_get_lang()
        labelled = self.with_context(lang=lang)
        for currency_id, group in by_currency.items():
            line_vals = []
            for charge in group:
                vals = {
                    "name": labelled._label(charge),
                    "quantity": 1,
                    "price_unit": charge["amount"],
                    # interest and compensation for paying late are damages, not
                    # the price of a supply: outside the scope of VAT
                    "tax_ids": [Command.clear()],
                }
                if product:
                    vals["product_id"] = product.id
                if company.followup_charge_account_id:
                    vals["account_id"] = company.followup_charge_account_id.id
                line_vals.append(Command.create(vals))
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "currency_id": currency_id,
                    "invoice_date": False,
                    "invoice_origin": self.env._("Late-payment charges"),
                    "invoice_line_ids": line_vals,
                }
            )
            product_lines = invoice.invoice_line_ids.filtered(
                lambda line: line.display_type == "product"
            ).sorted("sequence")
            vals_list = []
            for charge, line in zip(group, product_lines, strict=True):
                if product:
                    # the product's defaults must not replace the charge's figures
                    line.write(
                        {
                            "name": labelled._label(charge),
                            "price_unit": charge["amount"],
                            "tax_ids": [Command.clear()],
                        }
                    )
                vals_list.append(
                    {
                        "company_id": company.id,
                        "partner_id": partner.id,
                        "kind": charge["kind"],
                        "line_id": charge.get("line_id") or False,
                        "move_id": charge.get("move_id") or False,
                        "reminder_id": charge.get("reminder_id") or False,
                        "date_from": charge.get("date_from") or False,
                        "date_to": charge.get("date_to") or False,
                        "days": charge.get("days") or 0,
                        "rate": charge.get("rate") or 0.0,
                        "currency_id": currency_id,
                        "amount": charge["amount"],
                        "invoice_line_id": line.id,
                    }
                )
            # sudo: the charge records are the addon's bookkeeping of what the
            # invoice just created (by the user, with the user's rights) covers
            self.sudo().create(vals_list)
            invoices |= invoice
        return invoices


class AccountFollowupReminder(models.Model):
    _inherit = "account.followup.reminder"

    fee_amount = fields.Monetary(
        string="Fee",
        readonly=True,
        currency_field="currency_id",
        help="The fee of the level when it was executed: charged once.",
    )


class AccountFollowupExecution(models.AbstractModel):
    _inherit = "account.followup.execution"

    @api.model
    def _create_reminder(self, partner, level, data, rows, origin, partial):
        reminder = super()._create_reminder(partner, level, data, rows, origin, partial)
        if level.fee_amount and not partial:
            # the fee of the level at the time it was executed (a fee set later
            # never applies to the reminders already sent)
            reminder.fee_amount = level.fee_amount
        return reminder

    @api.model
    def _execute(self, partners, channels=None, raise_errors=False, **kwargs):
        summary = super()._execute(
            partners, channels=channels, raise_errors=raise_errors, **kwargs
        )
        if kwargs.get("origin") == "cron":
            self._cron_charge(summary["reminders"])
        return summary

    @api.model
    def _cron_charge(self, reminders):
        """The daily run prepares the draft charge invoice of the customers whose
        level executed is the company's charge level or a later one."""
        company = self.env.company
        charge_level = company.followup_charge_level_id
        if not charge_level:
            return
        partners = reminders.filtered(
            lambda r: not r.partial and r.level_id.delay >= charge_level.delay
        ).partner_id
        if not partners:
            return
        result = partners._followup_charge_create(raise_errors=False)
        for partner, message in result["failed"]:
            self._report_failure(partner, message)


class ResPartner(models.Model):
    _inherit = "res.partner"

    followup_charges_html = fields.Html(
        string="Charges for paying late",
        compute="_compute_followup_charges_html",
        sanitize=False,
        groups=FOLLOWUP_GROUPS,
    )
    # (whether the company charges: no figure, readable by whoever sees the form)
    followup_charges_enabled = fields.Boolean(
        string="Charges for paying late on", compute="_compute_followup_charges_enabled"
    )

    @api.depends_context("company")
    def _compute_followup_charges_enabled(self):
        enabled = self.env.company._followup_charges_enabled()
        for partner in self:
            partner.followup_charges_enabled = enabled

    @api.depends_context("company")
    def _compute_followup_charges_html(self):
        company = self.env.company
        enabled = company._followup_charges_enabled()
        for partner in self:
            partner.followup_charges_html = False
        partners = self.filtered("id")
        if not enabled or not partners:
            return
        Charge = self.env["account.followup.charge"]
        charges = Charge._compute(
            company, partner_ids=partners.commercial_partner_id.ids
        )
        by_partner = defaultdict(list)
        for charge in charges:
            by_partner[charge["partner_id"]].append(charge)
        for partner in partners:
            rows = partner._followup_charge_rows(
                by_partner[partner.commercial_partner_id.id]
            )
            if not rows["charges"]:
                partner.followup_charges_html = Markup(
                    "<p class='text-muted'>%s</p>"
                ) % self.env._("Nothing to charge for paying late.")
                continue
            items = Markup("").join(
                Markup("<li>%s: %s</li>") % (row["label"], row["formatted"])
                for row in rows["charges"]
            )
            totals = ", ".join(total["formatted"] for total in rows["totals"])
            partner.followup_charges_html = Markup(
                "<ul class='mb-1'>%s</ul><p><strong>%s</strong></p>"
            ) % (items, self.env._("Total charges: %(total)s", total=totals))

    def _followup_charge_rows(self, charges):
        """The charges as the statement shows them: a label and the amount in its
        currency each, and the total per currency."""
        Charge = self.env["account.followup.charge"]
        totals = defaultdict(float)
        rows = []
        for charge in charges:
            currency = self.env["res.currency"].browse(charge["currency_id"])
            totals[currency] += charge["amount"]
            rows.append(
                dict(
                    charge,
                    label=Charge._label(charge, short=True),
                    currency=currency,
                    formatted=format_amount(self.env, charge["amount"], currency),
                )
            )
        return {
            "charges": rows,
            "totals": [
                {
                    "currency": currency,
                    "amount": amount,
                    "formatted": format_amount(self.env, amount, currency),
                }
                for currency, amount in totals.items()
            ],
        }

    def _followup_charges(self, date=None):
        """What could be charged to the customers of ``self`` for paying late up
        to ``date`` (default today) and was not charged yet, in the current
        company: a list of dicts {"kind": "interest" | "compensation" | "fee",
        "line_id", "amount", "days", "rate"} (plus partner_id, move_id,
        reminder_id, currency_id, date_from, date_to). Interest is in the
        currency of the invoice; compensation and fees in the company's."""
        company = self.env.company
        if not self:
            return []
        return self.env["account.followup.charge"]._compute(
            company, day=date, partner_ids=self.commercial_partner_id.ids
        )

    def action_followup_charge(self):
        """Charge: a draft customer invoice of the charges accrued for each
        customer of ``self``. One customer: its invoice opens (or a warning says
        why there is nothing to charge); several: a summary."""
        self._followup_check_access()
        single = len(self.commercial_partner_id) == 1
        result = self._followup_charge_create(raise_errors=single)
        if single:
            return result["invoices"]._get_records_action(
                name=self.env._("Late-payment charges")
            )
        return self._followup_charge_summary_action(result)

    def _followup_charge_create(self, raise_errors=False):
        """Create the draft charge invoices of the customers of ``self`` (each in
        a savepoint: one customer's failure never stops the others).

        :return: {"invoices", "nothing": [partners], "failed": [(partner, msg)]}
        """
        company = self.env.company
        result = {"invoices": self.env["account.move"], "nothing": [], "failed": []}
        if not company._followup_charges_enabled():
            if raise_errors:
                raise UserError(
                    self.env._(
                        "%(company)s does not charge anything for paying late: "
                        "set the interest, the compensation or the fees in "
                        "Invoicing ▸ Configuration ▸ Settings ▸ Payment "
                        "Follow-ups.",
                        company=company.name,
                    )
                )
            result["nothing"] = list(self.commercial_partner_id)
            return result
        Execution = self.env["account.followup.execution"]
        Charge = self.env["account.followup.charge"]
        for partner in self.commercial_partner_id:
            try:
                with self.env.cr.savepoint():
                    partner._followup_check_company()
                    if not Execution._lock(partner):
                        raise UserError(
                            self.env._(
                                "%(partner)s is being processed by someone else: "
                                "try again in a moment.",
                                partner=partner.display_name,
                            )
                        )
                    charges = partner._followup_charges()
                    if not charges:
                        if raise_errors:
                            raise UserError(
                                partner._followup_nothing_to_charge_message()
                            )
                        result["nothing"].append(partner)
                        continue
                    invoices = Charge._create_invoices(partner, charges)
                    # sudo: a note in the customer's chatter, as the follow-up
                    # execution posts its own (billing users need not be allowed
                    # to edit contacts); the user stays its author
                    partner.sudo().message_post(
                        body=Markup("%s %s")
                        % (
                            self.env._("Late-payment charges prepared:"),
                            Markup(", ").join(
                                invoice._get_html_link() for invoice in invoices
                            ),
                        ),
                        message_type="notification",
                        subtype_xmlid="mail.mt_note",
                    )
                    result["invoices"] |= invoices
            except UserError as error:
                if raise_errors:
                    raise
                result["failed"].append((partner, error.args[0]))
        return result

    def _followup_nothing_to_charge_message(self):
        self.ensure_one()
        company = self.env.company
        if company.followup_charge_b2b_only and not self.is_company:
            return self.env._(
                "Nothing to charge to %(partner)s: the company charges business "
                "customers only, and %(partner)s is an individual.",
                partner=self.display_name,
            )
        return self.env._(
            "Nothing to charge to %(partner)s for paying late: no overdue invoice "
            "bears interest, compensation or a fee that was not charged already.",
            partner=self.display_name,
        )

    def _followup_charge_summary_action(self, result):
        invoices = result["invoices"]
        parts = [
            self.env._("%(count)s draft charge invoice(s) created", count=len(invoices))
        ]
        if result["nothing"]:
            parts.append(
                self.env._(
                    "nothing to charge to %(partners)s",
                    partners=", ".join(p.display_name for p in result["nothing"]),
                )
            )
        for partner, message in result["failed"]:
            parts.append(
                self.env._(
                    "%(partner)s failed: %(message)s",
                    partner=partner.display_name,
                    message=message,
                )
            )
        params = {
            "type": "warning" if result["failed"] else "success",
            "message": "; ".join(parts) + ".",
            "sticky": bool(result["failed"]),
        }
        if invoices:
            params["next"] = invoices._get_records_action(
                name=self.env._("Late-payment charges")
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": params,
        }


class AccountFollowupSend(models.AbstractModel):
    _inherit = "account.followup.send"

    @api.model
    def _statement_values(self, partner, level=None, check_disputes=True):
        """The statement shows the charges accrued when the company charges."""
        values = super()._statement_values(
            partner, level=level, check_disputes=check_disputes
        )
        values["charges"] = []
        values["charges_totals"] = []
        company = self.env.company
        if company._followup_charges_enabled():
            commercial = values["partner"]
            rows = commercial._followup_charge_rows(commercial._followup_charges())
            values["charges"] = rows["charges"]
            values["charges_totals"] = rows["totals"]
        return values
