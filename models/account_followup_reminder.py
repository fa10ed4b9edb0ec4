# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# What a reminder's email went through, from the notification of its message (the
# mail queue and Odoo's bounce handling write it).
EMAIL_STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("bounced", "Bounced"),
    ("error", "Error"),
]
NOTIFICATION_TO_STATE = {
    "ready": "queued",
    "process": "queued",
    "pending": "queued",
    "sent": "sent",
    "bounce": "bounced",
    "exception": "error",
    "canceled": "error",
}


class AccountFollowupReminder(models.Model):
    """One execution of a follow-up level for a customer: the document a credit
    controller looks back on (what was sent, when, for which lines, through which
    channels and with which outcome).

    The reminder email is posted on this record, so that the customer's reply comes
    back to it; the customer's chatter gets a short note that links here.
    """

    _name = "account.followup.reminder"
    _description = "Payment Reminder"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    level_id = fields.Many2one(
        "account.followup.level",
        string="Level",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    date = fields.Date(required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Done by",
        readonly=True,
        help="Who ran the reminder; empty for the daily run.",
    )
    origin = fields.Selection(
        [
            ("statement", "Customer statement"),
            ("batch", "Batch"),
            ("cron", "Daily run"),
        ],
        readonly=True,
        required=True,
        default="statement",
    )
    partial = fields.Boolean(
        string="Single action",
        readonly=True,
        help="One action run from the statement: the level is not marked as done.",
    )
    line_ids = fields.Many2many(
        "account.move.line",
        "account_followup_reminder_line_rel",
        "reminder_id",
        "line_id",
        string="Journal items",
        readonly=True,
    )
    move_ids = fields.Many2many(
        "account.move",
        "account_followup_reminder_move_rel",
        "reminder_id",
        "move_id",
        string="Invoices",
        readonly=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_due = fields.Monetary(readonly=True, currency_field="currency_id")
    amount_overdue = fields.Monetary(readonly=True, currency_field="currency_id")
    actions = fields.Html(
        string="Actions done", readonly=True, sanitize=True, sanitize_attributes=True
    )
    channel_email = fields.Boolean(string="Email", readonly=True)
    channel_letter = fields.Boolean(string="Letter", readonly=True)
    channel_sms = fields.Boolean(string="SMS", readonly=True)
    channel_post = fields.Boolean(string="Post", readonly=True)
    channel_activity = fields.Boolean(string="Activity", readonly=True)
    email_message_id = fields.Many2one("mail.message", readonly=True, index=True)
    email_state = fields.Selection(
        EMAIL_STATES,
        compute="_compute_email_state",
        store=True,
        help="From the mail queue and Odoo's bounce handling.",
    )
    email_to = fields.Char(string="Emailed to", readonly=True)
    letter_state = fields.Selection(
        [("to_print", "To print"), ("generated", "Generated")],
        readonly=True,
    )
    sms_message_id = fields.Many2one("mail.message", readonly=True)
    sms_state = fields.Selection(EMAIL_STATES, compute="_compute_sms_state", store=True)
    snailmail_letter_id = fields.Many2one("snailmail.letter", readonly=True)
    post_state = fields.Selection(
        [
            ("pending", "Pending"),
            ("sent", "Sent"),
            ("error", "Error"),
            ("canceled", "Cancelled"),
        ],
        compute="_compute_post_state",
        store=True,
    )

    @api.depends("partner_id", "level_id", "date")
    def _compute_display_name(self):
        for reminder in self:
            reminder.display_name = self.env._(
                "%(level)s — %(partner)s",
                level=reminder.level_id.name or "",
                partner=reminder.partner_id.display_name or "",
            )

    @api.model
    def _state_of(self, message, notification_type):
        notifications = message.notification_ids.filtered(
            lambda n: n.notification_type == notification_type
        )
        if not notifications:
            return False
        states = {
            NOTIFICATION_TO_STATE.get(n.notification_status) for n in notifications
        }
        for state in ("bounced", "error", "queued", "sent"):
            if state in states:
                return state
        return False

    @api.depends("email_message_id.notification_ids.notification_status")
    def _compute_email_state(self):
        for reminder in self:
            reminder.email_state = (
                self._state_of(reminder.email_message_id, "email")
                if reminder.email_message_id
                else False
            )

    @api.depends("sms_message_id.notification_ids.notification_status")
    def _compute_sms_state(self):
        for reminder in self:
            reminder.sms_state = (
                self._state_of(reminder.sms_message_id, "sms")
                if reminder.sms_message_id
                else False
            )

    @api.depends("snailmail_letter_id.state")
    def _compute_post_state(self):
        for reminder in self:
            reminder.post_state = reminder.snailmail_letter_id.state or False

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        # the customer receives the reminder as a plain email: no "View reminder"
        # button towards a backend record it cannot open
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        for group in groups:
            if group[0] in ("portal_customer", "customer"):
                group[2]["has_button_access"] = False
        return groups

    def action_open_partner(self):
        self.ensure_one()
        return self.partner_id.action_open_followup_statement()
