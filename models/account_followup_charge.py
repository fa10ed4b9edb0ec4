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

from odoo import api, fields, models
from odoo.tools import SQL

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
