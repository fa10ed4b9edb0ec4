# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, Query

from ..tools import FOLLOWUP_STATUSES
from .account_followup_status import FOLLOWUP_SQL_COLUMNS


class AccountFollowupStatus(models.AbstractModel):
    """Searching, grouping, sorting and summing customers by the computed figures of
    ``account.followup.status`` (Follow-up Reports' filters and group-bys): each
    figure becomes a column of the status query joined to res.partner."""

    _inherit = "account.followup.status"

    # ------------------------------------------------------------------
    # Searching and grouping by the figures
    # ------------------------------------------------------------------

    @api.model
    def _partner_ids_with_status(self, statuses):
        """Ids of the partners whose status is one of ``statuses`` (contacts
        included: a contact has the status of its commercial partner).

        A list view searches its domain twice (the page, then the count): the
        result is kept for the transaction as long as it cannot have changed,
        that is while the transaction sees the same snapshot of the database and
        has itself changed nothing in the tables the status is computed from (the
        counters of ``pg_stat_get_xact_tuples_*``).
        """
        company = self.env.company
        today = company._followup_today()
        self._flush()
        state = self.env.execute_query(
            SQL(
                """
                SELECT pg_current_snapshot()::text, txid_current_if_assigned(),
                       SUM(pg_stat_get_xact_tuples_inserted(c.oid)
                           + pg_stat_get_xact_tuples_updated(c.oid)
                           + pg_stat_get_xact_tuples_deleted(c.oid))
                  FROM pg_class c
                 WHERE c.oid = ANY(%s::regclass[])
                """,
                [
                    "account_move_line",
                    "account_move",
                    "account_account",
                    "account_followup_level",
                    "res_partner",
                    "account_followup_promise",
                    "account_followup_promise_line_rel",
                    "account_followup_dispute",
                ],
            )
        )[0]
        key = (company.id, today, frozenset(statuses), tuple(state))
        cached = self.env.cr.cache.get("account_payment_followup.status_ids")
        if cached and cached[0] == key:
            return cached[1]
        query = SQL(
            """SELECT c.id
                 FROM (%s) s
                 JOIN res_partner c ON c.commercial_partner_id = s.partner_id
                WHERE s.status = ANY(%s)""",
            self._status_query(company, today),
            list(statuses),
        )
        with self._without_jit():
            ids = [row[0] for row in self.env.execute_query(query)]
        self.env.cr.cache["account_payment_followup.status_ids"] = (key, ids)
        return ids

    @api.model
    def _status_domain(self, operator, value):
        """Domain on res.partner for ``followup_status <operator> <value>``."""
        if operator in ("=", "!="):
            values = {value}
        elif operator in ("in", "not in"):
            values = set(value)
        else:
            raise UserError(
                self.env._("Follow-up status can only be searched with =, !=, in.")
            )
        negate = operator in ("!=", "not in")
        known = {key for key, _label in FOLLOWUP_STATUSES}
        values &= known
        if "no_action_needed" in values:
            # partners without counted lines have no row: search the complement
            wanted = known - values
            negate = not negate
        else:
            wanted = values
        ids = self._partner_ids_with_status(wanted)
        return [("id", "not in" if negate else "in", ids)]

    @api.model
    def _join_figure(self, partners, alias, fname, query, commercial_sql):
        """SQL expression of the computed figure ``fname`` of res.partner: the
        column of the status query, joined on the commercial partner
        (``commercial_sql``) to ``query``."""
        company = self.env.company
        # the status query has a column per figure, the level included
        table = SQL("(%s)", self._status_query(company, company._followup_today()))
        status_alias = query.make_alias(alias, "followup_status")
        query.add_join(
            "LEFT JOIN",
            status_alias,
            table,
            SQL("%s = %s", SQL.identifier(status_alias, "partner_id"), commercial_sql),
        )
        value = SQL.identifier(status_alias, FOLLOWUP_SQL_COLUMNS[fname])
        if fname == "followup_status":
            return SQL("COALESCE(%s, 'no_action_needed')", value)
        if fname in ("followup_total_due", "followup_total_overdue"):
            return SQL("COALESCE(%s, 0)", value)
        return value

    @api.model
    def _figure_domain(self, fname, operator, value):
        """Domain on a computed follow-up figure of res.partner, through its SQL
        expression: what opening a group of the Follow-up Reports list (e.g. grouped
        by level) searches."""
        Partner = self.env["res.partner"]
        if fname == "followup_level_id":
            if operator in (
                "ilike",
                "not ilike",
                "like",
                "not like",
                "=like",
                "=ilike",
            ):
                levels = self.env["account.followup.level"].search(
                    [("name", operator, value)]
                )
                operator, value = "in", levels.ids
            elif isinstance(value, models.BaseModel):
                value = value.ids
        query = Query(self.env, Partner._table, Partner._table_sql)
        expr = Partner._field_to_sql(Partner._table, fname, query)
        if operator in ("=", "!=") and (value is False or value is None):
            condition = SQL("%s IS NULL", expr)
            negate = operator == "!="
        elif operator in ("=", "!="):
            condition = SQL("%s = %s", expr, value)
            negate = operator == "!="
        elif operator in ("in", "not in"):
            values = list(value) if isinstance(value, list | tuple | set) else [value]
            present = [v for v in values if v is not False and v is not None]
            condition = SQL("%s = ANY(%s)", expr, present)
            if len(present) != len(values):
                condition = SQL("(%s OR %s IS NULL)", condition, expr)
            negate = operator == "not in"
        elif operator in ("<", "<=", ">", ">="):
            condition = SQL("%s %s %s", expr, SQL(operator), value)
            negate = False
        else:
            raise UserError(
                self.env._(
                    "The operator %(operator)s is not supported on this field.",
                    operator=operator,
                )
            )
        if negate:
            condition = SQL("(%s) IS NOT TRUE", condition)
        query.add_where(condition)
        return [("id", "in", query)]
