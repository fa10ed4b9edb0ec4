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
        string="Invoices",
        compute="_compute_move_ids",
        search="_search_move_ids",
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
        readonly=True,
        help="From the mail queue and Odoo's bounce handling.",
    )
    email_to = fields.Char(string="Emailed to", readonly=True)
    letter_state = fields.Selection(
        [("to_print", "To print"), ("generated", "Generated")],
        readonly=True,
    )
    sms_message_id = fields.Many2one("mail.message", readonly=True)
    sms_state = fields.Selection(EMAIL_STATES, readonly=True)
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

    @api.depends("line_ids")
    def _compute_move_ids(self):
        for reminder in self:
            reminder.move_ids = reminder.line_ids.move_id

    def _search_move_ids(self, operator, value):
        return [("line_ids.move_id", operator, value)]

    @api.model
    def _state_of(self, notifications):
        """The delivery state of a message from its notifications (the worst
        one first)."""
        states = {
            NOTIFICATION_TO_STATE.get(n.notification_status) for n in notifications
        }
        for state in ("bounced", "error", "queued", "sent"):
            if state in states:
                return state
        return False

    @api.model
    def _update_delivery_states(self, messages):
        """Follow the notifications of the reminders' emails and SMS (the mail and
        SMS queues, the bounce handling change them): called when notification
        statuses change, for the messages concerned."""
        for fname, state_fname, notification_type in (
            ("email_message_id", "email_state", "email"),
            ("sms_message_id", "sms_state", "sms"),
        ):
            reminders = self.search([(fname, "in", messages.ids)])
            for reminder in reminders:
                notifications = reminder[fname].notification_ids.filtered(
                    lambda n, t=notification_type: n.notification_type == t
                )
                state = self._state_of(notifications)
                if state and reminder[state_fname] != state:
                    reminder[state_fname] = state

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

    def _message_compute_parent_id(self, parent_id):
        # the reminder email is the first message of a reminder created in the same
        # transaction: there is no thread to attach it to (saves a search per email)
        if not parent_id and self.env.context.get("followup_first_message"):
            return False
        return super()._message_compute_parent_id(parent_id)

    def _notify_thread_by_web_push(
        self, message, recipients_data, msg_vals=False, **kw
    ):
        # push notifications go to the devices of users: a reminder is sent to a
        # customer, who has none (the users following a reply still get theirs)
        if not any(recipient.get("uid") for recipient in recipients_data):
            return
        return super()._notify_thread_by_web_push(
            message, recipients_data, msg_vals=msg_vals, **kw
        )

    def action_open_partner(self):
        self.ensure_one()
        return self.partner_id.action_open_followup_statement()
