# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import FOLLOWUP_GROUPS
from .account_followup_analysis import AGING_PARTNER_FIELDS
from .account_followup_status import open_line_predicate


class ResPartner(models.Model):
    """The figures a credit controller reads first on the statement and in Follow-up
    Reports: how late, what was sent last, what comes next, to whom."""

    _inherit = "res.partner"

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
    followup_days_late = fields.Integer(
        string="Days late",
        compute="_compute_followup_dates",
        help="Days late of the oldest overdue item.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_next_action_display = fields.Date(
        string="Next action",
        compute="_compute_followup_dates",
        help="Today for a customer in need of action, else the date set on the "
        "customer, else the day its next level is reached.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_last_reminder_id = fields.Many2one(
        "account.followup.reminder",
        string="Last reminder",
        compute="_compute_followup_last_reminder",
        groups=FOLLOWUP_GROUPS,
    )
    followup_last_level_id = fields.Many2one(
        "account.followup.level",
        string="Last level",
        compute="_compute_followup_last_reminder",
        help="The level of the last reminder, still shown once it is done.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_last_reminder_date = fields.Date(
        string="Last reminder on",
        compute="_compute_followup_last_reminder",
        groups=FOLLOWUP_GROUPS,
    )
    followup_last_reminder_channels = fields.Char(
        string="Sent by",
        compute="_compute_followup_last_reminder",
        groups=FOLLOWUP_GROUPS,
    )
    followup_recipient_id = fields.Many2one(
        "res.partner",
        string="Reminders go to",
        compute="_compute_followup_recipient_id",
        help="The invoice contact of the customer, else the customer.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_recipient_email = fields.Char(
        string="Recipient email",
        compute="_compute_followup_recipient_id",
        groups=FOLLOWUP_GROUPS,
    )
    followup_recipient_phone = fields.Char(
        string="Recipient phone",
        compute="_compute_followup_recipient_id",
        groups=FOLLOWUP_GROUPS,
    )
    followup_recipient_mobile = fields.Char(
        string="Recipient mobile",
        compute="_compute_followup_recipient_id",
        groups=FOLLOWUP_GROUPS,
    )
    followup_recipient_address = fields.Char(
        string="Recipient address",
        compute="_compute_followup_recipient_id",
        groups=FOLLOWUP_GROUPS,
    )

    @api.model
    def _followup_dates_query(self, company, today, partner_ids):
        """Per commercial partner: the reference date of its oldest overdue item and
        the first day one of its items reaches its next level (the lines counted
        by follow-ups, see account.move.line._followup_counted_domain)."""
        reference = SQL(
            "COALESCE(line.followup_expected_date, line.date_maturity, line.date)"
        )
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id,
                   MIN(%(reference)s) FILTER (WHERE %(reference)s < %(today)s)
                       AS oldest_overdue,
                   MIN(%(reference)s + next_level.delay) AS next_level_date
              FROM account_move_line line
              JOIN res_partner partner ON partner.id = line.partner_id
              JOIN account_account account ON account.id = line.account_id
         LEFT JOIN account_followup_level done_level
                ON done_level.id = line.followup_level_id
         LEFT JOIN LATERAL (
                   SELECT MIN(level.delay) AS delay
                     FROM account_followup_level level
                    WHERE level.company_id = %(company)s AND level.active
                      AND level.delay > COALESCE(done_level.delay, -2147483648)
                   ) next_level ON TRUE
             WHERE %(open)s
               AND line.company_id = %(company)s
               AND account.account_type = 'asset_receivable'
               AND line.amount_residual > 0
               AND NOT COALESCE(line.followup_excluded, FALSE)
               AND partner.commercial_partner_id = ANY(%(partner_ids)s)
          GROUP BY partner.commercial_partner_id
            """,
            reference=reference,
            today=today,
            company=company.id,
            open=open_line_predicate("line"),
            partner_ids=list(partner_ids),
        )

    @api.depends_context("company")
    def _compute_followup_dates(self):
        company = self.env.company
        today = company._followup_today()
        commercial_ids = {p.commercial_partner_id._origin.id for p in self}
        commercial_ids.discard(False)
        rows = {}
        if commercial_ids:
            self.env["account.followup.status"]._flush()
            rows = {
                row["partner_id"]: row
                for row in self.env.execute_query_dict(
                    self._followup_dates_query(company, today, commercial_ids)
                )
            }
        for partner in self:
            row = rows.get(partner.commercial_partner_id._origin.id) or {}
            oldest = row.get("oldest_overdue")
            partner.followup_days_late = (today - oldest).days if oldest else 0
            if partner.followup_status == "in_need_of_action":
                partner.followup_next_action_display = today
            elif partner.followup_next_action_date:
                partner.followup_next_action_display = partner.followup_next_action_date
            else:
                next_date = row.get("next_level_date")
                partner.followup_next_action_display = next_date and max(
                    next_date, today + timedelta(days=1)
                )

    @api.depends_context("company")
    def _compute_followup_last_reminder(self):
        Reminder = self.env["account.followup.reminder"]
        groups = Reminder._read_group(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ],
            ["partner_id"],
            ["id:max"],
        )
        last = {partner.id: Reminder.browse(rid) for partner, rid in groups}
        labels = self.env["account.followup.confirm"]._channel_labels()
        for partner in self:
            reminder = last.get(partner.commercial_partner_id.id, Reminder)
            partner.followup_last_reminder_id = reminder
            partner.followup_last_level_id = reminder.level_id
            partner.followup_last_reminder_date = reminder.date
            partner.followup_last_reminder_channels = ", ".join(
                labels[c]
                for c in ("email", "letter", "sms", "post", "activity")
                if reminder and reminder[f"channel_{c}"]
            )

    def _compute_followup_recipient_id(self):
        for partner in self:
            commercial = partner.commercial_partner_id._origin
            recipient = (
                commercial._followup_get_recipient() if commercial else commercial
            )
            partner.followup_recipient_id = recipient
            partner.followup_recipient_email = recipient.email
            partner.followup_recipient_phone = recipient.phone
            partner.followup_recipient_mobile = recipient.mobile
            address = (
                recipient._display_address(without_company=True) if recipient else ""
            )
            partner.followup_recipient_address = ", ".join(
                part.strip() for part in address.split("\n") if part.strip()
            )

    def action_followup_edit_recipient(self):
        """Open the contact that receives the reminders, to complete it."""
        self.ensure_one()
        self._followup_check_access()
        recipient = self._followup_get_recipient()
        return {
            "type": "ir.actions.act_window",
            "name": recipient.display_name,
            "res_model": "res.partner",
            "res_id": recipient.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

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
