# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..tools import FOLLOWUP_GROUPS
from .account_followup_analysis_totals import matched_line_predicate
from .account_followup_status import open_line_predicate

# What only the follow-ups write (``_followup_stamp``): the memory of what was sent.
FOLLOWUP_STAMP_FIELDS = {"followup_level_id", "followup_date"}
# What users change on the statement, kept in the chatter of the customer and of
# the invoice.
FOLLOWUP_TRACED_FIELDS = (
    "followup_expected_date",
    "followup_excluded",
    "followup_note",
)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    followup_excluded = fields.Boolean(
        string="Excluded from follow-ups",
        copy=False,
        help="Excluded from follow-ups (e.g. litigation): shown on the statement but "
        "never counted nor reminded.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_expected_date = fields.Date(
        string="Expected payment date",
        copy=False,
        help="When set, it replaces the due date for follow-ups.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_note = fields.Text(
        string="Follow-up note",
        copy=False,
        groups=FOLLOWUP_GROUPS,
    )
    followup_level_id = fields.Many2one(
        "account.followup.level",
        string="Follow-up level",
        copy=False,
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        help="The last follow-up level applied to this line.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_date = fields.Date(
        string="Last follow-up",
        copy=False,
        readonly=True,
        groups=FOLLOWUP_GROUPS,
    )
    followup_reference_date = fields.Date(
        string="Follow-up date",
        compute="_compute_followup_reference_date",
        help="Expected payment date, else due date, else invoice date.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_followup_reference_date",
        groups=FOLLOWUP_GROUPS,
    )
    followup_promise_ids = fields.Many2many(
        "account.followup.promise",
        "account_followup_promise_line_rel",
        "line_id",
        "promise_id",
        string="Promises to pay",
        readonly=True,
        copy=False,
        groups=FOLLOWUP_GROUPS,
    )
    followup_promise_date = fields.Date(
        string="Promised",
        compute="_compute_followup_reference_date",
        help="The date of the open promise to pay covering this item, while it "
        "holds: it is not followed up up to and including that date.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_disputed = fields.Boolean(
        string="Disputed",
        compute="_compute_followup_disputed",
        search="_search_followup_disputed",
        help="Its invoice is in dispute: shown on the statement, never counted nor "
        "reminded until the dispute is resolved.",
        groups=FOLLOWUP_GROUPS,
    )

    followup_days_late = fields.Integer(
        string="Days late",
        compute="_compute_followup_reference_date",
        help="Days since the expected payment date, else the due date (0 when the "
        "item is not overdue).",
        groups=FOLLOWUP_GROUPS,
    )

    def init(self):
        """Index the open items that follow-ups count, with the columns they read.

        Account's ``account_move_line__unreconciled_index`` holds every unreconciled
        posted line, income and tax lines included (they are never reconciled): on a
        large database PostgreSQL rightly prefers reading all the receivable lines,
        reconciled or not, from the table. This index holds only the lines that
        still have a residual (receivable, payable and liquidity lines not yet
        matched) and carries every column of ``account.followup.status._lines_query``
        (the line's id included, which joins the promises to pay), whose WHERE
        clause implies its predicate: the status of all customers is an index-only
        scan of their open items instead of a visit of the table pages they are
        scattered over.

        A second partial index, ``account_move_line_followup_matched_idx``, holds
        the lines that are reconciled or still have a residual
        (``matched_line_predicate``), by id, with the columns the collection
        figures read of the lines of the reconciliations and of the reminders
        (``account.followup.analysis``); a third,
        ``account_move_line_followup_balance_idx``, the balance of the posted lines
        by account and date (the receivables on a date).
        """
        res = super().init()
        cr = self.env.cr
        # the line's id joins the promises to pay (``_promised_query``): an index
        # built before it was carried is rebuilt once, to keep the scan index-only
        cr.execute(
            """
            SELECT NOT EXISTS (
                SELECT 1 FROM pg_index i
                  JOIN pg_attribute a
                    ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                 WHERE i.indexrelid = idx.oid AND a.attname = 'id'
            )
              FROM (SELECT to_regclass('account_move_line_followup_open_idx') AS oid) idx
             WHERE idx.oid IS NOT NULL
            """
        )
        outdated = cr.fetchone()
        if outdated and outdated[0]:
            cr.execute("DROP INDEX account_move_line_followup_open_idx")
        cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS account_move_line_followup_open_idx
                    ON account_move_line (account_id, partner_id)
                    INCLUDE (company_id, amount_residual, followup_excluded,
                             followup_expected_date, date_maturity, date, move_id,
                             followup_level_id, id)
                 WHERE %s
                """,
                open_line_predicate(),
            )
        )
        # the lines the collection figures rebuild past open amounts from (the
        # sides of the reconciliations, the lines reminded), by id, with the
        # columns they read: an index-only lookup instead of a visit of the table
        cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS account_move_line_followup_matched_idx
                    ON account_move_line (id)
                    INCLUDE (account_id, company_id, partner_id, move_id, date,
                             date_maturity, followup_excluded, reconciled,
                             amount_residual, balance)
                 WHERE %s
                """,
                matched_line_predicate(),
            )
        )
        # the receivables on any date (``account.followup.analysis.
        # _receivables_at``): the balances of the posted lines by account and
        # date, read from the index alone
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS account_move_line_followup_balance_idx
                ON account_move_line (account_id, date)
                INCLUDE (company_id, balance)
             WHERE parent_state = 'posted'
            """
        )
        return res

    @api.depends(
        "followup_expected_date",
        "date_maturity",
        "move_id.invoice_date",
        "date",
        "followup_promise_ids.state",
        "followup_promise_ids.date",
    )
    @api.depends_context("company")
    def _compute_followup_reference_date(self):
        today = self.env.company._followup_today()
        for line in self:
            promise_date = line._followup_get_promise_date(today)
            ref_date = promise_date or line._followup_get_reference_date()
            line.followup_promise_date = promise_date
            line.followup_reference_date = ref_date
            line.followup_overdue = bool(ref_date and ref_date < today)
            line.followup_days_late = (
                (today - ref_date).days if line.followup_overdue else 0
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(FOLLOWUP_STAMP_FIELDS & set(v) for v in vals_list):
            self._followup_refuse_stamp()
        return super().create(vals_list)

    def write(self, vals):
        """The stamps are the follow-ups' own (nobody forges a reminder as sent,
        or makes one be sent again); the changes of the statement's fields are
        kept in the chatter."""
        if not self.env.su and FOLLOWUP_STAMP_FIELDS & set(vals):
            self._followup_refuse_stamp()
        traced = [fname for fname in FOLLOWUP_TRACED_FIELDS if fname in vals]
        if not traced or self.env.context.get("followup_no_trace"):
            return super().write(vals)
        # sudo: the values before, to log what changed once the write is accepted
        before = {
            line.id: {fname: line[fname] for fname in traced} for line in self.sudo()
        }
        res = super().write(vals)
        self._followup_log_changes(before, traced)
        return res

    def _followup_refuse_stamp(self):
        raise UserError(
            self.env._(
                "The follow-up level and date of a journal item record what was sent "
                "to the customer: only the follow-ups write them (process the "
                "follow-up, or mark it as done)."
            )
        )

    def _followup_log_changes(self, before, fnames):
        """Log in the chatter of each invoice and of its customer what changed on
        its lines (``before``: {line id: {field: value before}})."""
        by_move = defaultdict(list)
        for line in self.sudo():
            changes = []
            for fname in fnames:
                old, new = before[line.id][fname], line[fname]
                if old == new or (not old and not new):
                    continue
                changes.append(
                    Markup("<li>%s: %s → %s</li>")
                    % (
                        self._fields[fname]._description_string(self.env),
                        line._followup_trace_value(fname, old),
                        line._followup_trace_value(fname, new),
                    )
                )
            if changes:
                by_move[line.move_id].append((line, changes))
        if not by_move:
            return
        by_partner = defaultdict(list)
        bodies = {}
        for move, items in by_move.items():
            body = Markup("")
            for line, changes in items:
                item = Markup("<p><strong>%s</strong></p><ul>%s</ul>") % (
                    self.env._(
                        "Follow-up of %(reference)s",
                        reference=move.name or line.name or "",
                    ),
                    Markup("").join(changes),
                )
                body += item
                partner = line.partner_id.commercial_partner_id
                if partner:
                    by_partner[partner].append(item)
            bodies[move.id] = body
        moves = self.env["account.move"].browse(list(bodies))
        moves._message_log_batch(bodies=bodies)
        for partner, partner_bodies in by_partner.items():
            partner._message_log(body=Markup("").join(partner_bodies))

    def _followup_trace_value(self, fname, value):
        if fname == "followup_excluded":
            return self.env._("Yes") if value else self.env._("No")
        if not value:
            return self.env._("(none)")
        if fname == "followup_expected_date":
            return format_date(self.env, value)
        return value

    def _followup_restamp(self, level):
        """Stamp the lines with ``level`` (or none) instead of the level they have,
        keeping their follow-up date: the plan changed under them (see
        ``account.followup.level._restamp_moved``)."""
        if not self:
            return
        fnames = ["followup_level_id"]
        self.flush_recordset(fnames)
        self.modified(fnames)
        self.env.execute_query(
            SQL(
                "UPDATE account_move_line SET followup_level_id = %s WHERE id = ANY(%s)",
                level.id or None,
                self.ids,
            )
        )
        self.invalidate_recordset(fnames)

    def _followup_get_promise_date(self, today):
        """The date of the open promise covering the line while it holds (the
        latest, if several), else False: the line's reference date meanwhile (see
        the SQL twin in ``account.followup.status._lines_query``)."""
        self.ensure_one()
        dates = [
            promise.date
            for promise in self.followup_promise_ids
            if promise.state == "open" and promise.date >= today
        ]
        return max(dates) if dates else False

    @api.depends("move_id.followup_dispute_ids.state")
    def _compute_followup_disputed(self):
        disputed = self.move_id._followup_disputed_moves()
        for line in self:
            line.followup_disputed = line.move_id._origin in disputed

    def _search_followup_disputed(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search on disputed items with = or != only."))
        positive = (operator == "=") == value
        return [
            (
                "move_id.followup_dispute_ids",
                "any" if positive else "not any",
                [("state", "=", "open")],
            )
        ]

    def _followup_stamp(self, level_id, date):
        """Record on the lines that the level ``level_id`` was applied on ``date``.

        A follow-up note, not an accounting change: it is written straight to the
        table rather than through ``account.move.line.write()``, whose accounting
        checks (balanced entries, invoice synchronisation, lock dates) cost about ten
        queries per customer in a run over thousands of customers and have nothing
        to check on these two fields.
        """
        if not self:
            return
        fnames = ["followup_level_id", "followup_date", "write_uid", "write_date"]
        self.flush_recordset(fnames)
        self.modified(fnames)
        self.env.execute_query(
            SQL(
                "UPDATE account_move_line SET followup_level_id = %s, "
                "followup_date = %s, write_uid = %s, "
                "write_date = NOW() AT TIME ZONE 'UTC' WHERE id = ANY(%s)",
                level_id,
                date,
                self.env.uid,
                self.ids,
            )
        )
        self.invalidate_recordset(fnames)

    def _followup_get_reference_date(self):
        """The date from which follow-up delays are counted (see the SQL twin in
        ``account.followup.status._lines_query``)."""
        self.ensure_one()
        return (
            self.followup_expected_date
            or self.date_maturity
            or self.move_id.invoice_date
            or self.date
        )

    @api.model
    def _followup_statement_domain(self, partner, company=None):
        """Open receivable lines of a customer shown on its statement: the counted
        lines plus the excluded ones (shown, never counted). The ORM twin of
        ``account.followup.status._lines_query`` (written so that PostgreSQL can use
        account's partial index on unreconciled posted lines)."""
        company = company or self.env.company
        return [
            ("company_id", "=", company.id),
            ("partner_id", "child_of", partner.commercial_partner_id.ids),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
        ]

    @api.model
    def _followup_counted_domain(self, partner, company=None):
        """The lines of a customer that follow-ups count: its statement's lines less
        the excluded ones and those of an invoice in dispute."""
        return self._followup_statement_domain(partner, company) + [
            ("followup_excluded", "=", False),
            ("followup_disputed", "=", False),
        ]

    # ------------------------------------------------------------------
    # Actions of the statement's open items
    # ------------------------------------------------------------------

    def action_followup_dispute(self):
        """The statement line's Dispute button: the dispute of its invoice."""
        self.ensure_one()
        return self.move_id.action_followup_dispute()
