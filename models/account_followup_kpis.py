# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .account_followup_analysis import AGING_BUCKETS
from .account_followup_analysis_totals import matched_line_predicate

# Days after a reminder within which a payment counts as its effect.
EFFECT_WINDOWS = (7, 30)


class AccountFollowupAnalysis(models.AbstractModel):
    """The figures of ``account.followup.analysis`` (DESIGN.md "Results"): DSO,
    best possible DSO, average days delinquent, CEI, the aging on a date and what
    each reminder achieved, per period, set based (the open amounts on past dates
    they rest on are in ``account_followup_analysis.py``)."""

    _inherit = "account.followup.analysis"

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
            WITH rem AS MATERIALIZED (
                SELECT r.id, r.date
                  FROM account_followup_reminder r
                 WHERE %(filters)s
            ),
            reminded AS MATERIALIZED (
                -- the lines of each reminder, their balance read from the index of
                -- the matched lines
                SELECT rem.id AS reminder_id, rem.date AS rdate,
                       rel.line_id, aml.id AS found, aml.balance
                  FROM rem
                  JOIN account_followup_reminder_line_rel rel
                    ON rel.reminder_id = rem.id
             LEFT JOIN account_move_line aml
                    ON aml.id = rel.line_id AND %(matched_line)s
            ),
            rl AS (
                SELECT reminder_id, rdate, line_id, balance
                  FROM reminded
                 WHERE found IS NOT NULL
                UNION ALL
                -- a line neither reconciled nor with a residual: from the table
                SELECT r.reminder_id, r.rdate, r.line_id, aml.balance
                  FROM reminded r
                  JOIN account_move_line aml ON aml.id = r.line_id
                 WHERE r.found IS NULL
            ),
            matched AS MATERIALIZED (
                -- each side of the reconciliations of the lines reminded; the
                -- lines read again from the tables, where PostgreSQL knows how
                -- many there are (one read of the reconciliations for many lines,
                -- a lookup per line for a few)
                SELECT s.line_id, s.max_date, s.amount
                  FROM (
                        SELECT part.debit_move_id AS line_id, part.max_date,
                               part.amount
                          FROM account_partial_reconcile part
                        UNION ALL
                        SELECT part.credit_move_id, part.max_date, -part.amount
                          FROM account_partial_reconcile part
                       ) s
                 WHERE s.line_id IN (
                        SELECT rel.line_id
                          FROM account_followup_reminder_line_rel rel
                          JOIN account_followup_reminder r
                            ON r.id = rel.reminder_id
                         WHERE %(filters)s
                       )
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
            -- from the table, not from rem: PostgreSQL then knows there is one
            -- row per reminder (the queries that join it to the reminders rest on
            -- that estimate)
            SELECT r.id AS reminder_id,
                   COALESCE(SUM(pl.residual) FILTER (WHERE pl.residual > 0), 0)
                       AS reminded,
                   %(paid_totals)s
              FROM account_followup_reminder r
         LEFT JOIN per_line pl ON pl.reminder_id = r.id
             WHERE %(filters)s
          GROUP BY r.id
            """,
            filters=SQL(" AND ").join(filters),
            matched_line=matched_line_predicate("aml"),
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
        # the rebuild of past open amounts reads hundreds of thousands of lines on
        # a large database: compiling it (PostgreSQL's JIT) costs more than running
        # it (one month of L: 4.1-4.9 s with JIT, 3.0-3.3 s without)
        with self.env["account.followup.status"]._without_jit():
            balances = self._receivables_at(company, starts + ends)
            sales = self._sales(company, periods)
            if aging:
                agings = [
                    self._aging(date=end, company=company, by_partner=False)
                    for end in ends
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
        # summed per day first (from account_move_followup_sales_idx), then per
        # period: the entries are read once, not once per period
        rows = self.env.execute_query(
            SQL(
                """WITH per_day AS (
                       SELECT m.date, SUM(m.amount_total_signed) AS amount
                         FROM account_move m
                        WHERE m.company_id = %(company)s
                          AND m.date BETWEEN %(first)s AND %(last)s
                          AND m.state = 'posted'
                          AND m.move_type IN ('out_invoice', 'out_refund')
                     GROUP BY m.date
                   )
                   SELECT p.idx, COALESCE(SUM(d.amount), 0)
                     FROM unnest(%(starts)s::date[], %(ends)s::date[])
                          WITH ORDINALITY AS p(date_from, date_to, idx)
                     JOIN per_day d
                       ON d.date BETWEEN p.date_from AND p.date_to
                 GROUP BY p.idx""",
                starts=[start for start, _end in periods],
                ends=[end for _start, end in periods],
                first=min(start for start, _end in periods),
                last=max(end for _start, end in periods),
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
