# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import CHANNELS

# The days a level may be at: a year before the due date to ten years after it. A
# date computed from a level (the next follow-up of a customer, when an invoice is
# posted) then always exists.
DELAY_MIN, DELAY_MAX = -365, 3650


class AccountFollowupLevel(models.Model):
    """One step of a company's follow-up plan.

    The plan of a company is the set of its levels, ordered by ``delay``: the number of
    days after the due date (negative: before it) at which an open receivable line
    reaches the level.
    """

    _name = "account.followup.level"
    _description = "Follow-up Level"
    _order = "company_id, delay, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    delay = fields.Integer(
        string="Days",
        required=True,
        help="Days after the due date at which this level is reached; a negative "
        "number means before the due date.",
    )
    active = fields.Boolean(default=True)
    description = fields.Html(
        translate=True,
        sanitize_style=True,
        help="Text put into the letter and the email of this level.",
    )

    send_email = fields.Boolean(string="Send an email")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email template",
        domain="[('model', '=', 'res.partner')]",
        ondelete="restrict",
    )
    attach_invoices = fields.Boolean(
        string="Attach open invoices",
        help="Attach the PDF of every open invoice to the email.",
    )
    send_letter = fields.Boolean(string="Print a letter")
    send_sms = fields.Boolean(string="Send an SMS")
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS template",
        domain="[('model', '=', 'res.partner')]",
        ondelete="restrict",
    )
    send_post = fields.Boolean(
        string="Send a letter by post",
        help="Send the letter by post through the snailmail service (IAP credits).",
    )
    manual_action = fields.Boolean(
        string="Schedule an activity",
        help="Schedule an activity, for instance a call to the customer.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Activity type",
        default=lambda self: self.env.ref(
            "mail.mail_activity_data_call", raise_if_not_found=False
        ),
    )
    activity_summary = fields.Char(translate=True)
    activity_note = fields.Html(translate=True)
    activity_user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        check_company=True,
        help="Who does the activity. Leave empty to assign it to the customer's "
        "follow-up responsible.",
    )
    auto_execute = fields.Boolean(
        string="Automatic",
        help="The daily run executes this level by itself for customers on automatic "
        "reminders.",
    )

    _sql_constraints = [
        (
            "delay_company_uniq",
            "unique(company_id, delay)",
            "Two follow-up levels of the same company cannot have the same number of "
            "days.",
        ),
    ]

    @api.constrains("send_email", "mail_template_id", "send_sms", "sms_template_id")
    def _check_templates(self):
        for level in self:
            if level.send_email and not level.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "The follow-up level “%(level)s” sends an email: choose its "
                        "email template.",
                        level=level.name,
                    )
                )
            if level.send_sms and not level.sms_template_id:
                raise ValidationError(
                    self.env._(
                        "The follow-up level “%(level)s” sends an SMS: choose its SMS "
                        "template.",
                        level=level.name,
                    )
                )
            # a template renders the record of its model that has the customer's
            # id: one of another model would send someone else's document
            for template in (level.mail_template_id, level.sms_template_id):
                if template and template.model != "res.partner":
                    raise ValidationError(
                        self.env._(
                            "The template “%(template)s” of the follow-up level "
                            "“%(level)s” is a template of %(model)s: choose a template "
                            "for customers (Contact).",
                            template=template.name,
                            level=level.name,
                            model=template.model_id.name or template.model,
                        )
                    )

    @api.constrains("delay")
    def _check_delay_bounds(self):
        for level in self:
            if not DELAY_MIN <= level.delay <= DELAY_MAX:
                raise ValidationError(
                    self.env._(
                        "The number of days of the follow-up level “%(level)s” "
                        "(%(delay)s) must be between %(min)s and %(max)s: from a year "
                        "before the due date to ten years after it.",
                        level=level.name,
                        delay=level.delay,
                        min=DELAY_MIN,
                        max=DELAY_MAX,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_delay_free(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if "delay" in vals or "company_id" in vals:
            # one call for all: writing the same delay on two levels is a duplicate
            self._check_delay_free(
                [
                    {
                        "delay": vals.get("delay", level.delay),
                        "company_id": vals.get("company_id", level.company_id.id),
                    }
                    for level in self
                ],
                exclude=self,
            )
        moved = {}
        if "delay" in vals:
            moved = {
                level: level.delay for level in self if level.delay != vals["delay"]
            }
        res = super().write(vals)
        if moved:
            self._restamp_moved(moved)
        return res

    def _restamp_moved(self, old_delays):
        """The days of levels already applied changed (``old_delays``: {level: its
        days before}). An open item stamped with such a level had passed every
        level up to it in the plan it was followed up with. Lowered, the level now
        comes after no more levels than before: the item is stamped with the
        highest level at most at the level's former days, which it had passed too,
        so that none of them is sent again. Raised past other levels, the item
        has not passed those: it is stamped with the level before the level's
        former place, so that none of them is skipped. Its follow-up date does
        not change; the items stamped with other levels keep their stamp."""
        Line = self.env["account.move.line"]
        for level, old_delay in old_delays.items():
            company = level.company_id
            if level.delay > old_delay and not self.search_count(
                [
                    ("company_id", "=", company.id),
                    ("delay", ">", old_delay),
                    ("delay", "<", level.delay),
                ],
                limit=1,
            ):
                continue  # raised, still in the same place of the plan
            # sudo: the lines may be hidden from the manager by a rule; only their
            # stamp is moved, nothing of them is shown
            lines = Line.sudo().search(
                [
                    ("followup_level_id", "=", level.id),
                    ("company_id", "=", company.id),
                    ("reconciled", "=", False),
                    ("parent_state", "=", "posted"),
                    ("amount_residual", "!=", 0),
                ]
            )
            if not lines:
                continue
            # lowered, the level itself is among them; raised, it is not
            passed = self.search(
                [("company_id", "=", company.id), ("delay", "<=", old_delay)],
                order="delay desc",
                limit=1,
            )
            if passed != level:
                lines._followup_restamp(passed)

    @api.model
    def _check_delay_free(self, vals_list, exclude=None):
        """Refuse a delay already used in the same company, with a message that names
        the level holding it (the SQL constraint only says "duplicate")."""
        seen = set()
        for vals in vals_list:
            if "delay" not in vals:
                continue
            company_id = vals.get("company_id") or self.env.company.id
            key = (company_id, vals["delay"])
            domain = [
                ("company_id", "=", company_id),
                ("delay", "=", vals["delay"]),
                ("active", "in", (True, False)),
            ]
            if exclude:
                domain.append(("id", "not in", exclude.ids))
            # sudo: the check must see levels the user cannot read (archived ones or
            # levels hidden by a rule) to give a clear message instead of an SQL error.
            other = self.sudo().search(domain, limit=1)
            # named only when the user may read it: never another company's plan
            if other and other.with_env(self.env)._filtered_access("read"):
                raise UserError(
                    self.env._(
                        "A follow-up level at %(delay)s days already exists in this "
                        "company (“%(level)s”). Each level needs its own number of "
                        "days.",
                        delay=vals["delay"],
                        level=other.name,
                    )
                )
            if other:
                raise UserError(
                    self.env._(
                        "A follow-up level at %(delay)s days already exists in that "
                        "company. Each level needs its own number of days.",
                        delay=vals["delay"],
                    )
                )
            if key in seen:
                raise UserError(
                    self.env._(
                        "Two follow-up levels at %(delay)s days: a level at that "
                        "number of days already exists in this company. Each level "
                        "needs its own number of days.",
                        delay=vals["delay"],
                    )
                )
            seen.add(key)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_applied(self):
        """A level already applied to journal items is the memory of what was sent:
        deleting it would make the next run send it again."""
        # sudo: the lines may belong to customers or companies the manager cannot
        # read; only their existence is checked, nothing of them is shown
        if (
            self.env["account.move.line"]
            .sudo()
            .search_count([("followup_level_id", "in", self.ids)], limit=1)
        ):
            raise UserError(
                self.env._(
                    "This follow-up level was already sent to customers and is kept "
                    "as the memory of what was sent. Archive it instead of deleting it."
                )
            )

    def _get_channels(self):
        """The channels this level runs, in the order they are executed."""
        self.ensure_one()
        flags = {
            "email": self.send_email,
            "letter": self.send_letter,
            "sms": self.send_sms,
            "post": self.send_post,
            "activity": self.manual_action,
        }
        return [channel for channel in CHANNELS if flags[channel]]

    def _get_mail_template(self):
        """The template of the level; a level that sends no email (a call, say)
        can still email its statement from the statement's button, with the
        default follow-up template."""
        self.ensure_one()
        if self.mail_template_id or self.send_email:
            return self.mail_template_id
        return self.env.ref(
            "account_payment_followup.mail_template_followup", raise_if_not_found=False
        )

    def _get_sms_template(self):
        """The level's SMS template, else the default reminder: "Send SMS" on the
        statement works at any level, not only at the levels that send SMS."""
        self.ensure_one()
        return self.sms_template_id or self.env.ref(
            "account_payment_followup.sms_template_followup", raise_if_not_found=False
        )
