# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

from markupsafe import Markup, escape
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, Query, format_amount, format_date, html2plaintext

_logger = logging.getLogger(__name__)

FOLLOWUP_STATUSES = [
    ("in_need_of_action", "In need of action"),
    ("with_overdue_invoices", "With overdue invoices"),
    ("no_action_needed", "No action needed"),
]

# Who sees the follow-up fields: billing users work the follow-ups, auditors read them.
FOLLOWUP_GROUPS = "account.group_account_invoice,account.group_account_readonly"

# The channels of a level, in the order they are executed.
CHANNELS = ("email", "letter", "sms", "post", "activity")

# Above this number of partners, the status query is planned for a large part of
# the open items: literal receivable accounts, no JIT compilation (see
# ``ResPartner._followup_lines_query`` and ``_followup_without_jit``).
FOLLOWUP_MANY_PARTNERS = 1000

# What a billing user may change on a partner without the right to edit contacts
# (see ``ResPartner.write``).
FOLLOWUP_BILLING_WRITABLE = {
    "followup_next_action_date",
    "followup_reminder_type",
    "followup_responsible_id",
    "followup_line_ids",
    "trust",
}

# The figures computed by the status query (one compute, no stored value).
FOLLOWUP_COMPUTED_FIELDS = [
    "followup_status",
    "followup_level_id",
    "followup_total_due",
    "followup_total_overdue",
]

# Computed follow-up fields and their column in the status query (see
# ``ResPartner._field_to_sql``): what makes them groupable, sortable and summable.
FOLLOWUP_SQL_COLUMNS = {
    "followup_status": "status",
    "followup_level_id": "level_id",
    "followup_total_due": "total_due",
    "followup_total_overdue": "total_overdue",
}


class FollowupError(UserError):
    """A follow-up action that cannot be done for one partner (missing email,
    address, template...): reported on that partner, the others go on."""


class ResPartner(models.Model):
    _inherit = "res.partner"

    followup_status = fields.Selection(
        FOLLOWUP_STATUSES,
        string="Follow-up status",
        compute="_compute_followup_data",
        search="_search_followup_status",
        groups=FOLLOWUP_GROUPS,
    )
    followup_level_id = fields.Many2one(
        "account.followup.level",
        string="Follow-up level",
        compute="_compute_followup_data",
        search="_search_followup_level_id",
        help="The level to execute now: the highest level reached by an open line "
        "and not yet done on it.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_total_due = fields.Monetary(
        string="Total due",
        compute="_compute_followup_data",
        search="_search_followup_total_due",
        currency_field="currency_id",
        groups=FOLLOWUP_GROUPS,
    )
    followup_total_overdue = fields.Monetary(
        string="Total overdue",
        compute="_compute_followup_data",
        search="_search_followup_total_overdue",
        currency_field="currency_id",
        help="Overdue amount, less the credit notes and payments not yet matched.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_next_action_date = fields.Date(
        string="Next follow-up",
        company_dependent=True,
        copy=False,
        help="Date on which the customer next shows up in the follow-up list.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_reminder_type = fields.Selection(
        [("automatic", "Automatic"), ("manual", "Manual")],
        string="Reminders",
        company_dependent=True,
        copy=False,
        help="Automatic: the daily run sends the automatic levels. Manual: the "
        "customer shows up only on the date you chose.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_responsible_id = fields.Many2one(
        "res.users",
        string="Follow-up responsible",
        company_dependent=True,
        copy=False,
        help="Who does the manual follow-up actions (calls, letters to check).",
        groups=FOLLOWUP_GROUPS,
    )
    followup_letter_to_print = fields.Boolean(
        string="Letter to print",
        company_dependent=True,
        copy=False,
        help="The daily run executed a level with a letter: print it from Follow-up "
        "Reports (filter Letters to print, then Actions ▸ Print follow-up letters).",
        groups=FOLLOWUP_GROUPS,
    )
    followup_actions_done = fields.Boolean(
        company_dependent=True,
        copy=False,
        help="Technical: an action was done on the current level since the last "
        "time it was marked as done.",
        groups=FOLLOWUP_GROUPS,
    )
    # Editable on the statement (expected date, exclusion, note): the client saves
    # the edited rows as update commands, which the ORM applies on the lines
    # themselves for a non-stored One2many; create and delete are off in the view.
    followup_line_ids = fields.One2many(
        "account.move.line",
        compute="_compute_followup_line_ids",
        readonly=False,
        string="Open items",
        groups=FOLLOWUP_GROUPS,
    )

    # ------------------------------------------------------------------
    # Writing from the statement
    # ------------------------------------------------------------------

    def write(self, vals):
        """Billing users work the follow-ups without necessarily being allowed to
        edit contacts: the follow-up settings of a partner and its open items are
        theirs to change from the statement."""
        if (
            not vals
            or self.env.su
            or not set(vals) <= FOLLOWUP_BILLING_WRITABLE
            or not self.env.user.has_group("account.group_account_invoice")
            or self.browse().has_access("write")
        ):
            return super().write(vals)
        self.check_access("read")
        vals = dict(vals)
        line_commands = vals.pop("followup_line_ids", None) or []
        Line = self.env["account.move.line"]
        for command in line_commands:
            if command[0] != fields.Command.UPDATE:
                raise UserError(
                    self.env._("Open items cannot be added or removed here.")
                )
            line = Line.browse(command[1])
            if line.partner_id.commercial_partner_id not in self.commercial_partner_id:
                raise AccessError(
                    self.env._("This item does not belong to this customer.")
                )
            # the line's own access rights and field groups apply
            line.write(command[2])
        if not vals:
            return True
        # sudo: only the follow-up settings listed in FOLLOWUP_BILLING_WRITABLE, by
        # a billing user who can read these partners
        return super(ResPartner, self.sudo()).write(vals)

    # ------------------------------------------------------------------
    # Set-based computation
    # ------------------------------------------------------------------

    @api.model
    def _followup_lines_query(self, company, today, partner_ids=None):
        """One row per counted receivable line of ``company``.

        Columns: line_id, move_id, partner_id (the commercial partner), residual
        (company currency), ref_date, applied_delay (delay of the level already
        applied), reached_id / reached_delay (the highest level the line reached;
        only for lines with something to pay).

        Written for the planner, on databases with millions of journal items:

        - for many partners, the receivable accounts are given as literal ids (a
          sub-select hides them from the planner, which then scans the whole
          table); for a few, the sub-select saves a query;
        - the WHERE clause implies the predicate of the partial index
          ``account_move_line_followup_open_idx`` (see ``account.move.line.init``),
          which holds only the posted unreconciled lines with a residual and the
          columns read here: an index-only scan;
        - the invoice date is looked up only for the rare line without a due date,
          rather than joining every line to its entry;
        - the level reached is a join on the delay ranges of the levels, not a
          sub-query per line.

        Run the query of many partners within ``_followup_without_jit``.
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
                   l.ref_date,
                   applied.delay AS applied_delay,
                   reached.id AS reached_id,
                   reached.delay AS reached_delay
              FROM (
                    SELECT aml.id, aml.move_id, aml.partner_id, aml.amount_residual,
                           aml.followup_level_id,
                           COALESCE(aml.followup_expected_date, aml.date_maturity,
                                    (SELECT m.invoice_date FROM account_move m
                                      WHERE m.id = aml.move_id),
                                    aml.date) AS ref_date
                      FROM account_move_line aml
                     WHERE aml.account_id = ANY(%(receivable)s)
                       AND (aml.reconciled IS NULL OR aml.reconciled = false
                            OR aml.reconciled IS NOT true)
                       AND aml.parent_state = 'posted'
                       AND aml.company_id = %(company)s
                       AND aml.amount_residual != 0
                       AND aml.followup_excluded IS NOT TRUE
                       AND aml.partner_id IS NOT NULL
                   ) l
              JOIN res_partner p ON p.id = l.partner_id
         LEFT JOIN account_followup_level applied ON applied.id = l.followup_level_id
         LEFT JOIN (
                    -- each active level and the delay of the next one
                    SELECT lvl.id, lvl.delay,
                           LEAD(lvl.delay) OVER (ORDER BY lvl.delay) AS next_delay
                      FROM account_followup_level lvl
                     WHERE lvl.company_id = %(company)s
                       AND lvl.active
                   ) reached ON l.amount_residual > 0
                   AND reached.delay <= %(today)s::date - l.ref_date
                   AND (reached.next_delay IS NULL
                        OR reached.next_delay > %(today)s::date - l.ref_date)
             WHERE TRUE %(partner_filter)s
            """,
            receivable=receivable,
            company=company.id,
            today=today,
            partner_filter=partner_filter,
        )

    @api.model
    def _followup_status_query(self, company, today, partner_ids=None):
        """One row per commercial partner having counted lines in ``company``:
        partner_id, total_due, total_overdue, pending_delay (the highest level reached
        by a line and not yet applied to it), level_id (the level of that delay),
        status."""
        lines = self._followup_lines_query(company, today, partner_ids)
        company_key = str(company.id)
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
                       ) AS pending_delay
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
                            OR (t.pending_delay <= 0 AND t.total_due > 0)
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
            company_key=company_key,
        )

    @api.model
    def _followup_get_data(self, partner_ids=None, company=None):
        """Status data for the given commercial partners (all when None), in one
        query whatever their number: {partner_id: {...}}."""
        company = company or self.env.company
        today = company._followup_today()
        self._followup_flush()
        query = self._followup_status_query(company, today, partner_ids)
        if partner_ids is None or len(partner_ids) > FOLLOWUP_MANY_PARTNERS:
            with self._followup_without_jit():
                rows = self.env.execute_query_dict(query)
        else:
            rows = self.env.execute_query_dict(query)
        for row in rows:
            row["level_id"] = row["level_id"] or False
        return {row["partner_id"]: row for row in rows}

    @contextmanager
    def _followup_without_jit(self):
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
        yield
        cr.execute("SELECT set_config('jit', %s, true)", [previous])

    def _followup_flush(self):
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

    @api.depends_context("company")
    def _compute_followup_data(self):
        def commercial_id(partner):
            # a record being edited in a form (NewId) has the figures of the
            # record it comes from; a contact not saved yet has none
            return partner.commercial_partner_id._origin.id or partner._origin.id

        commercial_ids = {commercial_id(p) for p in self}
        commercial_ids.discard(False)
        data = (
            self._followup_get_data(partner_ids=list(commercial_ids))
            if commercial_ids
            else {}
        )
        for partner in self:
            partner._followup_assign_data(data.get(commercial_id(partner)))

    def _followup_assign_data(self, row):
        """Assign a row of ``_followup_get_data`` to the computed figures."""
        row = row or {}
        self.followup_status = row.get("status") or "no_action_needed"
        self.followup_level_id = row.get("level_id") or False
        self.followup_total_due = row.get("total_due") or 0.0
        self.followup_total_overdue = row.get("total_overdue") or 0.0

    def _search_followup_status(self, operator, value):
        # the status comes from raw SQL: only those who may read it may search it
        self.check_field_access_rights("read", ["followup_status"])
        if operator in ("=", "!="):
            values = {value}
        elif operator in ("in", "not in"):
            values = set(value)
        else:
            raise ValidationError(
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
        ids = self._followup_status_partner_ids(wanted)
        return [("id", "not in" if negate else "in", ids)]

    @api.model
    def _followup_status_partner_ids(self, statuses):
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
        self._followup_flush()
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
            self._followup_status_query(company, today),
            list(statuses),
        )
        with self._followup_without_jit():
            ids = [row[0] for row in self.env.execute_query(query)]
        self.env.cr.cache["account_payment_followup.status_ids"] = (key, ids)
        return ids

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """Give the computed follow-up figures an SQL expression: the columns of the
        set-based status query joined on the commercial partner.

        Odoo groups, sorts and sums through this method (and derives `groupable`,
        `sortable` and `aggregator` of ``fields_get`` from it), so the Follow-up
        Reports list can be grouped by level or status, sorted by the amounts and
        show the sums per group, all computed by PostgreSQL in one query, without
        storing values that change every day.
        """
        column = FOLLOWUP_SQL_COLUMNS.get(fname)
        if column is None or query is None:
            return super()._field_to_sql(alias, fname, query, flush)
        self.check_field_access_rights("read", [fname])
        if flush:
            self._followup_flush()
        company = self.env.company
        # the status query has a column per figure, the level included
        table = SQL(
            "(%s)", self._followup_status_query(company, company._followup_today())
        )
        status_alias = query.make_alias(alias, "followup_status")
        query.add_join(
            "LEFT JOIN",
            status_alias,
            table,
            SQL(
                "%s = %s",
                SQL.identifier(status_alias, "partner_id"),
                super()._field_to_sql(alias, "commercial_partner_id", query, flush),
            ),
        )
        value = SQL.identifier(status_alias, column)
        if fname == "followup_status":
            return SQL("COALESCE(%s, 'no_action_needed')", value)
        if fname in ("followup_total_due", "followup_total_overdue"):
            return SQL("COALESCE(%s, 0)", value)
        return value

    def _search_followup_level_id(self, operator, value):
        if operator in ("ilike", "not ilike", "like", "not like", "=like", "=ilike"):
            levels = self.env["account.followup.level"].search(
                [("name", operator, value)]
            )
            return self._followup_search_column("followup_level_id", "in", levels.ids)
        if isinstance(value, models.BaseModel):
            value = value.ids
        return self._followup_search_column("followup_level_id", operator, value)

    def _search_followup_total_due(self, operator, value):
        return self._followup_search_column("followup_total_due", operator, value)

    def _search_followup_total_overdue(self, operator, value):
        return self._followup_search_column("followup_total_overdue", operator, value)

    def _followup_search_column(self, fname, operator, value):
        """Domain on a computed follow-up figure, through its SQL expression (see
        ``_field_to_sql``): what opening a group of the Follow-up Reports list
        (e.g. grouped by level) searches."""
        query = Query(self.env, self._table, self._table_sql)
        expr = self._field_to_sql(self._table, fname, query)
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

    @api.depends_context("company")
    def _compute_followup_line_ids(self):
        Line = self.env["account.move.line"]
        for partner in self:
            # in a form (NewId), the lines of the record being edited
            commercial = partner.commercial_partner_id._origin
            if not commercial:
                partner.followup_line_ids = Line
                continue
            partner.followup_line_ids = Line.search(
                Line._followup_statement_domain(commercial),
                order="date_maturity, id",
            )

    # ------------------------------------------------------------------
    # Helpers on one partner
    # ------------------------------------------------------------------

    def _followup_get_reminder_type(self):
        return self.followup_reminder_type or "automatic"

    def _followup_get_responsible(self, level=None):
        """Who does the manual actions: the level's user, else the follow-up
        responsible, else the salesperson, else the current user."""
        self.ensure_one()
        if level and level.activity_user_id:
            return level.activity_user_id
        user = self.followup_responsible_id or self.user_id
        if user and user.active and not user.share:
            return user
        return self.env.user

    def _followup_get_recipient(self):
        """The contact that receives the reminders: the invoice address of the
        commercial partner, else the commercial partner itself."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        invoice_id = commercial.address_get(["invoice"])["invoice"]
        return self.browse(invoice_id) if invoice_id else commercial

    def _followup_open_lines(self):
        """Counted lines of the commercial partner in the current company."""
        self.ensure_one()
        Line = self.env["account.move.line"]
        return Line.search(
            Line._followup_counted_domain()
            + [("partner_id", "child_of", self.commercial_partner_id.id)],
            order="date_maturity, id",
        )

    def _followup_get_letter_level(self):
        """The level a document (letter, email) speaks of: the level to execute now,
        else the last one executed."""
        self.ensure_one()
        if self.followup_level_id:
            return self.followup_level_id
        levels = self._followup_open_lines().followup_level_id
        return levels.sorted("delay")[-1:] if levels else levels

    def _followup_statement_values(self, level=None):
        """Everything the statement (email body, letter) shows for one partner."""
        self.ensure_one()
        partner = self.commercial_partner_id
        company = self.env.company
        today = company._followup_today()
        Line = self.env["account.move.line"]
        lines = Line.search(
            Line._followup_statement_domain(partner), order="date_maturity, id"
        )
        level = level if level is not None else partner._followup_get_letter_level()
        rows = []
        for line in lines:
            ref_date = line._followup_get_reference_date()
            rows.append(
                {
                    "line": line,
                    "move": line.move_id,
                    "reference": line.move_id.name or line.name or "",
                    "communication": line.move_id.payment_reference
                    or line.move_id.ref
                    or "",
                    "date": line.move_id.invoice_date or line.date,
                    "date_maturity": line.date_maturity,
                    "expected_date": line.followup_expected_date,
                    "amount": line.amount_residual,
                    "amount_currency": line.amount_residual_currency,
                    "currency": line.currency_id,
                    "overdue": bool(ref_date and ref_date < today),
                    "excluded": line.followup_excluded,
                }
            )
        recipient = partner._followup_get_recipient()
        return {
            "partner": partner,
            "recipient": recipient,
            "lang": recipient.lang or partner.lang or self.env.lang,
            "company": company,
            "level": level,
            "today": today,
            "rows": rows,
            "currency": company.currency_id,
            "total_due": partner.followup_total_due,
            "total_overdue": partner.followup_total_overdue,
            "format_amount": lambda amount, currency: format_amount(
                self.env, amount, currency
            ),
            "format_date": self._followup_date_formatter(),
        }

    def _followup_date_formatter(self):
        """``format_date`` in the environment's language, each date formatted once:
        a statement of hundreds of lines shows a few hundred distinct dates, and
        looking up the language costs more than formatting."""
        formatted = {}

        def format_once(value):
            if value not in formatted:
                formatted[value] = format_date(self.env, value)
            return formatted[value]

        return format_once

    def _followup_render_statement(self, level=None):
        """The statement table as HTML (same QWeb as the letter), in the language of
        the environment."""
        self.ensure_one()
        values = self._followup_statement_values(level=level)
        return self.env["ir.qweb"]._render(
            "account_payment_followup.report_followup_letter_statement_table", values
        )

    # ------------------------------------------------------------------
    # Channels
    # ------------------------------------------------------------------

    @api.model
    def _followup_get_mail_template(self, level):
        """The template of the level; a level that sends no email (a call, say)
        can still email its statement from the statement's button, with the
        default follow-up template."""
        if level.mail_template_id or level.send_email:
            return level.mail_template_id
        return self.env.ref(
            "account_payment_followup.mail_template_followup", raise_if_not_found=False
        )

    def _followup_check_email(self, level):
        self.ensure_one()
        template = self._followup_get_mail_template(level)
        if not template:
            raise FollowupError(
                self.env._(
                    "The follow-up level “%(level)s” has no email template: choose "
                    "one in Accounting ▸ Configuration ▸ Follow-up Levels.",
                    level=level.name,
                )
            )
        recipient = self._followup_get_recipient()
        email = recipient.email_normalized
        if not email:
            raise FollowupError(
                self.env._(
                    "%(partner)s has no valid email address: add one on the contact "
                    "to send the reminder by email.",
                    partner=recipient.display_name,
                )
            )
        if recipient.is_blacklisted:
            raise FollowupError(
                self.env._(
                    "The email address of %(partner)s (%(email)s) is blacklisted: the "
                    "reminder was not emailed.",
                    partner=recipient.display_name,
                    email=email,
                )
            )
        return recipient

    def _followup_send_email(self, level):
        """Queue the reminder email (statement in the body, open invoices attached
        when the level asks it) and show it in the partner's chatter."""
        self.ensure_one()
        recipient = self._followup_check_email(level)
        template = self._followup_get_mail_template(level)
        lang = recipient.lang or self.lang or self.env.lang
        partner = self.with_context(lang=lang)
        statement = partner._followup_render_statement(level=level)
        description = level.with_context(lang=lang).description or ""
        rendered = {}
        for field_name in ("subject", "body_html"):
            rendered[field_name] = template.with_context(lang=lang)._render_field(
                field_name,
                self.ids,
                add_context={
                    "followup_level": level,
                    "followup_description": Markup(description),
                    "followup_statement": statement,
                    "company": self.env.company,
                },
            )[self.id]
        attachment_ids = []
        if level.attach_invoices:
            attachment_ids = self._followup_invoice_attachments().ids
        email_from = (
            template._render_field("email_from", self.ids)[self.id]
            if template.email_from
            else self.env.company.email_formatted or self.env.user.email_formatted
        )
        # what message_post would compute, from what the batch already found
        post_values = {}
        reply_to = self.env.context.get("followup_reply_to") or {}
        if self.id in reply_to:
            post_values["reply_to"] = reply_to[self.id] or email_from
        authors = self.env.context.get("followup_authors")
        if authors is not None:
            if email_from not in authors:
                authors[email_from] = self._message_compute_author(
                    email_from=email_from
                )[0]
            post_values["author_id"] = authors[email_from]
        self.with_context(mail_notify_force_send=False).message_post(
            **post_values,
            body=rendered["body_html"],
            subject=rendered["subject"],
            partner_ids=recipient.ids,
            email_from=email_from,
            attachment_ids=attachment_ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
        )
        return self.env._("email to %(email)s", email=recipient.email_normalized)

    def _followup_invoice_attachments(self):
        """PDFs of the open invoices: the stored one when the invoice was sent, else
        a fresh rendering."""
        self.ensure_one()
        moves = self._followup_open_lines().move_id.filtered(
            lambda m: m.is_sale_document(include_receipts=True)
        )
        attachments = self.env["ir.attachment"]
        to_render = self.env["account.move"]
        for move in moves:
            if move.invoice_pdf_report_id:
                attachments |= move.invoice_pdf_report_id
            else:
                to_render |= move
        for move in to_render:
            pdf, _fmt = self.env["ir.actions.report"]._render_qweb_pdf(
                "account.account_invoices", move.ids
            )
            attachments |= self.env["ir.attachment"].create(
                {
                    "name": f"{(move.name or 'invoice').replace('/', '_')}.pdf",
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": "res.partner",
                    "res_id": self.id,
                }
            )
        return attachments

    def _followup_check_letter(self, level):
        self.ensure_one()
        recipient = self._followup_get_recipient()
        if not (recipient.street or recipient.street2) or not recipient.city:
            raise FollowupError(
                self.env._(
                    "%(partner)s has no postal address (street and city): add it on "
                    "the contact to print the letter.",
                    partner=recipient.display_name,
                )
            )
        return recipient

    def _followup_send_letter(self, level):
        """Letters are printed together at the end of the run (one PDF); here the
        partner is only checked and counted."""
        self.ensure_one()
        self._followup_check_letter(level)
        if self.env.context.get("followup_defer_letters"):
            # nobody downloads the letters of the daily run: they wait in Follow-up
            # Reports (filter "Letters to print") and print in one PDF from there
            self.followup_letter_to_print = True
            return self.env._("letter to print")
        self.followup_letter_to_print = False
        return self.env._("letter printed")

    def _followup_get_sms_template(self, level):
        """The level's SMS template, else the default reminder: "Send SMS" on the
        statement works at any level, not only at the levels that send SMS."""
        return level.sms_template_id or self.env.ref(
            "account_payment_followup.sms_template_followup", raise_if_not_found=False
        )

    def _followup_check_sms(self, level):
        self.ensure_one()
        if not self._followup_get_sms_template(level):
            raise FollowupError(
                self.env._(
                    "The follow-up level “%(level)s” has no SMS template: choose one "
                    "in Accounting ▸ Configuration ▸ Follow-up Levels.",
                    level=level.name,
                )
            )
        recipient = self._followup_get_recipient()
        number = recipient.mobile or recipient.phone
        sanitized = number and recipient._phone_format(number=number)
        if not sanitized:
            raise FollowupError(
                self.env._(
                    "%(partner)s has no valid mobile number: add one on the contact "
                    "to send the reminder by SMS.",
                    partner=recipient.display_name,
                )
            )
        return recipient, sanitized

    def _followup_send_sms(self, level):
        """Queue the SMS (sent by the SMS queue, never inline) and log it."""
        self.ensure_one()
        recipient, number = self._followup_check_sms(level)
        lang = recipient.lang or self.lang or self.env.lang
        template = self._followup_get_sms_template(level)
        body = template.with_context(lang=lang)._render_field(
            "body", self.ids, compute_lang=False
        )[self.id]
        self._message_sms(
            html2plaintext(body) if "<" in (body or "") else body,
            partner_ids=recipient.ids,
            sms_pid_to_number={recipient.id: number},
            put_in_queue=True,
        )
        return self.env._("SMS to %(number)s", number=number)

    def _followup_check_post(self, level):
        self.ensure_one()
        recipient = self._followup_get_recipient()
        if not self.env["snailmail.letter"]._is_valid_address(recipient):
            raise FollowupError(
                self.env._(
                    "The postal address of %(partner)s is incomplete (street, city, "
                    "zip and country are needed): the letter cannot be posted.",
                    partner=recipient.display_name,
                )
            )
        report = self.env.ref(
            "account_payment_followup.res_partner_action_report_followup_letter"
        )
        # the postal service prints A4 only (snailmail refuses other formats when
        # it sends the queue, when nobody is there to read the error)
        paperformat = report.get_paperformat()
        if paperformat.format != "A4" and not (
            paperformat.format == "custom"
            and paperformat.page_width == 210
            and paperformat.page_height == 297
        ):
            raise FollowupError(
                self.env._(
                    "Letters are posted on A4 paper only: choose the A4 paper format "
                    "in Settings ▸ Companies ▸ Document Layout to send them by post."
                )
            )
        return recipient

    def _followup_send_post(self, level):
        """Queue the letter for the post: snailmail's queue prints and posts it
        through IAP later; the chatter shows the letter and its delivery state."""
        self.ensure_one()
        recipient = self._followup_check_post(level)
        report = self.env.ref(
            "account_payment_followup.res_partner_action_report_followup_letter"
        )
        # sudo: snailmail letters are technical records that only the system
        # reads; the user was checked as a billing user of this company and the
        # letter holds nothing but this partner's own statement.
        self.env["snailmail.letter"].sudo().create(
            {
                "partner_id": recipient.id,
                "model": "res.partner",
                "res_id": self.id,
                "user_id": self.env.user.id,
                "company_id": self.env.company.id,
                "report_template": report.id,
            }
        )
        return self.env._("letter queued for the post to %(city)s", city=recipient.city)

    def _followup_check_activity(self, level):
        self.ensure_one()
        return True

    def _followup_schedule_activity(self, level):
        self.ensure_one()
        user = self._followup_get_responsible(level)
        activity_type = level.activity_type_id or self.env.ref(
            "mail.mail_activity_data_todo"
        )
        self.activity_schedule(
            activity_type_id=activity_type.id,
            summary=level.activity_summary or level.name,
            note=level.activity_note or level.description or "",
            user_id=user.id,
            date_deadline=self.env.company._followup_today(),
        )
        return self.env._("activity for %(user)s", user=user.name)

    def _followup_channel_methods(self):
        return {
            "email": (self._followup_check_email, self._followup_send_email),
            "letter": (self._followup_check_letter, self._followup_send_letter),
            "sms": (self._followup_check_sms, self._followup_send_sms),
            "post": (self._followup_check_post, self._followup_send_post),
            "activity": (
                self._followup_check_activity,
                self._followup_schedule_activity,
            ),
        }

    @api.model
    def _followup_level_channels(self, level):
        flags = {
            "email": level.send_email,
            "letter": level.send_letter,
            "sms": level.send_sms,
            "post": level.send_post,
            "activity": level.manual_action,
        }
        return [channel for channel in CHANNELS if flags[channel]]

    # ------------------------------------------------------------------
    # Execution
    # ------------------------------------------------------------------

    def _followup_lock(self):
        """Lock the partners of ``self`` for the rest of the transaction; return the
        ones locked (the others are being processed by someone else)."""
        if not self:
            return self
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s) "
                "FOR NO KEY UPDATE SKIP LOCKED",
                self.ids,
            )
        )
        return self.browse([row[0] for row in rows])

    def _followup_execute(self, channels=None, mark_done=True, raise_errors=False):
        """Execute the follow-up of each partner of ``self``.

        :param channels: the channels to run (default: those of the partner's
            current level); running a subset from the statement does not mark the
            level as done.
        :param mark_done: stamp the lines with the level and set the next date.
        :param raise_errors: raise the first failure (a user clicking on one
            partner) instead of reporting it on the partner (batch, cron).
        :return: a summary dict (counts, failures, skipped partners, letters).
        """
        summary = {
            "processed": self.browse(),
            "letters": self.browse(),
            "failed": [],
            "skipped": [],
            "counts": dict.fromkeys(CHANNELS, 0),
        }
        # sudo: callers checked that the user works the follow-ups
        # (_followup_check_access) or are the cron. Billing users need not be
        # allowed to edit contacts to post the reminder, stamp the lines and plan a
        # call: the user stays the author (sudo keeps the uid) and every query is
        # limited to the environment's company, already checked for this user.
        partners = self.commercial_partner_id.sudo()
        # queue every email (reminders, activity notifications): a batch or the
        # cron never waits on the mail server, the mail queue sends them
        partners = partners.with_context(mail_notify_force_send=False)
        # the reply-to address of the reminders (a partner's alias, else the
        # company's catchall), looked up once for the batch rather than by each
        # message_post; False: none, the sender's address (see _followup_send_email)
        partners = partners.with_context(
            followup_reply_to=partners._notify_get_reply_to(default=False),
            # the author of the reminders, found once per sender address of the
            # batch rather than by each message_post (see _followup_send_email)
            followup_authors={},
        )
        for partner in partners:
            try:
                with self.env.cr.savepoint():
                    done = partner._followup_execute_one(
                        channels=channels, mark_done=mark_done
                    )
            except (UserError, AccessError, ValidationError) as error:
                # FollowupError (missing email, address, template...) included
                if raise_errors:
                    raise
                message = error.args[0]
                summary["failed"].append((partner, message))
                partner._followup_report_failure(message)
                continue
            except pg_errors.TransactionRollbackError:
                # serialization failure or deadlock: the transaction must be retried
                # whole (the caller does), never reported as this partner's fault
                raise
            except Exception as error:
                if raise_errors:
                    raise
                _logger.exception("Follow-up of partner %s failed", partner.id)
                message = self.env._(
                    "Unexpected error: %(error)s", error=str(error) or repr(error)
                )
                summary["failed"].append((partner, message))
                partner._followup_report_failure(message)
                continue
            if done is None:
                summary["skipped"].append(
                    (
                        partner,
                        self.env._(
                            "%(partner)s is being processed by someone else: skipped.",
                            partner=partner.display_name,
                        ),
                    )
                )
                continue
            if not done:
                summary["skipped"].append(
                    (
                        partner,
                        self.env._(
                            "%(partner)s has no follow-up to do now.",
                            partner=partner.display_name,
                        ),
                    )
                )
                continue
            summary["processed"] |= partner
            for channel in done:
                if channel in summary["counts"]:
                    summary["counts"][channel] += 1
            if "letter" in done:
                summary["letters"] |= partner
        return summary

    def _followup_execute_one(self, channels=None, mark_done=True):
        """Execute one partner's follow-up under a row lock, after checking again
        what is due (an invoice may have been paid since the list was shown).

        :return: None when the partner is locked by someone else, the list of
            channels done otherwise (empty: nothing to do).
        """
        self.ensure_one()
        self._followup_check_company()
        if not self._followup_lock():
            return None
        self.invalidate_recordset(FOLLOWUP_COMPUTED_FIELDS)
        data = self._followup_get_data(partner_ids=self.ids).get(self.id)
        # the channels read these figures (the statement's totals): keep them in
        # the cache rather than computing the status again
        fields_to_cache = [self._fields[fname] for fname in FOLLOWUP_COMPUTED_FIELDS]
        with self.env.protecting(fields_to_cache, self):
            self._followup_assign_data(data)
        explicit = channels is not None
        level = self.env["account.followup.level"].browse(
            data["level_id"] if data else False
        )
        if not explicit:
            if not data or data["status"] != "in_need_of_action" or not level:
                return []
            channels = self._followup_level_channels(level)
        else:
            if not data or (data["total_due"] or 0) <= 0:
                raise FollowupError(
                    self.env._(
                        "%(partner)s owes nothing: no reminder to send.",
                        partner=self.display_name,
                    )
                )
            level = level or self._followup_get_letter_level()
            if not level:
                level = self.env["account.followup.level"].search(
                    [("company_id", "=", self.env.company.id)], limit=1
                )
            if not level:
                raise FollowupError(
                    self.env._(
                        "The company %(company)s has no follow-up level: create one "
                        "in Accounting ▸ Configuration ▸ Follow-up Levels.",
                        company=self.env.company.name,
                    )
                )
        methods = self._followup_channel_methods()
        # check everything first: a level is executed whole or not at all
        for channel in channels:
            methods[channel][0](level)
        descriptions = []
        for channel in channels:
            descriptions.append(methods[channel][1](level))
        if mark_done and not explicit:
            self._followup_mark_level_done(level, descriptions, data)
        else:
            self.followup_actions_done = True
            self._followup_log(level, descriptions, data, partial=True)
        # what the caller reads next (status, level) reflects what was just done
        self.invalidate_recordset(FOLLOWUP_COMPUTED_FIELDS)
        return list(channels) or ["none"]

    def _followup_check_company(self):
        """Follow-ups are per company: a partner restricted to another company is
        followed up from that company, not from the current one."""
        self.ensure_one()
        company = self.env.company
        if self.company_id and self.company_id not in company.parent_ids:
            raise FollowupError(
                self.env._(
                    "%(partner)s belongs to the company %(partner_company)s: switch "
                    "to that company to follow it up (you are working in "
                    "%(company)s).",
                    partner=self.display_name,
                    partner_company=self.company_id.name,
                    company=company.name,
                )
            )

    def _followup_mark_level_done(self, level, descriptions, data):
        """Stamp each pending line with the highest level it reached, set the next
        follow-up date and log what was done."""
        self.ensure_one()
        company = self.env.company
        today = company._followup_today()
        rows = self.env.execute_query_dict(
            self._followup_lines_query(company, today, partner_ids=self.ids)
        )
        Line = self.env["account.move.line"]
        by_level = defaultdict(list)
        for row in rows:
            if row["reached_id"] and (
                row["applied_delay"] is None
                or row["reached_delay"] > row["applied_delay"]
            ):
                by_level[row["reached_id"]].append(row["line_id"])
        stamped = Line
        for level_id, line_ids in by_level.items():
            lines = Line.browse(line_ids)
            lines._followup_stamp(level_id, today)
            stamped |= lines
        self.followup_next_action_date = self._followup_compute_next_date(
            rows, by_level
        )
        self.followup_actions_done = False
        self._followup_log(level, descriptions, data, lines=stamped)

    def _followup_compute_next_date(self, rows, newly_applied):
        """When the next level is due for one of the partner's lines."""
        company = self.env.company
        today = company._followup_today()
        levels = self.env["account.followup.level"].search(
            [("company_id", "=", company.id)], order="delay"
        )
        delays = levels.mapped("delay")
        applied_now = {
            line_id: level_id
            for level_id, line_ids in newly_applied.items()
            for line_id in line_ids
        }
        delay_of = {level.id: level.delay for level in levels}
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

    def _followup_log(self, level, descriptions, data, lines=None, partial=False):
        """One note on the partner saying what was done, and one on each invoice
        concerned."""
        self.ensure_one()
        currency = self.env.company.currency_id
        total_due = format_amount(
            self.env, (data or {}).get("total_due") or 0, currency
        )
        total_overdue = format_amount(
            self.env, (data or {}).get("total_overdue") or 0, currency
        )
        actions = Markup("").join(
            Markup("<li>%s</li>") % description for description in descriptions
        )
        if partial:
            title = self.env._("Follow-up action (%(level)s)", level=level.name)
        else:
            title = self.env._("Follow-up level “%(level)s” done", level=level.name)
        body = Markup(
            "<p><strong>%(title)s</strong></p><ul>%(actions)s</ul>"
            "<p>%(due_label)s %(due)s, %(overdue_label)s %(overdue)s</p>"
        ) % {
            "title": title,
            "actions": actions,
            "due_label": self.env._("Total due:"),
            "due": total_due,
            "overdue_label": self.env._("overdue:"),
            "overdue": total_overdue,
        }
        self._message_log(body=body)
        moves = (lines or self.env["account.move.line"]).move_id
        if moves:
            channels = ", ".join(str(d) for d in descriptions)
            invoice_body = Markup("<p>%s</p>") % self.env._(
                "Payment reminder “%(level)s” sent to the customer (%(actions)s).",
                level=level.name,
                actions=channels,
            )
            moves._message_log_batch(bodies=dict.fromkeys(moves.ids, invoice_body))

    def _followup_report_failure(self, message):
        """Record a failed follow-up on the partner (note + an activity for the
        responsible, once while it is open) so that someone fixes it."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._message_log(
                    body=Markup("<p><strong>%s</strong></p><p>%s</p>")
                    % (self.env._("Follow-up failed"), message)
                )
                summary = self.env._("Follow-up failed")
                existing = self.activity_ids.filtered(lambda a: a.summary == summary)
                if not existing:
                    self.activity_schedule(
                        "mail.mail_activity_data_todo",
                        summary=summary,
                        note=escape(message),
                        user_id=self._followup_get_responsible().id,
                        date_deadline=self.env.company._followup_today(),
                    )
        except Exception:
            _logger.exception("Could not report the follow-up failure of %s", self.id)

    def _followup_letters_action(self):
        """One PDF with the letters of all partners of ``self``."""
        if not self:
            return False
        return self.env.ref(
            "account_payment_followup.res_partner_action_report_followup_letter"
        ).report_action(self)

    # ------------------------------------------------------------------
    # Public entry points
    # ------------------------------------------------------------------

    def _followup_check_access(self):
        """The gate of every public entry point: billing users only, on partners
        they can read (the execution then runs as superuser, see
        ``_followup_execute``)."""
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._("Only billing users can work on payment follow-ups.")
            )
        self.check_access("read")

    def action_followup_process(self):
        """Execute the current level of each partner; letters come back as one PDF
        download (the batch wizard shows the summary)."""
        self._followup_check_access()
        single = len(self.commercial_partner_id) == 1
        summary = self._followup_execute(raise_errors=single)
        if single and not summary["processed"] and summary["skipped"]:
            raise UserError(summary["skipped"][0][1])
        return self._followup_summary_action(summary)

    def _followup_summary_action(self, summary):
        if len(self.commercial_partner_id) > 1:
            wizard = self.env["account.followup.process"].create(
                self.env["account.followup.process"]._values_from_summary(summary)
            )
            return wizard._action_open()
        if summary["letters"]:
            return summary["letters"]._followup_letters_action()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Follow-up done."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _followup_single_action(self, channel):
        """One channel alone: from the statement (one customer, errors raised), or
        from the list on several customers (errors reported, summary shown)."""
        self._followup_check_access()
        single = len(self.commercial_partner_id) == 1
        summary = self._followup_execute(
            channels=[channel], mark_done=False, raise_errors=single
        )
        if single and summary["skipped"]:
            raise UserError(summary["skipped"][0][1])
        if channel == "letter" and single:
            return summary["letters"]._followup_letters_action()
        return self._followup_summary_action(summary)

    def action_followup_send_email(self):
        return self._followup_single_action("email")

    def action_followup_print_letter(self):
        return self._followup_single_action("letter")

    def action_followup_send_sms(self):
        return self._followup_single_action("sms")

    def action_followup_send_post(self):
        return self._followup_single_action("post")

    def action_followup_done(self):
        """Done: the current level was handled by hand (after at least one action
        from the statement); stamp its lines and move on."""
        self._followup_check_access()
        # sudo: see _followup_execute (billing users need not edit contacts)
        for partner in self.commercial_partner_id.sudo():
            partner._followup_check_company()
            if not partner._followup_lock():
                raise UserError(
                    self.env._(
                        "%(partner)s is being processed by someone else.",
                        partner=partner.display_name,
                    )
                )
            data = partner._followup_get_data(partner_ids=partner.ids).get(partner.id)
            level = self.env["account.followup.level"].browse(
                data["level_id"] if data else False
            )
            if not level:
                raise UserError(
                    self.env._(
                        "%(partner)s has no follow-up level to mark as done.",
                        partner=partner.display_name,
                    )
                )
            if not partner.followup_actions_done:
                raise UserError(
                    self.env._(
                        "Send a reminder, print a letter or process the follow-up of "
                        "%(partner)s before marking it as done.",
                        partner=partner.display_name,
                    )
                )
            partner._followup_mark_level_done(
                level,
                [self.env._("marked as done by %(user)s", user=self.env.user.name)],
                data,
            )
        return self._followup_next_partner_action()

    def action_followup_later(self):
        """Do it later: hide the partner from the list until tomorrow, without
        marking anything as done."""
        self._followup_check_access()
        # sudo: see _followup_execute (billing users need not edit contacts)
        for partner in self.commercial_partner_id.sudo():
            tomorrow = self.env.company._followup_today() + timedelta(days=1)
            partner.followup_next_action_date = tomorrow
            partner._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Follow-up postponed to %(date)s.",
                    date=format_date(self.env, tomorrow),
                )
            )
        return self._followup_next_partner_action()

    def _followup_next_partner_action(self):
        """Open the next customer in need of action (the statement flow), or close."""
        next_partner = self.search(
            [
                ("followup_status", "=", "in_need_of_action"),
                ("id", "not in", self.commercial_partner_id.ids),
            ],
            limit=1,
            order="name, id",
        )
        if not next_partner or not self.env.context.get("followup_open_next"):
            return {"type": "ir.actions.act_window_close"}
        return next_partner.action_open_followup_statement()

    def action_open_followup_statement(self):
        self.ensure_one()
        self._followup_check_access()
        view = self.env.ref(
            "account_payment_followup.res_partner_view_form_followup",
            raise_if_not_found=False,
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer statement"),
            "res_model": "res.partner",
            "res_id": self.commercial_partner_id.id,
            "view_mode": "form",
            "views": [(view.id if view else False, "form")],
            "context": {"followup_open_next": True},
            "target": "current",
        }

    def action_followup_snooze(self):
        """Open the Reminder wizard (one week, two weeks, ..., a date)."""
        self._followup_check_access()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reminder"),
            "res_model": "account.followup.snooze",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.commercial_partner_id.ids},
        }

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _followup_cron_partners(self, company):
        """Automatic partners of ``company`` whose current level executes itself."""
        partners = self.with_company(company).search(
            [("followup_status", "=", "in_need_of_action")], order="id"
        )
        # the figures are not stored: drop what an earlier run of the same
        # transaction left in the cache before reading the level
        partners.invalidate_recordset(FOLLOWUP_COMPUTED_FIELDS)
        return partners.filtered(
            lambda p: p._followup_get_reminder_type() == "automatic"
            and p.followup_level_id.auto_execute
        )

    @api.model
    def _cron_execute_followups(
        self, batch_size=None, time_budget=None, auto_commit=None
    ):
        """The daily run: execute the automatic levels of automatic partners, company
        by company, in batches committed one by one. One partner's failure is
        reported on it and never stops the others; when the time budget is spent,
        the cron reports the remaining partners and Odoo runs it again soon.

        A batch that hits a concurrent update (serialization failure, deadlock) is
        rolled back whole, mails included, and tried once more at the end of the run;
        its partners are selected again by the next run if it fails twice. A crash
        loses at most the batch in progress: the next run selects again what is
        still due, so nothing is sent twice."""
        if auto_commit is None:
            auto_commit = not getattr(threading.current_thread(), "testing", False)
        if batch_size is None:
            batch_size = int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("account_payment_followup.cron_batch_size", 50)
            )
        batch_size = max(batch_size, 1)
        if time_budget is None:
            time_budget = int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("account_payment_followup.cron_time_budget", 300)
            )
        started = time.monotonic()
        totals = {"processed": 0, "failed": 0, "skipped": 0}
        companies = self.env["res.company"].search([])
        todo = []
        for company in companies:
            if not self.env["account.followup.level"].search_count(
                [("company_id", "=", company.id), ("auto_execute", "=", True)], limit=1
            ):
                continue
            partners = self._followup_cron_partners(company)
            todo.extend((company, partner_id) for partner_id in partners.ids)
        total = len(todo)
        done = 0
        retried = set()
        while todo:
            if time.monotonic() - started > time_budget:
                break
            batch, todo = todo[:batch_size], todo[batch_size:]
            try:
                batch_totals = self._followup_cron_batch(batch)
            except pg_errors.TransactionRollbackError:
                if not auto_commit:
                    raise
                # a concurrent transaction changed what this batch read: nothing
                # of it is kept (the queued mails are rolled back with it)
                self.env.cr.rollback()
                again = [item for item in batch if item not in retried]
                retried.update(again)
                todo.extend(again)
                total += len(again)
                batch_totals = {"skipped": len(batch) - len(again)}
                _logger.info(
                    "Payment follow-ups: concurrent update, %s partners retried",
                    len(again),
                )
            for key, value in batch_totals.items():
                totals[key] += value
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if todo and not done:
            # out of time before the first batch: say what remains, so that Odoo
            # runs the cron again soon instead of tomorrow
            self.env["ir.cron"]._notify_progress(done=0, remaining=len(todo))
        _logger.info(
            "Payment follow-ups: %(processed)s processed, %(failed)s failed, "
            "%(skipped)s skipped",
            totals,
        )
        return totals

    @api.model
    def _followup_cron_batch(self, batch):
        """Execute one batch of the daily run: [(company, partner_id)]."""
        totals = {"processed": 0, "failed": 0, "skipped": 0}
        by_company = defaultdict(list)
        for company, partner_id in batch:
            by_company[company].append(partner_id)
        for company, partner_ids in by_company.items():
            env_partners = (
                self.with_company(company)
                .with_context(allowed_company_ids=[company.id])
                .browse(partner_ids)
            )
            summary = env_partners.with_context(
                followup_defer_letters=True
            )._followup_execute()
            for key in totals:
                totals[key] += len(summary[key])
        return totals
