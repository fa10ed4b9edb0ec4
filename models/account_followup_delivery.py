# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delivery you can trust: what happens after a reminder leaves.

- a bounce of a reminder's email marks the customer's address as bouncing, the
  next email that goes through clears it;
- an email that cannot go (no valid address, or the last one bounced) is replaced
  by the company's fallback (``followup_email_fallback``);
- the daily run keeps a minimum number of days between two reminders to a customer
  (``followup_min_days_between``), sends on working days only
  (``followup_working_days_only``) and in the company's send window;
- a customer's reply to a reminder lands in the customer's chatter, schedules an
  activity "Customer replied" and pauses the daily run for that customer until the
  activity is done.
"""

import logging
from datetime import datetime, time, timedelta

import holidays as holidays_lib
import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date, html2plaintext

from ..tools import FOLLOWUP_GROUPS

_logger = logging.getLogger(__name__)

REPLIED_ACTIVITY_TYPE = "account_payment_followup.mail_activity_type_followup_replied"
FIND_EMAIL_ACTIVITY_TYPE = (
    "account_payment_followup.mail_activity_type_followup_find_email"
)
EMAIL_FALLBACKS = [
    ("none", "None: report a failure"),
    ("letter", "Letter to print"),
    ("sms", "SMS"),
    ("post", "Letter by post"),
    ("activity", "Activity: find a valid email address"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    followup_email_fallback = fields.Selection(
        EMAIL_FALLBACKS,
        string="When a reminder cannot be emailed",
        required=True,
        default="none",
        help="When the customer has no valid email address, or the last reminder "
        "emailed to it bounced, the email of the level is replaced by this channel. "
        "None: the follow-up fails and is reported on the customer.",
    )
    followup_min_days_between = fields.Integer(
        string="Days between two reminders",
        default=0,
        help="The daily run never sends two reminders to a customer within that "
        "many days; it sends the next one when they have passed. 0: no limit.",
    )
    followup_working_days_only = fields.Boolean(
        string="Working days only",
        help="The daily run sends nothing on weekends and on the public holidays of "
        "the company's country and state; it catches up on the next working day.",
    )
    followup_send_window = fields.Boolean(
        string="Send window",
        help="The daily run sends only between these hours, in the company's time "
        "zone. Off: at any time.",
    )
    followup_send_hour_from = fields.Float(string="Send from", default=8.0)
    followup_send_hour_to = fields.Float(string="Send until", default=12.0)
    followup_holiday_ids = fields.One2many(
        "account.followup.holiday", "company_id", string="Days off and working days"
    )

    @api.constrains("followup_min_days_between")
    def _check_followup_min_days_between(self):
        for company in self:
            if company.followup_min_days_between < 0:
                raise ValidationError(
                    self.env._(
                        "The number of days between two reminders cannot be "
                        "negative (0: no limit)."
                    )
                )

    @api.constrains(
        "followup_send_window", "followup_send_hour_from", "followup_send_hour_to"
    )
    def _check_followup_send_window(self):
        for company in self.filtered("followup_send_window"):
            start = company.followup_send_hour_from
            end = company.followup_send_hour_to
            if not 0 <= start < end <= 24:
                raise ValidationError(
                    self.env._(
                        "The send window of the follow-ups must start before it "
                        "ends, between 00:00 and 24:00."
                    )
                )

    # ------------------------------------------------------------------
    # Working days
    # ------------------------------------------------------------------

    def _followup_calendar(self, years):
        """``(weekend days, {date: holiday name})`` of the company for ``years``:
        the public holidays of its country (and state, where the ``holidays``
        library knows it), plus the days it adds, minus the days it works."""
        self.ensure_one()
        code = (self.country_id.code or "").upper()
        weekend = {5, 6}
        days = {}
        if code:
            subdivisions = [self.state_id.code, None] if self.state_id.code else [None]
            for subdiv in subdivisions:
                try:
                    calendar = holidays_lib.country_holidays(
                        code, subdiv=subdiv, years=years
                    )
                except NotImplementedError:
                    # a country the library does not know, or a state it does not
                    # know by that code: the country's holidays, else none
                    continue
                weekend = set(calendar.weekend) or weekend
                days = dict(calendar)
                break
        for day in self.followup_holiday_ids:
            if day.date.year not in years:
                continue
            if day.kind == "add":
                days[day.date] = day.name or self.env._("Day off")
            else:
                days.pop(day.date, None)
        worked = set(
            self.followup_holiday_ids.filtered(lambda d: d.kind == "remove").mapped(
                "date"
            )
        )
        return weekend, days, worked

    def _followup_day_off(self, day):
        """Why ``day`` is not a working day of the company (its holiday's name, or
        "weekend"), or ``False`` when it is one."""
        self.ensure_one()
        weekend, days, worked = self._followup_calendar([day.year])
        if day in worked:
            return False
        if day in days:
            return days[day]
        if day.weekday() in weekend:
            return self.env._("weekend")
        return False

    # ------------------------------------------------------------------
    # Send window
    # ------------------------------------------------------------------

    def _followup_local_now(self):
        """Now in the company's time zone (see ``_followup_today``)."""
        self.ensure_one()
        return pytz.utc.localize(fields.Datetime.now()).astimezone(self._followup_tz())

    def _followup_window_next_start(self):
        """When the company's send window opens next, as a naive UTC datetime."""
        self.ensure_one()
        now = self._followup_local_now()
        opening = datetime.combine(now.date(), time()) + timedelta(
            hours=self.followup_send_hour_from
        )
        if opening <= now.replace(tzinfo=None):
            opening += timedelta(days=1)
        opening = self._followup_tz().localize(opening)
        return opening.astimezone(pytz.utc).replace(tzinfo=None)

    def _followup_cron_closed(self):
        """Why the daily run sends nothing for this company now (a day off, outside
        the send window), or ``False``."""
        self.ensure_one()
        if self.followup_working_days_only:
            today = self._followup_today()
            day_off = self._followup_day_off(today)
            if day_off:
                return self.env._(
                    "%(date)s is not a working day (%(reason)s): no reminder is "
                    "sent today, the next working day catches up.",
                    date=format_date(self.env, today),
                    reason=day_off,
                )
        if self.followup_send_window:
            now = self._followup_local_now()
            hour = now.hour + now.minute / 60
            if not (self.followup_send_hour_from <= hour < self.followup_send_hour_to):
                return self.env._(
                    "outside the send window (%(start)s to %(end)s, %(tz)s): the "
                    "reminders are sent when it opens.",
                    start=_format_hour(self.followup_send_hour_from),
                    end=_format_hour(self.followup_send_hour_to),
                    tz=self._followup_tz().zone,
                )
        return False

    # ------------------------------------------------------------------
    # Contact cap
    # ------------------------------------------------------------------

    def _followup_cap_dates(self, partners):
        """``{partner id: the first day a reminder may go again}`` for those of
        ``partners`` (commercial) that had a reminder of this company less than
        ``followup_min_days_between`` days ago (any reminder: partial or not,
        whatever ran it)."""
        self.ensure_one()
        days = self.followup_min_days_between
        if days <= 0 or not partners:
            return {}
        today = self._followup_today()
        # sudo: reminders are read-only records of the execution; only their dates
        rows = (
            self.env["account.followup.reminder"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "=", self.id),
                    ("date", ">", today - timedelta(days=days)),
                ],
                ["partner_id"],
                ["date:max"],
            )
        )
        return {
            partner.id: last + timedelta(days=days)
            for partner, last in rows
            if last + timedelta(days=days) > today
        }


def _format_hour(value):
    hours, minutes = divmod(round(value * 60), 60)
    return f"{hours:02d}:{minutes:02d}"


class ResPartner(models.Model):
    _inherit = "res.partner"

    followup_email_bounced = fields.Boolean(
        string="Email bounced",
        readonly=True,
        copy=False,
        groups=FOLLOWUP_GROUPS,
        help="The last payment reminder emailed to this customer bounced. The next "
        "email that goes through, or a new email address, clears it.",
    )
    followup_replied = fields.Boolean(
        string="Replied",
        compute="_compute_followup_replied",
        search="_search_followup_replied",
        groups=FOLLOWUP_GROUPS,
        help="The customer replied to a payment reminder: the daily run leaves it "
        "alone until the activity “Customer replied” is done.",
    )

    def write(self, vals):
        res = super().write(vals)
        if "email" in vals:
            # a new address: the bounce of the old one no longer applies
            # sudo: the follow-ups' own flag, whoever edits the contact
            bounced = self.sudo().commercial_partner_id.filtered(
                "followup_email_bounced"
            )
            if bounced:
                bounced.followup_email_bounced = False
        return res

    def _followup_replied_partner_ids(self):
        # (the id alone, cached: no query to check that the type exists)
        activity_type_id = self.env["ir.model.data"]._xmlid_to_res_id(
            REPLIED_ACTIVITY_TYPE, raise_if_not_found=False
        )
        if not activity_type_id:
            return set()
        # sudo: only whether such an activity is open on the customer is read
        domain = [
            ("res_model", "=", "res.partner"),
            ("activity_type_id", "=", activity_type_id),
        ]
        if self:
            domain.append(("res_id", "in", self.ids))
        return set(self.env["mail.activity"].sudo().search(domain).mapped("res_id"))

    def _compute_followup_replied(self):
        replied = self._followup_replied_partner_ids()
        for partner in self:
            partner.followup_replied = partner.id in replied

    def _search_followup_replied(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on the field Replied."))
        ids = list(self.browse()._followup_replied_partner_ids())
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", ids)]

    # ------------------------------------------------------------------
    # The statement's buttons warn about the contact cap, never block
    # ------------------------------------------------------------------

    def _followup_cap_warning(self):
        """What to tell the user who sends a reminder from the statement within
        the company's days between two reminders (sent all the same)."""
        partner = self.commercial_partner_id
        if len(partner) != 1:
            return False
        company = self.env.company
        cap = company._followup_cap_dates(partner)
        if partner.id not in cap:
            return False
        days = company.followup_min_days_between
        return self.env._(
            "%(partner)s already had a reminder on %(date)s, less than %(days)s days "
            "ago: the daily run would have waited until %(next)s.",
            partner=partner.display_name,
            date=format_date(self.env, cap[partner.id] - timedelta(days=days)),
            days=days,
            next=format_date(self.env, cap[partner.id]),
        )

    @api.model
    def _followup_with_warning(self, action, warning):
        if not warning:
            return action
        if (
            isinstance(action, dict)
            and action.get("tag") == "display_notification"
            and action.get("params")
        ):
            params = dict(action["params"])
            params["message"] = f"{params.get('message', '')} {warning}".strip()
            params["type"] = "warning"
            return dict(action, params=params)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "message": warning,
                "next": action or {"type": "ir.actions.act_window_close"},
            },
        }

    def action_followup_process(self):
        warning = self._followup_cap_warning()
        return self._followup_with_warning(super().action_followup_process(), warning)

    def _followup_run_channel(self, channel):
        warning = self._followup_cap_warning()
        return self._followup_with_warning(
            super()._followup_run_channel(channel), warning
        )


class AccountFollowupReminder(models.Model):
    _inherit = "account.followup.reminder"

    email_fallback = fields.Selection(
        EMAIL_FALLBACKS[1:],
        string="Email replaced by",
        readonly=True,
        help="The email of the level could not go and was replaced by this channel.",
    )
    email_fallback_reason = fields.Char(
        string="Why the email was replaced", readonly=True
    )
    replied = fields.Boolean(
        string="Customer replied", readonly=True, help="The customer replied by email."
    )

    # ------------------------------------------------------------------
    # Bounces
    # ------------------------------------------------------------------

    @api.model
    def _update_delivery_states(self, messages):
        res = super()._update_delivery_states(messages)
        self.search([("email_message_id", "in", messages.ids)])._followup_sync_bounce()
        return res

    def _message_receive_bounce(self, email, partner):
        """A bounce of this reminder's email (Odoo's bounce handling): its email
        state and the customer's address."""
        res = super()._message_receive_bounce(email, partner)
        for reminder in self.filtered("email_message_id"):
            if reminder.email_to == email and reminder.email_state != "bounced":
                reminder.email_state = "bounced"
                reminder._followup_sync_bounce()
        return res

    def _followup_sync_bounce(self):
        """The customer's address bounces when the last reminder emailed to it
        bounced; the next one that is sent clears it."""
        for reminder in self:
            partner = reminder.partner_id
            last = self.search(
                [("partner_id", "=", partner.id), ("email_message_id", "!=", False)],
                limit=1,
            )
            if last != reminder:
                continue
            if reminder.email_state == "bounced" and not partner.followup_email_bounced:
                partner.followup_email_bounced = True
                partner._message_log(
                    body=Markup("<p><strong>%s</strong></p><p>%s</p>")
                    % (
                        self.env._("Reminder email bounced"),
                        self.env._(
                            "The reminder emailed to %(email)s bounced: check the "
                            "customer's email address.",
                            email=reminder.email_to,
                        ),
                    )
                )
            elif reminder.email_state == "sent" and partner.followup_email_bounced:
                partner.followup_email_bounced = False

    # ------------------------------------------------------------------
    # Replies
    # ------------------------------------------------------------------

    def _message_post_after_hook(self, message, msg_values):
        res = super()._message_post_after_hook(message, msg_values)
        if message.message_type == "email" and not message.author_id.user_ids.filtered(
            lambda user: not user.share
        ):
            # an email received through the mail gateway, from outside
            self._followup_receive_reply(message)
        return res

    def _followup_receive_reply(self, message):
        """The customer replied: the reply in the customer's chatter, an activity
        "Customer replied" for the responsible; the daily run leaves the customer
        alone until it is done (``account.followup.execution._cron_partners``)."""
        activity_type = self.env.ref(REPLIED_ACTIVITY_TYPE)
        for reminder in self:
            company = reminder.company_id
            # sudo: the mail gateway posts the reply as superuser already; the
            # note and the activity are the follow-ups' own, on this customer
            partner = reminder.partner_id.sudo().with_company(company)
            reminder.sudo().replied = True
            link = Markup(
                '<a href="#" data-oe-model="account.followup.reminder" '
                'data-oe-id="%s">%s</a>'
            ) % (reminder.id, reminder.display_name)
            attachments = message.attachment_ids.sudo()
            copies = [
                attachment.copy({"res_model": "res.partner", "res_id": partner.id}).id
                for attachment in attachments
            ]
            partner._message_log(
                body=Markup("<p><strong>%s</strong> %s</p>%s")
                % (self.env._("Reply to the payment reminder"), link, message.body),
                author_id=message.author_id.id,
                email_from=message.email_from,
                attachment_ids=copies,
            )
            if partner.activity_ids.filtered(
                lambda a, t=activity_type: a.activity_type_id == t
            ):
                continue
            summary = self.env._("Customer replied")
            partner.with_company(company).activity_schedule(
                activity_type_id=activity_type.id,
                summary=summary,
                note=Markup("<p>%s</p>")
                % self.env._(
                    "%(author)s replied to the reminder %(reminder)s: “%(excerpt)s”. "
                    "The daily run leaves this customer alone until this activity "
                    "is done.",
                    author=message.author_id.display_name or message.email_from,
                    reminder=reminder.display_name,
                    excerpt=_excerpt(message.body),
                ),
                user_id=partner.with_company(company)._followup_get_responsible().id,
                date_deadline=company._followup_today(),
            )


class AccountFollowupSend(models.AbstractModel):
    _inherit = "account.followup.send"

    @api.model
    def _check_email_or_fallback(self, partner, level, channels):
        """The email check of a level, or, when the email cannot go (no valid
        address, or the last reminder emailed bounced) and the company has a
        fallback, the check of the fallback instead:
        ``{"fallback": channel, "reason": why, "checked": its check}``."""
        fallback = self.env.company.followup_email_fallback
        if not fallback or fallback == "none":
            return self._check_email(partner, level)
        recipient = partner._followup_get_recipient()
        try:
            checked = self._check_email(partner, level)
        except UserError as error:
            if recipient.email_normalized and not recipient.is_blacklisted:
                # the level's problem (its template), not the address's
                raise
            reason = error.args[0]
        else:
            if not partner.followup_email_bounced:
                return checked
            reason = self.env._(
                "The last reminder emailed to %(email)s bounced.",
                email=checked["email"],
            )
        return {
            "fallback": fallback,
            "reason": reason,
            "checked": self._check_email_fallback(
                fallback, partner, level, channels, reason
            ),
        }

    @api.model
    def _check_email_fallback(self, fallback, partner, level, channels, reason):
        if fallback == "activity":
            return {
                "user": partner._followup_get_responsible(level),
                "activity_type": self.env.ref(FIND_EMAIL_ACTIVITY_TYPE),
            }
        if fallback in channels:
            # the level does it anyway: not twice
            return None
        try:
            return getattr(self, f"_check_{fallback}")(partner, level)
        except UserError as error:
            raise UserError(
                self.env._(
                    "%(reason)s The fallback (%(fallback)s) cannot replace the "
                    "email either: %(error)s",
                    reason=reason,
                    fallback=self._email_fallback_label(fallback),
                    error=error.args[0],
                )
            ) from None

    @api.model
    def _email_fallback_label(self, fallback):
        field = self.env["res.company"]._fields["followup_email_fallback"]
        return dict(field._description_selection(self.env)).get(fallback, fallback)

    @api.model
    def _send_email_fallback(self, partner, level, checked, reminder, **batch):
        """The fallback in place of the email, logged as such on the reminder and
        in the chatter ("email replaced by …: reason")."""
        fallback = checked["fallback"]
        reason = checked["reason"]
        if fallback == "activity":
            user = checked["checked"]["user"]
            partner.activity_schedule(
                activity_type_id=checked["checked"]["activity_type"].id,
                summary=self.env._("Find a valid email address"),
                note=Markup("<p>%s</p>") % reason,
                user_id=user.id,
                date_deadline=self.env.company._followup_today(),
            )
            done = self.env._(
                "an activity “Find a valid email address” for %(user)s",
                user=user.name,
            )
        elif checked["checked"] is None:
            done = self.env._(
                "the level's %(channel)s", channel=self._email_fallback_label(fallback)
            )
        else:
            done = getattr(self, f"_send_{fallback}")(
                partner, level, checked["checked"], reminder, **batch
            )
        reminder.write({"email_fallback": fallback, "email_fallback_reason": reason})
        return self.env._(
            "email replaced by %(done)s: %(reason)s", done=done, reason=reason
        )


class AccountFollowupExecution(models.AbstractModel):
    _inherit = "account.followup.execution"

    @api.model
    def _cron_partners(self, company):
        """Also: nothing on the company's days off and outside its send window;
        not the customers that replied (until the activity is done) nor those
        that had a reminder within the company's days between two reminders
        (their next follow-up date says when)."""
        closed = company._followup_cron_closed()
        if closed:
            _logger.info(
                "Payment follow-ups: nothing sent for %s: %s", company.name, closed
            )
            if company.followup_send_window:
                # the daily job may run before the window opens: again then
                self.env.ref(
                    "account_payment_followup.ir_cron_followup"
                ).sudo()._trigger(at=company._followup_window_next_start())
            return self.env["res.partner"]
        partners = super()._cron_partners(company)
        return partners - self._followup_held(company, partners)

    @api.model
    def _cron_still_automatic(self, partner, level, state):
        # read again under the lock: a reply, or a reminder sent since the run
        # selected the customer
        return super()._cron_still_automatic(
            partner, level, state
        ) and not self._followup_capped(self.env.company, partner)

    @api.model
    def _cron_pausing_activity_type_ids(self):
        # "Customer replied": the daily run leaves the customer alone until done
        activity_type_id = self.env["ir.model.data"]._xmlid_to_res_id(
            REPLIED_ACTIVITY_TYPE, raise_if_not_found=False
        )
        return super()._cron_pausing_activity_type_ids() + (
            [activity_type_id] if activity_type_id else []
        )

    @api.model
    def _followup_capped(self, company, partners):
        """Those of ``partners`` held back by the contact cap (their next
        follow-up date is moved to when a reminder may go)."""
        return self._followup_held(company, partners, replied_too=False)

    @api.model
    def _followup_held(self, company, partners, replied_too=True):
        """Those of ``partners`` the daily run leaves alone now: they replied to a
        reminder (until the activity is done), or had one less than the company's
        days between two reminders ago (their next follow-up date is moved to when
        it may go)."""
        if not partners:
            return partners
        replied = partners.browse()
        if replied_too:
            replied = partners.browse(partners._followup_replied_partner_ids())
        cap = company._followup_cap_dates(partners - replied)
        capped = partners.browse(list(cap))
        for partner in capped.sudo().with_company(company):
            # sudo: the daily run's own bookkeeping on the customer it selected
            partner.followup_next_action_date = cap[partner.id]
            partner._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Next reminder on %(date)s: at most one every %(days)s days.",
                    date=format_date(self.env, cap[partner.id]),
                    days=company.followup_min_days_between,
                )
            )
        return replied | capped


def _excerpt(html, size=200):
    text = " ".join(html2plaintext(html or "").split())
    return text if len(text) <= size else text[: size - 1] + "…"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    followup_email_fallback = fields.Selection(
        related="company_id.followup_email_fallback", readonly=False
    )
    followup_min_days_between = fields.Integer(
        related="company_id.followup_min_days_between", readonly=False
    )
    followup_working_days_only = fields.Boolean(
        related="company_id.followup_working_days_only", readonly=False
    )
    followup_send_window = fields.Boolean(
        related="company_id.followup_send_window", readonly=False
    )
    followup_send_hour_from = fields.Float(
        related="company_id.followup_send_hour_from", readonly=False
    )
    followup_send_hour_to = fields.Float(
        related="company_id.followup_send_hour_to", readonly=False
    )

    def action_open_followup_holidays(self):
        return self.env["ir.actions.actions"]._for_xml_id(
            "account_payment_followup.account_followup_holiday_action"
        )
