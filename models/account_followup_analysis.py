# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
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
# Days after a reminder within which a payment counts as its effect.
EFFECT_WINDOWS = (7, 30)


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
        residuals = self._residuals_query(
            company, dates, partner_ids, counted_only, due_from
        )
        days = SQL("(r.at_date - r.due_date)")
        buckets = {
            "current": SQL("%s <= 0", days),
            "1_30": SQL("%s BETWEEN 1 AND 30", days),
            "31_60": SQL("%s BETWEEN 31 AND 60", days),
            "61_90": SQL("%s BETWEEN 61 AND 90", days),
            "90_plus": SQL("%s > 90", days),
        }
        columns = SQL(", ").join(
            SQL(
                "COALESCE(SUM(r.residual) FILTER (WHERE %s), 0) AS %s",
                buckets[bucket],
                SQL.identifier(f"amount_{bucket}"),
            )
            for bucket in AGING_BUCKETS
        )
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

    # ------------------------------------------------------------------
    # What each reminder achieved
    # ------------------------------------------------------------------

    @api.model
    def _reminder_effect_query(self, company_ids, date_from=None, date_to=None):
        """One row per reminder of ``company_ids`` dated in the period (all when no
        dates): reminder_id, reminded, paid_7, paid_30 (company currency).

        - ``reminded``: the amount the reminder asked for, that is, over the
          journal items it covered (its statement), the open amount on the reminder
          date of those still owed that day (open amount > 0); credit notes and
          payments not yet matched are not deducted.
        - ``paid_7`` / ``paid_30``: the part of it settled (by payments, credit
          notes, any reconciliation) dated from the day after the reminder up to 7 /
          30 days after it, at most the line's open amount.

        Rebuilt from the reconciliations' dates like the open amounts: a
        reconciliation dated on or before the reminder day came before it. The
        30 days of a reminder are counted in full even when they reach beyond the
        end of the period: the effect of the reminders of a period settles 30 days
        after it.
        """
        filters = [SQL("r.company_id = ANY(%s)", list(company_ids) or [0])]
        if date_from:
            filters.append(SQL("r.date >= %s", date_from))
        if date_to:
            filters.append(SQL("r.date <= %s", date_to))
        paid = SQL(", ").join(
            SQL(
                """COALESCE(SUM(m.amount) FILTER (
                       WHERE m.max_date > rl.rdate
                         AND m.max_date <= rl.rdate + %s
                   ), 0) AS %s""",
                days,
                SQL.identifier(f"paid_{days}"),
            )
            for days in EFFECT_WINDOWS
        )
        paid_totals = SQL(", ").join(
            SQL(
                """COALESCE(SUM(GREATEST(LEAST(pl.%s, pl.residual), 0))
                       FILTER (WHERE pl.residual > 0), 0) AS %s""",
                SQL.identifier(f"paid_{days}"),
                SQL.identifier(f"paid_{days}"),
            )
            for days in EFFECT_WINDOWS
        )
        return SQL(
            """
            WITH rem AS (
                SELECT r.id, r.date
                  FROM account_followup_reminder r
                 WHERE %(filters)s
            ),
            rl AS (
                SELECT rem.id AS reminder_id, rem.date AS rdate,
                       aml.id AS line_id, aml.balance
                  FROM rem
                  JOIN account_followup_reminder_line_rel rel
                    ON rel.reminder_id = rem.id
                  JOIN account_move_line aml ON aml.id = rel.line_id
            ),
            matched AS (
                SELECT part.debit_move_id AS line_id, part.max_date, part.amount
                  FROM account_partial_reconcile part
                 WHERE part.debit_move_id IN (SELECT line_id FROM rl)
                UNION ALL
                SELECT part.credit_move_id, part.max_date, -part.amount
                  FROM account_partial_reconcile part
                 WHERE part.credit_move_id IN (SELECT line_id FROM rl)
            ),
            per_line AS (
                SELECT rl.reminder_id,
                       rl.balance - COALESCE(
                           SUM(m.amount) FILTER (WHERE m.max_date <= rl.rdate), 0
                       ) AS residual,
                       %(paid)s
                  FROM rl
             LEFT JOIN matched m ON m.line_id = rl.line_id
              GROUP BY rl.reminder_id, rl.line_id, rl.balance
            )
            SELECT rem.id AS reminder_id,
                   COALESCE(SUM(pl.residual) FILTER (WHERE pl.residual > 0), 0)
                       AS reminded,
                   %(paid_totals)s
              FROM rem
         LEFT JOIN per_line pl ON pl.reminder_id = rem.id
          GROUP BY rem.id
            """,
            filters=SQL(" AND ").join(filters),
            paid=paid,
            paid_totals=paid_totals,
        )

    # ------------------------------------------------------------------
    # The figures
    # ------------------------------------------------------------------

    @api.model
    def _check_period(self, date_from, date_to):
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to)
        if not date_from or not date_to:
            raise UserError(
                self.env._("Choose the first and the last day of the period.")
            )
        if date_from > date_to:
            raise UserError(
                self.env._(
                    "The period starts on %(start)s, after its end (%(end)s): "
                    "choose a start on or before the end.",
                    start=fields.Date.to_string(date_from),
                    end=fields.Date.to_string(date_to),
                )
            )
        return date_from, date_to

    @api.model
    def _kpis(self, company, date_from, date_to):
        """The figures of DESIGN.md "Results — collection figures" for one period
        (see ``res.company._followup_kpis``)."""
        date_from, date_to = self._check_period(date_from, date_to)
        figures = self._kpis_series(company, [(date_from, date_to)], aging=True)[0]
        return {
            "receivables": figures["receivables"],
            "sales": figures["sales"],
            "days": figures["days"],
            "dso": figures["dso"],
            "best_possible_dso": figures["best_possible_dso"],
            "average_days_delinquent": figures["average_days_delinquent"],
            "cei": figures["cei"],
            "aging": {bucket: figures["aging"][bucket] for bucket in AGING_BUCKETS},
            "by_level": {
                level_id: {
                    "reminded": values["reminded"],
                    "paid_within_30": values["paid_within_30"],
                }
                for level_id, values in figures["by_level"].items()
            },
        }

    @api.model
    def _kpis_series(self, company, periods, aging=False):
        """The figures of several periods in a handful of queries (the trend): a list
        of dicts, one per ``(date_from, date_to)`` of ``periods``, in that order.

        Each dict holds the figures of ``_kpis`` plus receivables_start (the
        receivables at the end of the day before the period), current_receivables
        (open amount not yet due on date_to), collected (receivables_start + sales -
        receivables) and, in by_level, paid_within_7. ``aging`` adds the aging
        buckets on date_to (one more query per period).
        """
        periods = [self._check_period(start, end) for start, end in periods]
        if not periods:
            return []
        self._flush()
        currency = company.currency_id
        ends = [end for _start, end in periods]
        starts = [start - timedelta(days=1) for start, _end in periods]
        balances = self._receivables_at(company, starts + ends)
        sales = self._sales(company, periods)
        if aging:
            agings = [
                self._aging(date=end, company=company, by_partner=False) for end in ends
            ]
            current = {
                end: aging_row["current"]
                for end, aging_row in zip(ends, agings, strict=True)
            }
        else:
            agings = [None] * len(periods)
            current = self._current_receivables(company, ends)
        by_level = self._by_level(company, periods)
        result = []
        for index, (start, end) in enumerate(periods):
            days = (end - start).days + 1
            receivables = balances[end]
            receivables_start = balances[start - timedelta(days=1)]
            period_sales = sales[index]
            current_end = current.get(end, 0.0)
            dso = receivables / period_sales * days if period_sales else 0.0
            best = current_end / period_sales * days if period_sales else 0.0
            collectable = receivables_start + period_sales - current_end
            collected = receivables_start + period_sales - receivables
            cei = (
                collected / collectable * 100
                if not currency.is_zero(collectable)
                else 0.0
            )
            figures = {
                "date_from": start,
                "date_to": end,
                "receivables": receivables,
                "receivables_start": receivables_start,
                "sales": period_sales,
                "days": days,
                "dso": dso,
                "best_possible_dso": best,
                "average_days_delinquent": dso - best,
                "cei": cei,
                "current_receivables": current_end,
                "collected": currency.round(collected),
                "by_level": by_level[index],
            }
            if agings[index] is not None:
                figures["aging"] = agings[index]
            result.append(figures)
        return result

    @api.model
    def _receivables_at(self, company, dates):
        """{date: Σ balance of the receivable lines of posted entries dated on or
        before it}, company currency, in one read of the receivable lines (summed
        per accounting date by PostgreSQL, then accumulated)."""
        dates = sorted(set(dates))
        rows = self.env.execute_query(
            SQL(
                """SELECT aml.date, SUM(aml.balance)
                     FROM account_move_line aml
                    WHERE aml.account_id = ANY(%(receivable)s)
                      AND aml.company_id = %(company)s
                      AND aml.parent_state = 'posted'
                      AND aml.date <= %(last)s
                 GROUP BY aml.date
                 ORDER BY aml.date""",
                receivable=self._receivable_account_ids(),
                company=company.id,
                last=dates[-1],
            )
        )
        currency = company.currency_id
        result = {}
        total = 0.0
        index = 0
        for date in dates:
            while index < len(rows) and rows[index][0] <= date:
                total += rows[index][1] or 0.0
                index += 1
            result[date] = currency.round(total)
        return result

    @api.model
    def _sales(self, company, periods):
        """[Σ of the posted customer invoices minus credit notes dated (accounting
        date) in each period], company currency, tax included (what the receivables
        hold)."""
        rows = self.env.execute_query(
            SQL(
                """SELECT p.idx, COALESCE(SUM(m.amount_total_signed), 0)
                     FROM unnest(%(starts)s::date[], %(ends)s::date[])
                          WITH ORDINALITY AS p(date_from, date_to, idx)
                     JOIN account_move m
                       ON m.date BETWEEN p.date_from AND p.date_to
                    WHERE m.company_id = %(company)s
                      AND m.state = 'posted'
                      AND m.move_type IN ('out_invoice', 'out_refund')
                 GROUP BY p.idx""",
                starts=[start for start, _end in periods],
                ends=[end for _start, end in periods],
                company=company.id,
            )
        )
        by_index = dict(rows)
        currency = company.currency_id
        return [
            currency.round(by_index.get(idx + 1) or 0.0) for idx in range(len(periods))
        ]

    @api.model
    def _current_receivables(self, company, dates):
        """{date: open amount not yet due on that date} in one query."""
        rows = self.env.execute_query_dict(
            self._aging_query(company, dates, by_partner=False, due_from=True)
        )
        currency = company.currency_id
        return {
            row["at_date"]: currency.round(row["amount_current"] or 0.0) for row in rows
        }

    @api.model
    def _by_level(self, company, periods):
        """[{level id: {reminded, paid_within_7, paid_within_30}}] per period: the
        level executions of the period (reminders that are not a single action
        from the statement: a single action does not execute the level, and the
        level's execution that follows, "Done" included, is its own reminder)."""
        date_from = min(start for start, _end in periods)
        date_to = max(end for _start, end in periods)
        effect = self._reminder_effect_query(company.ids, date_from, date_to)
        rows = self.env.execute_query(
            SQL(
                """SELECT p.idx, r.level_id,
                          SUM(e.reminded), SUM(e.paid_7), SUM(e.paid_30)
                     FROM (%(effect)s) e
                     JOIN account_followup_reminder r ON r.id = e.reminder_id
                     JOIN unnest(%(starts)s::date[], %(ends)s::date[])
                          WITH ORDINALITY AS p(date_from, date_to, idx)
                       ON r.date BETWEEN p.date_from AND p.date_to
                    WHERE r.partial IS NOT TRUE
                 GROUP BY p.idx, r.level_id""",
                effect=effect,
                starts=[start for start, _end in periods],
                ends=[end for _start, end in periods],
            )
        )
        currency = company.currency_id
        levels = (
            self.env["account.followup.level"]
            .with_context(active_test=False)
            .search([("company_id", "=", company.id)])
        )
        # every active level of the plan, reminded or not
        result = [
            {
                level.id: {"reminded": 0.0, "paid_within_7": 0.0, "paid_within_30": 0.0}
                for level in levels
                if level.active
            }
            for _period in periods
        ]
        for idx, level_id, reminded, paid_7, paid_30 in rows:
            result[idx - 1][level_id] = {
                "reminded": currency.round(reminded or 0.0),
                "paid_within_7": currency.round(paid_7 or 0.0),
                "paid_within_30": currency.round(paid_30 or 0.0),
            }
        return result

    @api.model
    def _last_months(self, date, count=12):
        """The ``count`` calendar months up to the month of ``date`` (included),
        oldest first: [(first day, last day)]."""
        first = fields.Date.to_date(date).replace(day=1)
        months = []
        for _i in range(count):
            last = (first.replace(day=28) + timedelta(days=4)).replace(
                day=1
            ) - timedelta(days=1)
            months.append((first, last))
            first = (first - timedelta(days=1)).replace(day=1)
        return months[::-1]

    @api.model
    def _flush(self):
        """Write to the database what the queries read."""
        self.env["account.followup.status"]._flush()
        self.env["account.move.line"].flush_model(["balance"])
        self.env["account.partial.reconcile"].flush_model(
            ["amount", "credit_move_id", "debit_move_id", "max_date"]
        )
        self.env["account.move"].flush_model(
            ["amount_total_signed", "company_id", "date", "move_type", "state"]
        )
        self.env["account.followup.reminder"].flush_model(
            ["company_id", "date", "level_id", "line_ids", "partial"]
        )
