# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class AccountFollowupReminderAnalysis(models.Model):
    """What each reminder achieved (the "Reminder effect" pivot): one row per
    reminder with the amount it asked for and the part of it paid within 7 and 30
    days (``account.followup.analysis._reminder_effect_query``), by level, channels,
    who ran it and the customer's follow-up responsible."""

    _name = "account.followup.reminder.analysis"
    _description = "Follow-up Analysis: effect of the reminders"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "reminder_id"
    _depends = {
        "account.followup.reminder": [
            "channel_activity",
            "channel_email",
            "channel_letter",
            "channel_post",
            "channel_sms",
            "company_id",
            "date",
            "level_id",
            "line_ids",
            "origin",
            "partial",
            "partner_id",
            "user_id",
        ],
        "account.move.line": ["balance"],
        "account.partial.reconcile": [
            "amount",
            "credit_move_id",
            "debit_move_id",
            "max_date",
        ],
    }

    reminder_id = fields.Many2one("account.followup.reminder", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    level_id = fields.Many2one("account.followup.level", readonly=True)
    date = fields.Date(readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Done by",
        readonly=True,
        help="Who ran the reminder; empty for the daily run.",
    )
    responsible_id = fields.Many2one(
        "res.users",
        string="Follow-up responsible",
        readonly=True,
        help="The customer's follow-up responsible in the reminder's company.",
    )
    origin = fields.Selection(
        [
            ("statement", "Customer statement"),
            ("batch", "Batch"),
            ("cron", "Daily run"),
        ],
        readonly=True,
    )
    partial = fields.Boolean(
        string="Single action",
        readonly=True,
        help="One action run from the statement: the level is not marked as done. "
        "The collection figures count the level executions only.",
    )
    channels = fields.Char(
        readonly=True, help="The channels the reminder used, together."
    )
    channel_email = fields.Boolean(string="Email", readonly=True)
    channel_letter = fields.Boolean(string="Letter", readonly=True)
    channel_sms = fields.Boolean(string="SMS", readonly=True)
    channel_post = fields.Boolean(string="Post", readonly=True)
    channel_activity = fields.Boolean(string="Activity", readonly=True)
    reminded = fields.Monetary(
        readonly=True,
        help="Open amount, on the reminder date, of the journal items the reminder "
        "covered that were still owed (credit notes and payments not yet matched "
        "not deducted), company currency.",
    )
    paid_7 = fields.Monetary(
        string="Paid within 7 days",
        readonly=True,
        help="Part of the amount reminded paid or credited from the day after the "
        "reminder up to 7 days after it.",
    )
    paid_30 = fields.Monetary(
        string="Paid within 30 days",
        readonly=True,
        help="Part of the amount reminded paid or credited from the day after the "
        "reminder up to 30 days after it.",
    )
    unpaid_30 = fields.Monetary(
        string="Still open after 30 days",
        readonly=True,
        help="Reminded - Paid within 30 days.",
    )

    @property
    def _table_query(self):
        _ = self.env._
        effect = self.env["account.followup.analysis"]._reminder_effect_query(
            self.env.companies.ids
        )
        labels = [
            ("channel_email", _("Email")),
            ("channel_letter", _("Letter")),
            ("channel_sms", _("SMS")),
            ("channel_post", _("Post")),
            ("channel_activity", _("Activity")),
        ]
        channels = SQL(", ").join(
            SQL(
                "CASE WHEN %s THEN %s END",
                SQL.identifier("r", column),
                label,
            )
            for column, label in labels
        )
        return SQL(
            """
            SELECT r.id,
                   r.id AS reminder_id,
                   r.partner_id,
                   r.company_id,
                   c.currency_id,
                   r.level_id,
                   r.date,
                   r.user_id,
                   responsible.id AS responsible_id,
                   r.origin,
                   r.partial IS TRUE AS partial,
                   COALESCE(NULLIF(concat_ws(' + ', %(channels)s), ''), %(none)s)
                       AS channels,
                   r.channel_email,
                   r.channel_letter,
                   r.channel_sms,
                   r.channel_post,
                   r.channel_activity,
                   e.reminded,
                   e.paid_7,
                   e.paid_30,
                   e.reminded - e.paid_30 AS unpaid_30
              FROM account_followup_reminder r
              JOIN (%(effect)s) e ON e.reminder_id = r.id
              JOIN res_company c ON c.id = r.company_id
              JOIN res_partner p ON p.id = r.partner_id
         LEFT JOIN res_users responsible
                ON responsible.id
                   = (p.followup_responsible_id ->> r.company_id::text)::int
            """,
            channels=channels,
            none=_("Marked as done"),
            effect=effect,
        )
