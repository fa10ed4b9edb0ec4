# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""When reminders go: the company's delivery settings, working days and public
holidays, the send window and the minimum number of days between two reminders
to a customer (the contact cap), and how the daily run and the statement's buttons
honour them. What happens to a reminder once it left (bounces, fallbacks, replies)
is in ``account_followup_delivery.py``."""

import logging
from datetime import datetime, time, timedelta

import holidays as holidays_lib
import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from .account_followup_delivery import EMAIL_FALLBACKS, REPLIED_ACTIVITY_TYPE

_logger = logging.getLogger(__name__)


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
