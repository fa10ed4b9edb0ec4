# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import FOLLOWUP_GROUPS, FOLLOWUP_STATUSES
from .account_followup_analysis import AGING_PARTNER_FIELDS
from .account_followup_status import FOLLOWUP_SQL_COLUMNS

# What a billing user may change on a partner without the right to edit contacts
# (see ``ResPartner.write``).
FOLLOWUP_BILLING_WRITABLE = {
    "followup_next_action_date",
    "followup_reminder_type",
    "followup_responsible_id",
    "followup_line_ids",
    "trust",
}


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
    followup_reminder_ids = fields.One2many(
        "account.followup.reminder",
        "partner_id",
        string="Payment reminders",
        readonly=True,
        groups=FOLLOWUP_GROUPS,
    )
    followup_cron_attempts = fields.Integer(
        company_dependent=True,
        copy=False,
        help="Technical: how many daily runs in a row stopped (the server's time or "
        "memory limit) while processing this customer. Such a customer is processed "
        "last and alone; after 3 the daily run reports it and leaves it alone until "
        "its follow-up is processed by hand.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_reminder_count = fields.Integer(
        compute="_compute_followup_reminder_count", groups=FOLLOWUP_GROUPS
    )
    followup_queue_label = fields.Char(
        string="Position in the list",
        compute="_compute_followup_queue_label",
        help="Working through Follow-up Reports: this customer's place among those "
        "in need of action.",
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
    # The customer's answers, on the statement and as filters of Follow-up Reports
    # (current company)
    followup_promise_ids = fields.One2many(
        "account.followup.promise",
        compute="_compute_followup_answers",
        string="Promises to pay",
        help="Open promises, and broken ones not followed up yet.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_dispute_ids = fields.One2many(
        "account.followup.dispute",
        compute="_compute_followup_answers",
        string="Open disputes",
        groups=FOLLOWUP_GROUPS,
    )
    followup_promise_open = fields.Boolean(
        string="Payment promised",
        compute="_compute_followup_answers",
        search="_search_followup_promise_open",
        help="The customer promised to pay and the promise is open.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_promise_broken = fields.Boolean(
        string="Promise broken",
        compute="_compute_followup_answers",
        search="_search_followup_promise_broken",
        help="A promise to pay was broken and its items are still open.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_in_dispute = fields.Boolean(
        string="In dispute",
        compute="_compute_followup_answers",
        search="_search_followup_in_dispute",
        help="An invoice of the customer is in dispute.",
        groups=FOLLOWUP_GROUPS,
    )

    # The aging strip of the statement (account.followup.analysis._aging): the
    # counted open items by days past their due date, today.
    followup_aging_current = fields.Monetary(
        string="Not due",
        compute="_compute_followup_aging",
        currency_field="currency_id",
        help="Open amount not yet due (due date today or later).",
        groups=FOLLOWUP_GROUPS,
    )
    followup_aging_1_30 = fields.Monetary(
        string="1-30 days",
        compute="_compute_followup_aging",
        currency_field="currency_id",
        help="Open amount 1 to 30 days past its due date.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_aging_31_60 = fields.Monetary(
        string="31-60 days",
        compute="_compute_followup_aging",
        currency_field="currency_id",
        help="Open amount 31 to 60 days past its due date.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_aging_61_90 = fields.Monetary(
        string="61-90 days",
        compute="_compute_followup_aging",
        currency_field="currency_id",
        help="Open amount 61 to 90 days past its due date.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_aging_90_plus = fields.Monetary(
        string="Over 90 days",
        compute="_compute_followup_aging",
        currency_field="currency_id",
        help="Open amount more than 90 days past its due date.",
        groups=FOLLOWUP_GROUPS,
    )

    # ------------------------------------------------------------------
    # Writing from the statement
    # ------------------------------------------------------------------

    def write(self, vals):
        """Billing users work the follow-ups without necessarily being allowed to
        edit contacts: the follow-up settings of a partner and its open items are
        theirs to change from the statement. A change of trust is logged."""
        if "trust" in vals and not self.env.context.get("followup_trust_logged"):
            before = {partner.id: partner.trust for partner in self}
            result = self.with_context(followup_trust_logged=True).write(vals)
            self._followup_log_trust(before)
            return result
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

    def message_post(self, **kwargs):
        """A note logged or an activity marked as done (the call of a call level)
        by a billing user counts as the action of the current level: Done is then
        allowed."""
        message = super().message_post(**kwargs)
        if (
            (
                kwargs.get("message_type") == "comment"
                or kwargs.get("mail_activity_type_id")
            )
            # the chatter posts as superuser, for the user (self.env.user)
            and self.env.user.has_group("account.group_account_invoice")
        ):
            customers = self.commercial_partner_id.filtered("followup_level_id")
            # sudo: a company-dependent flag of the follow-up, set for the user's
            # own note; billing users need not be allowed to edit contacts
            customers.sudo().followup_actions_done = True
        return message

    def _followup_log_trust(self, before):
        labels = dict(self._fields["trust"]._description_selection(self.env))
        for partner in self:
            if (before.get(partner.id) or "normal") == (partner.trust or "normal"):
                continue
            # sudo: a note in the history of the partner whose trust the user
            # just changed (billing users need not be allowed to edit contacts)
            partner.sudo()._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Trust changed from %(old)s to %(new)s.",
                    old=labels.get(before.get(partner.id) or "normal"),
                    new=labels.get(partner.trust or "normal"),
                )
            )

    # ------------------------------------------------------------------
    # The computed figures (account.followup.status)
    # ------------------------------------------------------------------

    @api.depends_context("company")
    def _compute_followup_data(self):
        def commercial_id(partner):
            # a record being edited in a form (NewId) has the figures of the
            # record it comes from; a contact not saved yet has none
            return partner.commercial_partner_id._origin.id or partner._origin.id

        commercial_ids = {commercial_id(p) for p in self}
        commercial_ids.discard(False)
        data = (
            self.env["account.followup.status"]._get_data(
                partner_ids=list(commercial_ids)
            )
            if commercial_ids
            else {}
        )
        for partner in self:
            partner._followup_assign_data(data.get(commercial_id(partner)))

    def _followup_assign_data(self, row):
        """Assign a row of ``account.followup.status._get_data`` to the figures."""
        row = row or {}
        self.followup_status = row.get("status") or "no_action_needed"
        self.followup_level_id = row.get("level_id") or False
        self.followup_total_due = row.get("total_due") or 0.0
        self.followup_total_overdue = row.get("total_overdue") or 0.0

    @api.depends_context("company")
    def _compute_followup_aging(self):
        """The aging strip of all the partners of ``self`` in one query."""

        def commercial_id(partner):
            return partner.commercial_partner_id._origin.id or partner._origin.id

        commercial_ids = {commercial_id(p) for p in self}
        commercial_ids.discard(False)
        aging = (
            self.env["account.followup.analysis"]._aging(
                partner_ids=list(commercial_ids), counted_only=True
            )
            if commercial_ids
            else {}
        )
        for partner in self:
            row = aging.get(commercial_id(partner)) or {}
            for fname, bucket in AGING_PARTNER_FIELDS.items():
                partner[fname] = row.get(bucket, 0.0)

    def _search_followup_status(self, operator, value):
        # the status comes from raw SQL: only those who may read it may search it
        self.check_field_access_rights("read", ["followup_status"])
        return self.env["account.followup.status"]._status_domain(operator, value)

    def _search_followup_level_id(self, operator, value):
        return self.env["account.followup.status"]._figure_domain(
            "followup_level_id", operator, value
        )

    def _search_followup_total_due(self, operator, value):
        return self.env["account.followup.status"]._figure_domain(
            "followup_total_due", operator, value
        )

    def _search_followup_total_overdue(self, operator, value):
        return self.env["account.followup.status"]._figure_domain(
            "followup_total_overdue", operator, value
        )

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """Give the computed follow-up figures an SQL expression: the columns of the
        set-based status query joined on the commercial partner.

        Odoo groups, sorts and sums through this method (and derives `groupable`,
        `sortable` and `aggregator` of ``fields_get`` from it), so the Follow-up
        Reports list can be grouped by level or status, sorted by the amounts and
        show the sums per group, all computed by PostgreSQL in one query, without
        storing values that change every day.
        """
        if fname in AGING_PARTNER_FIELDS and query is not None:
            # the aging columns sort and sum the same way
            self.check_field_access_rights("read", [fname])
            Analysis = self.env["account.followup.analysis"]
            if flush:
                Analysis._flush()
            commercial = super()._field_to_sql(
                alias, "commercial_partner_id", query, flush
            )
            return Analysis._join_aging(alias, fname, query, commercial)
        if fname not in FOLLOWUP_SQL_COLUMNS or query is None:
            return super()._field_to_sql(alias, fname, query, flush)
        self.check_field_access_rights("read", [fname])
        Status = self.env["account.followup.status"]
        if flush:
            Status._flush()
        commercial = super()._field_to_sql(alias, "commercial_partner_id", query, flush)
        return Status._join_figure(self, alias, fname, query, commercial)

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

    @api.depends_context("company", "followup_open_next", "followup_queue_done")
    def _compute_followup_queue_label(self):
        context = self.env.context
        queue = self._followup_queue().ids if context.get("followup_open_next") else []
        done = context.get("followup_queue_done") or 0
        for partner in self:
            commercial = partner.commercial_partner_id._origin.id
            if commercial not in queue:
                partner.followup_queue_label = False
                continue
            partner.followup_queue_label = self.env._(
                "Customer %(position)s of %(total)s",
                position=done + queue.index(commercial) + 1,
                total=done + len(queue),
            )

    @api.model
    def _followup_queue(self):
        """The customers in need of action, in the order the statement flow opens
        them."""
        return self.search(
            [("followup_status", "=", "in_need_of_action"), ("parent_id", "=", False)],
            order="name, id",
        )

    @api.model
    def _followup_answer_domains(self):
        """{field: (model, domain)}: the promises and disputes the statement and
        the filters of Follow-up Reports speak of, in the current company."""
        company = [("company_id", "=", self.env.company.id)]
        return {
            "followup_promise_open": (
                "account.followup.promise",
                [*company, ("state", "=", "open")],
            ),
            "followup_promise_broken": (
                "account.followup.promise",
                [
                    *company,
                    ("state", "=", "broken"),
                    (
                        "line_ids",
                        "any",
                        [("reconciled", "=", False), ("amount_residual", "!=", 0)],
                    ),
                ],
            ),
            "followup_in_dispute": (
                "account.followup.dispute",
                [*company, ("state", "=", "open")],
            ),
        }

    def _followup_answers_search(self, fname, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("This follow-up filter can only be searched with = or !=.")
            )
        model, domain = self._followup_answer_domains()[fname]
        query = self.env[model]._search(domain)
        positive = (operator == "=") == value
        return [
            (
                "commercial_partner_id",
                "in" if positive else "not in",
                query.subselect("partner_id"),
            )
        ]

    def _search_followup_promise_open(self, operator, value):
        return self._followup_answers_search("followup_promise_open", operator, value)

    def _search_followup_promise_broken(self, operator, value):
        return self._followup_answers_search("followup_promise_broken", operator, value)

    def _search_followup_in_dispute(self, operator, value):
        return self._followup_answers_search("followup_in_dispute", operator, value)

    @api.depends_context("company")
    def _compute_followup_answers(self):
        domains = self._followup_answer_domains()
        commercial = self.commercial_partner_id._origin
        partner_domain = [("partner_id", "in", commercial.ids)]

        def records(fname, extra=None):
            model, domain = domains[fname]
            return self.env[model].search(
                partner_domain + domain + (extra or []), order="date, id"
            )

        open_promises = records("followup_promise_open")
        # broken promises stay on the statement until their escalation is done
        broken = records("followup_promise_broken")
        pending = broken.filtered("escalation_pending")
        disputes = records("followup_in_dispute")
        for partner in self:
            origin = partner.commercial_partner_id._origin
            partner.followup_promise_ids = (open_promises | pending).filtered(
                lambda pr, o=origin: pr.partner_id == o
            )
            partner.followup_dispute_ids = disputes.filtered(
                lambda d, o=origin: d.partner_id == o
            )
            partner.followup_promise_open = bool(
                open_promises.filtered(lambda pr, o=origin: pr.partner_id == o)
            )
            partner.followup_promise_broken = bool(
                broken.filtered(lambda pr, o=origin: pr.partner_id == o)
            )
            partner.followup_in_dispute = bool(partner.followup_dispute_ids)

    def _compute_followup_reminder_count(self):
        groups = self.env["account.followup.reminder"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.followup_reminder_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    # ------------------------------------------------------------------
    # Helpers on one partner
    # ------------------------------------------------------------------

    def _followup_get_reminder_type(self):
        return self.followup_reminder_type or "automatic"

    def _followup_get_responsible(self, level=None):
        """Who does the manual actions (calls, failures to fix), always an active
        internal user: the level's user, else the follow-up responsible, else the
        salesperson, else the company's follow-up manager, else the user running
        the follow-up, else an accounting administrator of the company. An
        archived or portal user is skipped: the daily run runs as Odoo's inactive
        system user, nobody would see its activities."""
        self.ensure_one()
        company = self.env.company
        candidates = [
            level.activity_user_id if level else None,
            self.followup_responsible_id,
            self.user_id,
            company.followup_manager_id,
            self.env.user,
        ]
        for user in candidates:
            if user and user.active and not user.share:
                return user
        # sudo: the members of the group, to find someone who sees the activity
        administrators = (
            self.env.ref("account.group_account_manager")
            .sudo()
            .users.filtered(
                lambda u: u.active and not u.share and company in u.company_ids
            )
        )
        return (administrators.sorted("id")[:1] or self.env.user).with_env(self.env)

    def _followup_get_recipient(self):
        """The contact that receives the reminders: the invoice address of the
        commercial partner, else the commercial partner itself; never a contact
        restricted to another company than the current one."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        company = self.env.company

        def allowed(partner):
            return not partner.company_id or partner.company_id in company.parent_ids

        invoice_id = commercial.address_get(["invoice"])["invoice"]
        recipient = self.browse(invoice_id) if invoice_id else commercial
        if recipient != commercial and not allowed(recipient):
            invoice_contacts = self.search(
                [
                    ("id", "child_of", commercial.id),
                    ("id", "!=", commercial.id),
                    ("type", "=", "invoice"),
                    ("is_company", "=", False),
                ],
                order="id",
            ).filtered(allowed)
            recipient = invoice_contacts[:1] or commercial
        return recipient

    def _followup_get_lang(self):
        """The language of the reminders (email, SMS, letter): the recipient's, else
        the customer's, else the environment's."""
        self.ensure_one()
        recipient = self._followup_get_recipient()
        return recipient.lang or self.commercial_partner_id.lang or self.env.lang

    def _followup_open_lines(self):
        """Counted lines of the commercial partner in the current company."""
        self.ensure_one()
        Line = self.env["account.move.line"]
        return Line.search(
            Line._followup_counted_domain(self.commercial_partner_id),
            order="date_maturity, id",
        )

    def _followup_check_company(self):
        """Follow-ups are per company: a partner restricted to another company is
        followed up from that company, not from the current one."""
        self.ensure_one()
        company = self.env.company
        if self.company_id and self.company_id not in company.parent_ids:
            raise UserError(
                self.env._(
                    "%(partner)s belongs to the company %(partner_company)s: switch "
                    "to that company to follow it up (you are working in "
                    "%(company)s).",
                    partner=self.display_name,
                    partner_company=self.company_id.name,
                    company=company.name,
                )
            )

    def _followup_check_access(self):
        """The gate of every public entry point: billing users only, on partners
        they can read (the execution then runs as superuser, see
        ``account.followup.execution``)."""
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._("Only billing users can work on payment follow-ups.")
            )
        self.check_access("read")

    def _followup_render_statement(self, level=None):
        """The statement table as HTML (the statement form shows it)."""
        self.ensure_one()
        return self.env["account.followup.send"]._render_statement(self, level=level)

    # ------------------------------------------------------------------
    # Public entry points
    # ------------------------------------------------------------------

    def action_followup_process(self):
        """Execute the current level of each partner; letters come back as one PDF
        download (the batch wizard shows the summary)."""
        self._followup_check_access()
        single = len(self.commercial_partner_id) == 1
        summary = self.env["account.followup.execution"]._execute(
            self, raise_errors=single, origin="statement" if single else "batch"
        )
        if single and not summary["processed"] and summary["skipped"]:
            raise UserError(summary["skipped"][0][1])
        return self._followup_summary_action(summary)

    def _followup_run_channel(self, channel):
        """One channel alone: from the statement (one customer, errors raised), or
        from the list on several customers (errors reported, summary shown)."""
        self._followup_check_access()
        single = len(self.commercial_partner_id) == 1
        summary = self.env["account.followup.execution"]._execute(
            self,
            channels=[channel],
            raise_errors=single,
            origin="statement" if single else "batch",
        )
        if single and summary["skipped"]:
            raise UserError(summary["skipped"][0][1])
        if channel == "letter" and single:
            return summary["letters"]._followup_letters_action()
        return self._followup_summary_action(summary)

    def action_followup_send_email(self):
        return self._followup_run_channel("email")

    def action_followup_print_letter(self):
        return self._followup_run_channel("letter")

    def action_followup_send_sms(self):
        return self._followup_run_channel("sms")

    def action_followup_send_post(self):
        return self._followup_run_channel("post")

    def action_followup_post_confirm(self):
        """Send by post from the statement: the address is checked first (a warning
        says what is missing), then the user confirms the paid service."""
        self._followup_check_access()
        Send = self.env["account.followup.send"]
        for partner in self.commercial_partner_id:
            level = partner.followup_level_id or Send._document_level(partner)
            Send._check_post(partner, level)
        return self.env["account.followup.confirm"]._action_open(self, "post")

    def action_followup_open_send_wizard(self):
        """Follow-up: the send wizard on the customers of ``self``."""
        self._followup_check_access()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Follow-up"),
            "res_model": "account.followup.send.wizard",
            "view_mode": "form",
            "target": "new",
            "context": dict(
                self.env.context,
                default_partner_ids=self.commercial_partner_id.ids,
            ),
        }

    def action_followup_process_confirm(self):
        """Process follow-ups from the list: confirm first, each customer with its
        level and its channels (the paid ones marked)."""
        self._followup_check_access()
        return self.env["account.followup.confirm"]._action_open(self, "process")

    def action_followup_done(self):
        """Done: the current level was handled by hand (after at least one action
        from the statement); stamp its lines and move on."""
        self._followup_check_access()
        levels = {p.id: p.followup_level_id.name for p in self.commercial_partner_id}
        self.env["account.followup.execution"]._mark_done_by_hand(self)
        return self._followup_next_partner_action(
            {
                p.id: self.env._("%(level)s done", level=levels.get(p.id) or "")
                for p in self.commercial_partner_id
            }
        )

    def action_followup_later(self):
        """Do it later: hide the partner from the list until tomorrow, without
        marking anything as done."""
        self._followup_check_access()
        Execution = self.env["account.followup.execution"]
        Execution._postpone(self, Execution._postpone_date())
        return self._followup_next_partner_action(self.env._("postponed to tomorrow"))

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

    def action_followup_promise(self):
        """The statement's Promise to pay: the promise form in a dialog, with the
        customer's open invoices and their amount preselected (shortcuts: one
        week, two weeks, one month)."""
        self.ensure_one()
        self._followup_check_access()
        self._followup_check_company()
        view = self.env.ref(
            "account_payment_followup.account_followup_promise_view_form_dialog"
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to pay"),
            "res_model": "account.followup.promise",
            "view_mode": "form",
            "views": [(view.id, "form")],
            "target": "new",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_company_id": self.env.company.id,
                "default_delay": "1w",
            },
        }

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

    def action_open_followup_reminders(self):
        self.ensure_one()
        self._followup_check_access()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_payment_followup.account_followup_reminder_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    def action_followup_export_xlsx(self):
        """The statements of the selected customers as one XLSX workbook, with
        their aging (a sheet per customer, and a summary for several)."""
        return self.env["account.followup.export"]._statement_action(self)

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
                "message": self._followup_summary_message(summary),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _followup_summary_message(self, summary):
        """What was done for one customer, in the words of what really happened:
        "Email queued to ann@example.com", "SMS queued to +32...", "letter queued
        for the post"; the level said done when it was."""
        parts = []
        for reminder in summary["reminders"]:
            if reminder.channel_email:
                parts.append(
                    self.env._("Email queued to %(email)s", email=reminder.email_to)
                )
            if reminder.letter_state == "to_print":
                parts.append(self.env._("letter waiting in Letters to print"))
            if reminder.channel_sms:
                parts.append(self.env._("SMS queued"))
            if reminder.channel_post:
                parts.append(self.env._("letter queued for the post"))
            if reminder.channel_activity:
                parts.append(self.env._("activity planned"))
            if not reminder.partial:
                parts.append(
                    self.env._("level “%(level)s” done", level=reminder.level_id.name)
                )
        if not parts:
            return self.env._("Nothing was sent.")
        message = ", ".join(parts)
        return message[0].upper() + message[1:] + "."

    def _followup_letters_action(self):
        """One PDF with the letters of all partners of ``self``."""
        if not self:
            return False
        return self.env.ref(
            "account_payment_followup.res_partner_action_report_followup_letter"
        ).report_action(self)

    def _followup_next_partner_action(self, what=""):
        """Say what was done and open the next customer in need of action in place
        of this one (the statement flow), or go back to the list when it is done.

        :param what: what was done ("Friendly reminder done"), or
            {partner id: what} when it differs per customer
        """
        customers = self.commercial_partner_id
        if not isinstance(what, dict):
            what = dict.fromkeys(customers.ids, what)
        message = "; ".join(
            self.env._("%(partner)s — %(what)s", partner=p.name, what=what[p.id])
            if what.get(p.id)
            else p.name
            for p in customers
        )
        context = self.env.context
        if not context.get("followup_open_next"):
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": message,
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        next_partner = self._followup_queue().filtered(lambda p: p not in customers)[:1]
        if not next_partner:
            action = self.env["ir.actions.actions"]._for_xml_id(
                "account_payment_followup.res_partner_action_followup"
            )
            return {
                "type": "ir.actions.client",
                "tag": "account_payment_followup_open_next",
                "params": {
                    "message": self.env._(
                        "%(message)s · the list is done", message=message
                    ),
                    "next": action,
                    "clear_breadcrumbs": True,
                },
            }
        action = next_partner.action_open_followup_statement()
        action["context"] = dict(
            action["context"],
            followup_queue_done=(context.get("followup_queue_done") or 0)
            + len(customers),
        )
        return {
            "type": "ir.actions.client",
            "tag": "account_payment_followup_open_next",
            "params": {
                "message": self.env._(
                    "%(message)s · next: %(next)s",
                    message=message,
                    next=next_partner.name,
                ),
                "next": action,
            },
        }

    # ------------------------------------------------------------------
    # The daily run
    # ------------------------------------------------------------------

    @api.model
    def _cron_execute_followups(
        self, batch_size=None, time_budget=None, auto_commit=None
    ):
        """The daily run (see ``account.followup.execution._cron_run``)."""
        return self.env["account.followup.execution"]._cron_run(
            batch_size=batch_size, time_budget=time_budget, auto_commit=auto_commit
        )
