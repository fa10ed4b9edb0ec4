# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delivery you can trust: what happens after a reminder leaves.

- a bounce of a reminder's email marks the customer's address as bouncing, the
  next email that goes through clears it;
- an email that cannot go (no valid address, or the last one bounced) is replaced
  by the company's fallback (``followup_email_fallback``);
- a customer's reply to a reminder lands in the customer's chatter, schedules an
  activity "Customer replied" and pauses the daily run for that customer until the
  activity is done.

When reminders may go (days between two reminders, working days, the send window)
is in ``account_followup_schedule.py``.
"""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

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


def _excerpt(html, size=200):
    text = " ".join(html2plaintext(html or "").split())
    return text if len(text) <= size else text[: size - 1] + "…"
