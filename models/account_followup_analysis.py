# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.tools import SQL

from .account_followup_status import open_line_predicate

# The aging buckets: days past the due date on the date of the aging.
AGING_BUCKETS = ("current", "1_30", "31_60", "61_90", "90_plus")
# res.partner field of each bucket (the statement's aging strip)
AGING_PARTNER_FIELDS = {f"followup_aging_{bucket}": bucket for bucket in AGING_BUCKETS}
# The figures of a period beside the aging and the levels, in the order the analysis
# shows and exports them (fields of account.followup.analysis.wizard).
FIGURE_FIELDS = (
    "receivables_start",
    "sales",
    "receivables",
    "collected",
    "current_receivables",
    "days",
    "dso",
    "best_possible_dso",
    "average_days_delinquent",
    "cei",
)


def aging_bucket_sql(at_date, due_date, current="current"):
    """SQL of the bucket of a line due on ``due_date``, on ``at_date`` (the key of
    the not-yet-due bucket is ``current``)."""
    return SQL(
        """CASE
               WHEN %(at)s - %(due)s <= 0 THEN %(current)s
               WHEN %(at)s - %(due)s <= 30 THEN '1_30'
               WHEN %(at)s - %(due)s <= 60 THEN '31_60'
               WHEN %(at)s - %(due)s <= 90 THEN '61_90'
               ELSE '90_plus'
           END""",
        at=at_date,
        due=due_date,
        current=current,
    )


def aging_columns_sql(amount):
    """The columns ``amount_<bucket>`` of each of AGING_BUCKETS: the sum of
    ``amount`` over the rows ``r`` (with ``at_date`` and ``due_date``) in that
    bucket on their date."""
    days = SQL("(r.at_date - r.due_date)")
    buckets = {
        "current": SQL("%s <= 0", days),
        "1_30": SQL("%s BETWEEN 1 AND 30", days),
        "31_60": SQL("%s BETWEEN 31 AND 60", days),
        "61_90": SQL("%s BETWEEN 61 AND 90", days),
        "90_plus": SQL("%s > 90", days),
    }
    return SQL(", ").join(
        SQL(
            "COALESCE(SUM(%s) FILTER (WHERE %s), 0) AS %s",
            amount,
            buckets[bucket],
            SQL.identifier(f"amount_{bucket}"),
        )
        for bucket in AGING_BUCKETS
    )


class AccountFollowupAnalysis(models.AbstractModel):
    """The collection figures of DESIGN.md "Results": what the follow-ups achieve.

    Everything is in company currency, on posted entries of receivable accounts, set
    based (one query per figure, whatever the number of customers or months):

    - the open amount of a line on a past date is rebuilt from its balance and the
      reconciliations (``account.partial.reconcile``) dated on or before that date: a
      reconciliation is dated by ``max_date``, the later date of the two lines it
      matches, the day from which the aged balances count it. A payment entered after
      the end of a period therefore does not change that period's figures;
    - the aging of any number of customers, today or on a date, is one query
      (``_aging``), shared by the figures, the customer statement, the Follow-up
      Reports list, the aging analysis and the XLSX statement;
    - the effect of a reminder (``_reminder_effect_query``) is rebuilt the same way,
      from the reconciliations of the lines it covered.

    A division by zero (no sales in the period, nothing left to collect) gives 0.0,
    never an error: a figure of an empty period is 0.
    """

    _name = "account.followup.analysis"
    _description = "Payment follow-ups: collection figures"

    # ------------------------------------------------------------------
    # Open amounts, today or on past dates
    # ------------------------------------------------------------------

    @api.model
    def _receivable_account_ids(self):
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM account_account WHERE account_type = 'asset_receivable'"
            )
        )
        return [row[0] for row in rows] or [0]

    @api.model
    def _residuals_query(
        self, company, dates=None, partner_ids=None, counted_only=False, due_from=False
    ):
        """One row per receivable line of ``company`` open on each date.

        Columns: at_date, line_id, move_id, account_id, partner_id (the commercial
        partner; NULL for a line without partner), due_date (due date, else invoice
        date, else accounting date), excluded, residual (company currency, as it was
        at the end of at_date).

        :param dates: the dates to rebuild the open amounts at; None: the open amounts
            of today (``amount_residual``, read from the addon's partial index on the
            open items), with at_date the company's today.
        :param partner_ids: commercial partners to restrict to (their contacts
            included); None: all lines, with or without partner.
        :param counted_only: only the lines that follow-ups count (not excluded).
        :param due_from: only the lines not yet due on at_date (what the current
            receivables need: far fewer rows on past dates).
        """
        receivable = SQL("%s", self._receivable_account_ids())
        filters = [SQL("aml.company_id = %s", company.id)]
        if counted_only:
            filters.append(SQL("aml.followup_excluded IS NOT TRUE"))
        partner_join = SQL("LEFT JOIN res_partner p ON p.id = aml.partner_id")
        if partner_ids is not None:
            partner_join = SQL("JOIN res_partner p ON p.id = aml.partner_id")
            filters.append(
                SQL("p.commercial_partner_id = ANY(%s)", list(partner_ids) or [0])
            )
        due_date = SQL(
            """COALESCE(aml.date_maturity,
                        (SELECT m.invoice_date FROM account_move m
                          WHERE m.id = aml.move_id),
                        aml.date)"""
        )
        where = SQL(" AND ").join(filters)
        if not dates:
            today = company._followup_today()
            not_due = SQL("AND %s >= %s::date", due_date, today) if due_from else SQL()
            return SQL(
                """
                SELECT %(today)s::date AS at_date,
                       aml.id AS line_id,
                       aml.move_id,
                       aml.account_id,
                       p.commercial_partner_id AS partner_id,
                       %(due_date)s AS due_date,
                       aml.followup_excluded IS TRUE AS excluded,
                       aml.amount_residual AS residual
                  FROM account_move_line aml
                  %(partner_join)s
                 WHERE aml.account_id = ANY(%(receivable)s)
                   AND %(open_line)s
                   AND %(where)s
                   %(not_due)s
                """,
                today=today,
                due_date=due_date,
                partner_join=partner_join,
                receivable=receivable,
                open_line=open_line_predicate("aml"),
                where=where,
                not_due=not_due,
            )
        dates = sorted(set(dates))
        not_due = SQL("AND l.due_date >= d.at_date") if due_from else SQL()
        return SQL(
            """
            WITH dates AS (
                SELECT unnest(%(dates)s::date[]) AS at_date
            ),
            later AS (
                -- the reconciliations after the earliest date, each line's side
                -- signed as it lowered its residual
                SELECT part.debit_move_id AS line_id, part.max_date, part.amount
                  FROM account_partial_reconcile part
                 WHERE part.max_date > %(first)s::date
                UNION ALL
                SELECT part.credit_move_id, part.max_date, -part.amount
                  FROM account_partial_reconcile part
                 WHERE part.max_date > %(first)s::date
            ),
            candidates AS (
                -- open today, or matched by a reconciliation after the earliest date
                SELECT aml.id
                  FROM account_move_line aml
                 WHERE aml.account_id = ANY(%(receivable)s)
                   AND %(open_line)s
                   AND aml.company_id = %(company)s
                   AND aml.date <= %(last)s::date
                UNION
                SELECT line_id FROM later
            ),
            lines AS (
                SELECT aml.id, aml.move_id, aml.account_id, aml.date,
                       p.commercial_partner_id AS partner_id,
                       %(due_date)s AS due_date,
                       aml.followup_excluded IS TRUE AS excluded,
                       aml.amount_residual
                  FROM candidates c
                  JOIN account_move_line aml ON aml.id = c.id
                  %(partner_join)s
                 WHERE aml.account_id = ANY(%(receivable)s)
                   AND aml.parent_state = 'posted'
                   AND aml.date <= %(last)s::date
                   AND %(where)s
            ),
            undone AS (
                -- per line and date: what the reconciliations after that date took
                SELECT d.at_date, later.line_id, SUM(later.amount) AS amount
                  FROM later
                  JOIN lines l ON l.id = later.line_id
                  JOIN dates d ON later.max_date > d.at_date
                   AND l.date <= d.at_date
                   %(not_due)s
              GROUP BY d.at_date, later.line_id
            )
            SELECT d.at_date,
                   l.id AS line_id,
                   l.move_id,
                   l.account_id,
                   l.partner_id,
                   l.due_date,
                   l.excluded,
                   l.amount_residual + COALESCE(u.amount, 0) AS residual
              FROM lines l
              JOIN dates d ON l.date <= d.at_date %(not_due)s
         LEFT JOIN undone u ON u.line_id = l.id AND u.at_date = d.at_date
             WHERE l.amount_residual + COALESCE(u.amount, 0) != 0
            """,
            dates=dates,
            first=dates[0],
            last=dates[-1],
            receivable=receivable,
            open_line=open_line_predicate("aml"),
            company=company.id,
            due_date=due_date,
            partner_join=partner_join,
            where=where,
            not_due=not_due,
        )

    @api.model
    def _aging_query(
        self,
        company,
        dates=None,
        partner_ids=None,
        by_partner=True,
        counted_only=False,
        due_from=False,
    ):
        """The aging buckets per date (and per commercial partner when
        ``by_partner``): columns at_date, [partner_id,] amount_<bucket> for each of
        AGING_BUCKETS, total (see ``_residuals_query`` for the parameters)."""
        if dates and not by_partner:
            # the totals on past dates (the figures): summed from indexes
            return self._aging_totals_query(
                company, dates, partner_ids, counted_only, due_from
            )
        residuals = self._residuals_query(
            company, dates, partner_ids, counted_only, due_from
        )
        columns = aging_columns_sql(SQL("r.residual"))
        group = [SQL("r.at_date")]
        if by_partner:
            group.append(SQL("r.partner_id"))
        group = SQL(", ").join(group)
        return SQL(
            "SELECT %(group)s, %(columns)s, SUM(r.residual) AS total "
            "FROM (%(residuals)s) r GROUP BY %(group)s",
            group=group,
            columns=columns,
            residuals=residuals,
        )

    @api.model
    def _aging(
        self,
        partner_ids=None,
        date=None,
        company=None,
        by_partner=True,
        counted_only=False,
    ):
        """The open amount by days past the due date, in one query for any number
        of customers.

        :param partner_ids: commercial partners; None: every receivable line.
        :param date: the date of the aging (the open amounts rebuilt as they were on
            that date); None: today, from today's open amounts.
        :param by_partner: ``{partner id: buckets}`` (a line without partner under
            ``False``); otherwise the buckets of all the lines together.
        :param counted_only: leave out the lines excluded from follow-ups (what the
            statement's totals count).
        :return: buckets ``{"current", "1_30", "31_60", "61_90", "90_plus",
            "total"}``, company currency. ``current`` is the open amount not yet
            due on the date.
        """
        company = company or self.env.company
        self._flush()
        query = self._aging_query(
            company,
            [fields.Date.to_date(date)] if date else None,
            partner_ids,
            by_partner,
            counted_only,
        )
        rows = self.env.execute_query_dict(query)
        currency = company.currency_id

        def buckets(row):
            values = {
                bucket: currency.round(row[f"amount_{bucket}"] or 0.0)
                for bucket in AGING_BUCKETS
            }
            values["total"] = currency.round(row["total"] or 0.0)
            return values

        if not by_partner:
            return (
                buckets(rows[0])
                if rows
                else dict.fromkeys((*AGING_BUCKETS, "total"), 0.0)
            )
        return {row["partner_id"] or False: buckets(row) for row in rows}

    @api.model
    def _join_aging(self, alias, fname, query, commercial_sql):
        """SQL expression of the aging field ``fname`` of res.partner (see
        ``res.partner._field_to_sql``): the partner's column of today's aging of
        the counted lines, joined on the commercial partner (``commercial_sql``)."""
        table = SQL(
            "(%s)",
            self._aging_query(self.env.company, None, None, True, True),
        )
        aging_alias = query.make_alias(alias, "followup_aging")
        query.add_join(
            "LEFT JOIN",
            aging_alias,
            table,
            SQL("%s = %s", SQL.identifier(aging_alias, "partner_id"), commercial_sql),
        )
        column = f"amount_{AGING_PARTNER_FIELDS[fname]}"
        return SQL("COALESCE(%s, 0)", SQL.identifier(aging_alias, column))
