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
