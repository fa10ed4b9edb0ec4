# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

# Above this number of partners, the status query is planned for a large part of
# the open items: literal receivable accounts, no JIT compilation (see
# ``_lines_query`` and ``_without_jit``).
FOLLOWUP_MANY_PARTNERS = 1000

# Computed follow-up fields of res.partner and their column in the status query:
# what makes them groupable, sortable and summable (see ``_join_figure``).
FOLLOWUP_SQL_COLUMNS = {
    "followup_status": "status",
    "followup_level_id": "level_id",
    "followup_total_due": "total_due",
    "followup_total_overdue": "total_overdue",
}
FOLLOWUP_COMPUTED_FIELDS = list(FOLLOWUP_SQL_COLUMNS)


def open_line_predicate(alias=None):
    """The open items: posted, unreconciled, with something left to pay (columns of
    the table alias ``alias``, unqualified without one).

    The one definition of the rule, shared by the status query and the predicate of
    the partial index ``account_move_line_followup_open_idx``
    (``account.move.line.init``): PostgreSQL uses a partial index only for a query
    whose WHERE clause implies its predicate, and proves it by matching the clauses
    as written. The three-way test on ``reconciled`` is account's own predicate of
    its unreconciled index, kept as is so that both indexes serve the same queries.
    """

    def column(name):
        return SQL.identifier(alias, name) if alias else SQL.identifier(name)

    reconciled = column("reconciled")
    return SQL(
        "(%s IS NULL OR %s = false OR %s IS NOT true) AND %s = 'posted' AND %s != 0",
        reconciled,
        reconciled,
        reconciled,
        column("parent_state"),
        column("amount_residual"),
    )


class AccountFollowupStatus(models.AbstractModel):
    """What is due: which lines count, the level each reached, and the status and
    figures of any number of partners, in one query.

    The rule of DESIGN.md: a line counts when it is a receivable line of a posted
    entry, not reconciled, with a residual, not excluded. Its reference date is the
    expected payment date, else the due date, else the invoice date. It reaches the
    highest level whose delay is at most today - reference date. A partner is in need
    of action when a line reached a level higher than the one already applied to it
    and its next action date is empty or past.
    """

    _name = "account.followup.status"
    _description = "Payment follow-ups: what is due"

    # ------------------------------------------------------------------
    # The queries
    # ------------------------------------------------------------------

    @api.model
    def _lines_query(self, company, today, partner_ids=None):
        """One row per counted receivable line of ``company``.

        Columns: line_id, move_id, partner_id (the commercial partner), residual
        (company currency), ref_date, applied_delay (delay of the level already
        applied), reached_id / reached_delay (the highest level the line reached;
        only for lines with something to pay), escalate (a broken promise makes
        the line reach at least the level after the one applied).

        The customer's answers: the lines of an invoice in an open dispute are left
        out like excluded lines; a line under an open promise still holding (dated
        today or later) is dated at the promise and reaches no level, not even one
        before the due date; a line of a broken promise not escalated yet reaches
        the higher of its own level and the level of the plan that follows the one
        applied to it (see ``_promised_query``).

        Written for the planner, on databases with millions of journal items:

        - for many partners, the receivable accounts are given as literal ids (a
          sub-select hides them from the planner, which then scans the whole
          table); for a few, the sub-select saves a query;
        - the WHERE clause implies the predicate of the partial index (see
          ``open_line_predicate``), which holds the columns read here: an
          index-only scan;
        - the invoice date is looked up only for the rare line without a due date,
          rather than joining every line to its entry;
        - the level reached is a join on the delay ranges of the levels, not a
          sub-query per line;
        - the open disputes are read once and hashed (``NOT IN`` a sub-select),
          the promises are a hash join with the few lines promised (read from the
          promises), and they act on the join of the levels rather than on its
          result: the columns the totals read stay plain columns.

        Run the query of many partners within ``_without_jit``.
        """
        receivable = SQL(
            "SELECT id FROM account_account WHERE account_type = 'asset_receivable'"
        )
        if partner_ids is None or len(partner_ids) > FOLLOWUP_MANY_PARTNERS:
            receivable = SQL(
                "%s", [row[0] for row in self.env.execute_query(receivable)] or [0]
            )
        partner_filter = SQL()
        if partner_ids is not None:
            partner_filter = SQL(
                "AND p.commercial_partner_id = ANY(%s)", list(partner_ids)
            )
        return SQL(
            """
            SELECT l.id AS line_id,
                   l.move_id,
                   p.commercial_partner_id AS partner_id,
                   l.amount_residual AS residual,
                   -- a promise holding the line: as if it were expected then
                   COALESCE(promised.promise_date, l.ref_date) AS ref_date,
                   applied.delay AS applied_delay,
                   reached.id AS reached_id,
                   reached.delay AS reached_delay,
                   (reached.id IS NOT NULL
                    AND promised.escalate_delay IS NOT NULL) AS escalate
              FROM (
                    SELECT aml.id, aml.move_id, aml.partner_id, aml.amount_residual,
                           aml.followup_level_id,
                           COALESCE(aml.followup_expected_date, aml.date_maturity,
                                    (SELECT m.invoice_date FROM account_move m
                                      WHERE m.id = aml.move_id),
                                    aml.date) AS ref_date
                      FROM account_move_line aml
                     WHERE aml.account_id = ANY(%(receivable)s)
                       AND %(open_line)s
                       AND aml.company_id = %(company)s
                       AND aml.followup_excluded IS NOT TRUE
                       AND aml.partner_id IS NOT NULL
                       -- an invoice in dispute is out of the follow-ups (the
                       -- open disputes are read once, then hashed)
                       AND aml.move_id NOT IN (
                            SELECT d.move_id FROM account_followup_dispute d
                             WHERE d.state = 'open'
                       )
                   ) l
              JOIN res_partner p ON p.id = l.partner_id
         LEFT JOIN account_followup_level applied ON applied.id = l.followup_level_id
         LEFT JOIN (%(promised)s) promised ON promised.line_id = l.id
         LEFT JOIN (
                    -- each active level and the delay of the next one
                    SELECT lvl.id, lvl.delay,
                           LEAD(lvl.delay) OVER (ORDER BY lvl.delay) AS next_delay
                      FROM account_followup_level lvl
                     WHERE lvl.company_id = %(company)s
                       AND lvl.active
                   ) reached ON l.amount_residual > 0
                   -- held by a promise: no level at all; escalated by a broken
                   -- one: at least the level after the one applied
                   AND promised.promise_date IS NULL
                   AND reached.delay <= GREATEST(%(today)s::date - l.ref_date,
                                                 promised.escalate_delay)
                   AND (reached.next_delay IS NULL
                        OR reached.next_delay > GREATEST(%(today)s::date - l.ref_date,
                                                         promised.escalate_delay))
             WHERE TRUE %(partner_filter)s
            """,
            receivable=receivable,
            open_line=open_line_predicate("aml"),
            company=company.id,
            today=today,
            partner_filter=partner_filter,
            promised=self._promised_query(company, today),
        )

    @api.model
    def _promised_query(self, company, today):
        """One row per line of ``company`` under a promise to pay that holds it
        back or escalates it (few rows: read through the promises, never through
        the open items).

        Columns: line_id, promise_date (the latest date of its open promises still
        holding, i.e. dated today or later: the line is not followed up until
        then), escalate_id / escalate_delay (a broken promise not escalated yet:
        the level of the plan that follows the one already applied to the line,
        which the line reaches at once).
        """
        return SQL(
            """
            SELECT pl.line_id, pl.promise_date, nxt.id AS escalate_id,
                   nxt.delay AS escalate_delay
              FROM (
                    SELECT rel.line_id,
                           MAX(pr.date) FILTER (
                               WHERE pr.state = 'open' AND pr.date >= %(today)s::date
                           ) AS promise_date,
                           BOOL_OR(pr.state = 'broken') AS escalate
                      FROM account_followup_promise pr
                      JOIN account_followup_promise_line_rel rel
                        ON rel.promise_id = pr.id
                     WHERE pr.company_id = %(company)s
                       AND (pr.state = 'open'
                            OR (pr.state = 'broken' AND pr.escalation_pending))
                  GROUP BY rel.line_id
                   ) pl
         LEFT JOIN LATERAL (
                    -- only for a broken promise (a one-time filter): the level
                    -- after the one applied to the line
                    SELECT lvl.id, lvl.delay
                      FROM account_followup_level lvl
                     WHERE pl.escalate
                       AND lvl.company_id = %(company)s
                       AND lvl.active
                       AND lvl.delay > COALESCE(
                               (SELECT ap.delay
                                  FROM account_move_line pml
                                  JOIN account_followup_level ap
                                    ON ap.id = pml.followup_level_id
                                 WHERE pml.id = pl.line_id),
                               -2147483648)
                  ORDER BY lvl.delay
                     LIMIT 1
                   ) nxt ON TRUE
             WHERE pl.promise_date IS NOT NULL OR nxt.id IS NOT NULL
            """,
            company=company.id,
            today=today,
        )

    @api.model
    def _status_query(self, company, today, partner_ids=None):
        """One row per commercial partner having counted lines in ``company``:
        partner_id, total_due, total_overdue, pending_delay (the highest level reached
        by a line and not yet applied to it), level_id (the level of that delay),
        status."""
        lines = self._lines_query(company, today, partner_ids)
        return SQL(
            """
            WITH lines AS (%(lines)s),
            totals AS (
                SELECT partner_id,
                       SUM(residual) AS total_due,
                       -- credit notes and payments not yet matched pay the overdue
                       -- amount first
                       SUM(residual) FILTER (
                           WHERE residual < 0 OR ref_date < %(today)s::date
                       ) AS overdue_raw,
                       MAX(reached_delay) FILTER (
                           WHERE reached_delay IS NOT NULL
                             AND (applied_delay IS NULL
                                  OR reached_delay > applied_delay)
                       ) AS pending_delay,
                       BOOL_OR(escalate) AS escalate
                  FROM lines
              GROUP BY partner_id
            )
            SELECT t.partner_id,
                   t.total_due,
                   GREATEST(LEAST(COALESCE(t.overdue_raw, 0), t.total_due), 0)
                       AS total_overdue,
                   t.pending_delay,
                   lvl.id AS level_id,
                   CASE
                       WHEN t.pending_delay IS NOT NULL
                        AND (
                            (t.pending_delay > 0
                             AND LEAST(COALESCE(t.overdue_raw, 0), t.total_due) > 0)
                            OR ((t.pending_delay <= 0 OR t.escalate)
                                AND t.total_due > 0)
                        )
                        AND COALESCE(
                                (p.followup_next_action_date ->> %(company_key)s)::date,
                                %(today)s::date
                            ) <= %(today)s::date
                       THEN 'in_need_of_action'
                       WHEN LEAST(COALESCE(t.overdue_raw, 0), t.total_due) > 0
                       THEN 'with_overdue_invoices'
                       ELSE 'no_action_needed'
                   END AS status
              FROM totals t
              JOIN res_partner p ON p.id = t.partner_id
         LEFT JOIN account_followup_level lvl
                ON lvl.company_id = %(company)s
               AND lvl.delay = t.pending_delay
               AND lvl.active
            """,
            lines=lines,
            today=today,
            company=company.id,
            company_key=str(company.id),
        )

    @api.model
    def _get_data(self, partner_ids=None, company=None):
        """Status data for the given commercial partners (all when None), in one
        query whatever their number: {partner_id: {...}}."""
        company = company or self.env.company
        today = company._followup_today()
        self._flush()
        query = self._status_query(company, today, partner_ids)
        if partner_ids is None or len(partner_ids) > FOLLOWUP_MANY_PARTNERS:
            with self._without_jit():
                rows = self.env.execute_query_dict(query)
        else:
            rows = self.env.execute_query_dict(query)
        for row in rows:
            row["level_id"] = row["level_id"] or False
        return {row["partner_id"]: row for row in rows}

    @api.model
    def _get_lines(self, partner, company=None):
        """The rows of ``_lines_query`` for one commercial partner."""
        company = company or self.env.company
        self._flush()
        return self.env.execute_query_dict(
            self._lines_query(company, company._followup_today(), partner.ids)
        )

    @contextmanager
    def _without_jit(self):
        """Run the status of many partners without PostgreSQL's JIT compilation.

        The status of all the customers of a large database reads a few hundred
        thousand open items in well under a second, but its estimated cost is above
        ``jit_above_cost``: PostgreSQL would then spend 0.3-0.5 s compiling it, more
        than running it. ``SET LOCAL``-like: the setting comes back afterwards, and
        with the transaction (or savepoint) if the query fails.
        """
        cr = self.env.cr
        cr.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        previous = cr.fetchone()[0]
        try:
            yield
        finally:
            if not cr.closed:
                cr.execute("SELECT set_config('jit', %s, true)", [previous])

    @api.model
    def _flush(self):
        """Write to the database what the queries read."""
        self.env["account.move.line"].flush_model(
            [
                "account_id",
                "amount_residual",
                "company_id",
                "date",
                "date_maturity",
                "followup_excluded",
                "followup_expected_date",
                "followup_level_id",
                "move_id",
                "parent_state",
                "partner_id",
                "reconciled",
            ]
        )
        self.env["account.move"].flush_model(["invoice_date"])
        self.env["account.account"].flush_model(["account_type"])
        self.env["account.followup.level"].flush_model(
            ["active", "company_id", "delay"]
        )
        self.env["res.partner"].flush_model(
            ["commercial_partner_id", "followup_next_action_date"]
        )
        self.env["account.followup.promise"].flush_model(
            ["company_id", "date", "escalation_pending", "line_ids", "state"]
        )
        self.env["account.followup.dispute"].flush_model(["move_id", "state"])

    # ------------------------------------------------------------------
    # After a level is executed
    # ------------------------------------------------------------------

    @api.model
    def _pending_lines_by_level(self, rows):
        """{level id: [line ids]}: each line that reached a level higher than the
        one applied to it, under the highest level it reached."""
        by_level = defaultdict(list)
        for row in rows:
            if row["reached_id"] and (
                row["applied_delay"] is None
                or row["reached_delay"] > row["applied_delay"]
            ):
                by_level[row["reached_id"]].append(row["line_id"])
        return by_level

    @api.model
    def _next_action_date(self, rows, newly_applied, company=None, plans=None):
        """When the next level is due for one of the partner's lines (``rows`` of
        ``_lines_query``, ``newly_applied`` as ``_pending_lines_by_level`` gives
        it), or False.

        :param plans: {company id: {level id: delay}}, shared by a batch so that
            each plan is read once
        """
        company = company or self.env.company
        today = company._followup_today()
        plans = {} if plans is None else plans
        if company.id not in plans:
            levels = self.env["account.followup.level"].search(
                [("company_id", "=", company.id)], order="delay"
            )
            plans[company.id] = {level.id: level.delay for level in levels}
        delay_of = plans[company.id]
        delays = sorted(delay_of.values())
        applied_now = {
            line_id: level_id
            for level_id, line_ids in newly_applied.items()
            for line_id in line_ids
        }
        best = None
        for row in rows:
            if (row["residual"] or 0) <= 0:
                continue
            applied = row["applied_delay"]
            if row["line_id"] in applied_now:
                applied = delay_of.get(applied_now[row["line_id"]], applied)
            next_delays = [d for d in delays if applied is None or d > applied]
            for delay in next_delays:
                date = row["ref_date"] + timedelta(days=delay)
                if date > today:
                    best = date if best is None else min(best, date)
                    break
        return best or False
