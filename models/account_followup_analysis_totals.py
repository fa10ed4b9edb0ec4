# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL

from .account_followup_analysis import aging_columns_sql
from .account_followup_status import open_line_predicate


def matched_line_predicate(alias=None):
    """The posted lines that are or were matched, or still have something to match:
    reconciled, or with a residual (receivable, payable and liquidity lines).

    The predicate of the partial index ``account_move_line_followup_matched_idx``
    (``account.move.line.init``), spelt here once for the index and for the queries
    that read it: PostgreSQL reads a partial index only for a WHERE clause that
    implies its predicate, which it proves by matching the clauses as written. The
    open items (``open_line_predicate``) are among them (``amount_residual != 0``).
    """

    def column(name):
        return SQL.identifier(alias, name) if alias else SQL.identifier(name)

    return SQL(
        "%s = 'posted' AND (%s IS TRUE OR %s != 0)",
        column("parent_state"),
        column("reconciled"),
        column("amount_residual"),
    )


class AccountFollowupAnalysis(models.AbstractModel):
    """The open amounts of all the lines together on past dates, summed without
    rebuilding the open amount of each line (the aging of the figures)."""

    _inherit = "account.followup.analysis"

    @api.model
    def _aging_totals_query(
        self, company, dates, partner_ids=None, counted_only=False, due_from=False
    ):
        """The aging buckets of all the lines together on each of ``dates``: what
        ``_aging_query`` gives without ``by_partner`` (columns at_date,
        amount_<bucket> for each of AGING_BUCKETS, total), in one read of the
        candidate lines from indexes.

        The open amount of a line on date d is its residual of today plus what the
        reconciliations after d took from it (``_residuals_query``); the buckets
        being sums, the two parts are summed separately, each in the bucket of the
        line on d, instead of rebuilding each line's open amount:

        - ``owed``: the lines open today (the addon's index of the open items), and
          the reconciled lines that still have a residual, once each, with their
          residual of today;
        - ``undone``: each reconciliation dated after the earliest date, once per
          side, with the amount it took from that side's line (the line's columns
          read from ``account_move_line_followup_matched_idx``; a side whose line
          is not in that index, a line with neither residual nor reconciled flag,
          is read from the table).

        A line counts on d when it is dated on or before d (and, with
        ``due_from``, not yet due on d); a reconciliation counts on d when it is
        dated after d. The lines and dates are those of ``_residuals_query``; a
        line without residual of today (NULL) counts nowhere, as there.
        """
        dates = sorted(set(dates))
        receivable = SQL("%s", self._receivable_account_ids())

        # the lines of _residuals_query (the table alias is aml everywhere)
        filters = [
            SQL("aml.account_id = ANY(%s)", receivable),
            SQL("aml.company_id = %s", company.id),
            SQL("aml.date <= %s::date", dates[-1]),
        ]
        if counted_only:
            filters.append(SQL("aml.followup_excluded IS NOT TRUE"))
        if partner_ids is not None:
            filters.append(
                SQL(
                    """aml.partner_id IN (
                           SELECT p.id FROM res_partner p
                            WHERE p.commercial_partner_id = ANY(%s))""",
                    list(partner_ids) or [0],
                )
            )

        def on_dates(source, later=False):
            """``source`` rows (date, due_date, amount[, max_date]) on each date
            they count on."""
            conditions = [SQL("o.date <= d.at_date")]
            if due_from:
                conditions.append(SQL("o.due_date >= d.at_date"))
            if later:
                conditions.append(SQL("o.max_date > d.at_date"))
            return SQL(
                """SELECT d.at_date, o.due_date, o.amount
                     FROM %(source)s o
                     JOIN unnest(%(dates)s::date[]) AS d(at_date)
                       ON %(conditions)s""",
                source=source,
                dates=dates,
                conditions=SQL(" AND ").join(conditions),
            )

        columns = aging_columns_sql(SQL("r.amount"))
        return SQL(
            """
            WITH sides AS MATERIALIZED (
                -- the reconciliations after the earliest date, each line's side
                -- signed as it lowered its residual, with the columns of its line
                SELECT s.line_id, s.max_date, s.amount,
                       aml.id AS found, aml.date, %(due_date)s AS due_date,
                       aml.reconciled, aml.amount_residual,
                       %(counted)s AS counted
                  FROM (
                        SELECT part.debit_move_id AS line_id, part.max_date,
                               part.amount
                          FROM account_partial_reconcile part
                         WHERE part.max_date > %(first)s::date
                        UNION ALL
                        SELECT part.credit_move_id, part.max_date, -part.amount
                          FROM account_partial_reconcile part
                         WHERE part.max_date > %(first)s::date
                       ) s
             LEFT JOIN account_move_line aml
                    ON aml.id = s.line_id AND %(matched)s
            ),
            unindexed AS MATERIALIZED (
                -- the sides whose line is not in the index (neither residual nor
                -- reconciled flag): read from the table
                SELECT s.max_date, s.amount, aml.date,
                       %(due_date)s AS due_date, aml.amount_residual
                  FROM sides s
                  JOIN account_move_line aml ON aml.id = s.line_id
                 WHERE s.found IS NULL
                   AND aml.parent_state = 'posted'
                   AND %(counted)s
            ),
            owed AS (
                SELECT aml.date, %(due_date)s AS due_date,
                       aml.amount_residual AS amount
                  FROM account_move_line aml
                 WHERE %(open_line)s
                   AND %(counted)s
                UNION ALL
                SELECT DISTINCT ON (s.line_id) s.date, s.due_date,
                       s.amount_residual
                  FROM sides s
                 WHERE s.counted
                   AND s.reconciled IS TRUE
                   AND s.amount_residual != 0
            ),
            undone AS (
                SELECT s.date, s.due_date, s.amount, s.max_date
                  FROM sides s
                 WHERE s.counted AND s.amount_residual IS NOT NULL
                UNION ALL
                SELECT u.date, u.due_date, u.amount, u.max_date
                  FROM unindexed u
                 WHERE u.amount_residual IS NOT NULL
            )
            SELECT r.at_date, %(columns)s, SUM(r.amount) AS total
              FROM (%(owed)s UNION ALL %(undone)s) r
          GROUP BY r.at_date
            """,
            # as in _residuals_query: the entry is read for a line without due date
            due_date=SQL(
                """COALESCE(aml.date_maturity,
                            (SELECT m.invoice_date FROM account_move m
                              WHERE m.id = aml.move_id),
                            aml.date)"""
            ),
            counted=SQL(" AND ").join(filters),
            first=dates[0],
            matched=matched_line_predicate("aml"),
            open_line=open_line_predicate("aml"),
            columns=columns,
            owed=on_dates(SQL("owed")),
            undone=on_dates(SQL("undone"), later=True),
        )
