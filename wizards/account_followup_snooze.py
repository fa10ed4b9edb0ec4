# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

SNOOZE_DELAYS = {
    "1w": relativedelta(weeks=1),
    "2w": relativedelta(weeks=2),
    "1m": relativedelta(months=1),
    "2m": relativedelta(months=2),
}
# The shortcuts offered wherever a follow-up date is chosen (Reminder, Log a note).
SNOOZE_SELECTION = [
    ("1w", "One week"),
    ("2w", "Two weeks"),
    ("1m", "One month"),
    ("2m", "Two months"),
    ("date", "A date"),
]


class AccountFollowupSnooze(models.TransientModel):
    """The Reminder wizard: when should the customer show up again, and should
    the reminders stay automatic."""

    _name = "account.followup.snooze"
    _description = "Follow-up reminder"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    delay = fields.Selection(
        SNOOZE_SELECTION,
        string="Remind me in",
        required=True,
        default="1w",
    )
    date = fields.Date(
        string="Next follow-up",
        compute="_compute_date",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    reminder_type = fields.Selection(
        [("manual", "Manual"), ("automatic", "Automatic")],
        string="Reminders",
        required=True,
        default=lambda self: self._default_reminder_type(),
        help="Manual: the customer shows up only on the chosen date and the daily "
        "run leaves it alone. Automatic: the daily run sends the automatic levels.",
    )
    note = fields.Text()

    @api.model
    def _default_reminder_type(self):
        """The customers' current reminder type (Manual when they differ)."""
        partner_ids = self.env.context.get("default_partner_ids") or []
        partners = self.env["res.partner"].browse(partner_ids).commercial_partner_id
        types = {p._followup_get_reminder_type() for p in partners}
        return types.pop() if len(types) == 1 else "manual"

    @api.depends("delay")
    def _compute_date(self):
        today = self.env.company._followup_today()
        for wizard in self:
            if wizard.delay in SNOOZE_DELAYS:
                wizard.date = today + SNOOZE_DELAYS[wizard.delay]
            elif not wizard.date:
                wizard.date = today + SNOOZE_DELAYS["1w"]

    def action_apply(self):
        self.ensure_one()
        self.env["res.partner"]._followup_check_access()
        today = self.env.company._followup_today()
        if self.date < today:
            raise UserError(
                self.env._(
                    "The next follow-up date cannot be in the past (%(date)s).",
                    date=format_date(self.env, self.date),
                )
            )
        # sudo: the user was checked above; billing users need not be allowed to
        # edit contacts to schedule their follow-up
        partners = self.partner_ids.commercial_partner_id.sudo()
        partners.write(
            {
                "followup_next_action_date": self.date,
                "followup_reminder_type": self.reminder_type,
            }
        )
        label = dict(self._fields["reminder_type"]._description_selection(self.env))
        body = Markup("<p>%s</p>") % self.env._(
            "Next follow-up on %(date)s (reminders: %(type)s).",
            date=format_date(self.env, self.date),
            type=label[self.reminder_type],
        )
        if self.note:
            body += Markup("<p>%s</p>") % self.note
        for partner in partners:
            partner._message_log(body=body)
        return self.partner_ids._followup_next_partner_action(
            self.env._(
                "next follow-up on %(date)s", date=format_date(self.env, self.date)
            )
        )
