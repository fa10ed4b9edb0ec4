# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext
from odoo.tools.safe_eval import safe_eval

from odoo.addons.snailmail.country_utils import SNAILMAIL_COUNTRIES

_logger = logging.getLogger(__name__)

# The layouts snailmail swaps for the standard one when it prints a letter (they
# print nothing where the envelope's window is).
SNAILMAIL_UNSUPPORTED_LAYOUTS = ("bubble", "wave", "folder")


class AccountFollowupSend(models.AbstractModel):
    """The channels on paper and by phone of ``account.followup.send``: letter,
    SMS, post and activity (the statement and the email are in
    ``account_followup_send.py``)."""

    _inherit = "account.followup.send"

    # ------------------------------------------------------------------
    # Letter
    # ------------------------------------------------------------------

    @api.model
    def _check_letter(self, partner, level):
        recipient = partner._followup_get_recipient()
        if not (recipient.street or recipient.street2) or not recipient.city:
            raise UserError(
                self.env._(
                    "%(partner)s has no postal address (street and city): add it on "
                    "the contact to print the letter.",
                    partner=recipient.display_name,
                )
            )
        return {"recipient": recipient}

    @api.model
    def _send_letter(self, partner, level, checked, reminder, **_batch):
        """Letters are printed together at the end of the run (one PDF), or from
        Follow-up Reports (filter "Letters to print"): here the partner is checked
        and waits in "Letters to print" until the PDF of its letter exists
        (``_letters_printed``); closing the summary or a rendering failure loses
        nothing."""
        reminder.channel_letter = True
        reminder.letter_state = "to_print"
        partner.followup_letter_to_print = True
        return self.env._("letter to print")

    @api.model
    def _letters_printed(self, partners):
        """The PDF of the letters of ``partners`` was rendered in the current
        company: they leave "Letters to print" and their reminders' letters count
        as generated."""
        company = self.env.company
        # sudo: printing a letter is a billing user's act; they need not be allowed
        # to edit contacts, and nobody writes the reminders but the follow-ups
        partners = partners.commercial_partner_id.sudo().with_company(company)
        partners.filtered("followup_letter_to_print").followup_letter_to_print = False
        self.env["account.followup.reminder"].sudo().search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("letter_state", "=", "to_print"),
            ]
        ).letter_state = "generated"

    # ------------------------------------------------------------------
    # SMS
    # ------------------------------------------------------------------

    @api.model
    def _check_sms(self, partner, level):
        template = level._get_sms_template()
        if not template:
            raise UserError(
                self.env._(
                    "The follow-up level “%(level)s” has no SMS template: choose one "
                    "in Invoicing ▸ Configuration ▸ Follow-up Levels.",
                    level=level.name,
                )
            )
        recipient = partner._followup_get_recipient()
        number = recipient.mobile or recipient.phone
        sanitized = number and recipient._phone_format(number=number)
        if not sanitized:
            raise UserError(
                self.env._(
                    "%(partner)s has no valid mobile number: add one on the contact "
                    "to send the reminder by SMS.",
                    partner=recipient.display_name,
                )
            )
        # sudo: the blacklist is managed by administrators; only whether the number
        # is in it is read
        if (
            self.env["phone.blacklist"]
            .sudo()
            .search_count([("number", "=", sanitized)], limit=1)
        ):
            raise UserError(
                self.env._(
                    "The number of %(partner)s (%(number)s) is blacklisted for SMS: "
                    "the reminder was not sent by SMS.",
                    partner=recipient.display_name,
                    number=sanitized,
                )
            )
        self._check_template_model(level, template)
        return {"recipient": recipient, "number": sanitized, "template": template}

    @api.model
    def _send_sms(self, partner, level, checked, reminder, **_batch):
        """Queue the SMS (sent by the SMS queue, never inline), posted on the
        reminder."""
        recipient = checked["recipient"]
        number = checked["number"]
        template = checked["template"]
        failure = self.env._(
            "The SMS template “%(template)s” could not be rendered for %(partner)s: "
            "check its placeholders. The details are in the server log.",
            template=template.name,
            partner=partner.display_name,
        )
        with self._rendering(failure):
            body = template.with_context(
                lang=partner._followup_get_lang()
            )._render_field("body", partner.ids, compute_lang=False)[partner.id]
        message = reminder._message_sms(
            html2plaintext(body) if "<" in (body or "") else body,
            partner_ids=recipient.ids,
            sms_pid_to_number={recipient.id: number},
            put_in_queue=True,
        )
        reminder.write(
            {"channel_sms": True, "sms_message_id": message.id, "sms_state": "queued"}
        )
        return self.env._("SMS to %(number)s", number=number)

    # ------------------------------------------------------------------
    # Post
    # ------------------------------------------------------------------

    @api.model
    def _check_post(self, partner, level):
        """What snailmail itself requires (``snailmail.letter._is_valid_address``,
        the countries it knows, the A4 format of ``_fetch_attachment``): a letter
        it would refuse is refused now, while the user is there to read why,
        rather than in the postal queue."""
        recipient = partner._followup_get_recipient()
        if not self.env["snailmail.letter"]._is_valid_address(recipient):
            raise UserError(
                self.env._(
                    "The postal address of %(partner)s is incomplete (street, city, "
                    "zip and country are needed): the letter cannot be posted.",
                    partner=recipient.display_name,
                )
            )
        if (recipient.country_id.code or "").upper() not in SNAILMAIL_COUNTRIES:
            raise UserError(
                self.env._(
                    "The postal service does not deliver to %(country)s: the letter "
                    "to %(partner)s cannot be posted.",
                    country=recipient.country_id.name,
                    partner=recipient.display_name,
                )
            )
        report = self.env.ref(
            "account_payment_followup.res_partner_action_report_followup_letter"
        )
        # snailmail prints the A4 format only, not a custom format of that size
        if report.get_paperformat().format != "A4":
            raise UserError(
                self.env._(
                    "Letters are posted on A4 paper only: choose the A4 paper format "
                    "in Settings ▸ Companies ▸ Document Layout to send them by post."
                )
            )
        return {"recipient": recipient, "report": report}

    @api.model
    def _send_post(self, partner, level, checked, reminder, **_batch):
        """Queue the letter for the post, its PDF rendered now, in the customer's
        company: snailmail's queue, run later in whatever company, posts that PDF
        through IAP instead of rendering it; the reminder shows its delivery
        state."""
        recipient = checked["recipient"]
        # sudo: snailmail letters are technical records that only the system
        # reads; the user was checked as a billing user of this company and the
        # letter holds nothing but this partner's own statement.
        letter = (
            self.env["snailmail.letter"]
            .sudo()
            .create(
                {
                    "partner_id": recipient.id,
                    "model": "res.partner",
                    "res_id": partner.id,
                    "user_id": self.env.user.id,
                    "company_id": self.env.company.id,
                    "report_template": checked["report"].id,
                }
            )
        )
        letter.attachment_id = self._render_post_letter(
            partner, letter, checked["report"]
        )
        reminder.write({"channel_post": True, "snailmail_letter_id": letter.id})
        return self.env._("letter queued for the post to %(city)s", city=recipient.city)

    @api.model
    def _render_post_letter(self, partner, letter, report):
        """The PDF snailmail would render (``snailmail.letter._fetch_attachment``:
        its layout, margins and cover page), rendered in the current company."""
        company = self.env.company
        layout_field = company._fields["external_report_layout_id"]
        unsupported = {
            self.env.ref(f"web.external_layout_{name}", raise_if_not_found=False)
            for name in SNAILMAIL_UNSUPPORTED_LAYOUTS
        }
        swapped = company.external_report_layout_id in unsupported
        if swapped:
            # the standard layout for this rendering, as snailmail does, but in
            # the cache only: writing the company would lock its row for the rest
            # of the transaction (a whole batch of the daily run)
            company.flush_recordset([layout_field.name])
            self.env.cache.set(
                company, layout_field, self.env.ref("web.external_layout_standard").id
            )
        failure = self.env._(
            "The letter to post to %(partner)s could not be rendered. The details "
            "are in the server log.",
            partner=partner.display_name,
        )
        try:
            with self._rendering(failure):
                pdf, _fmt = (
                    self.env["ir.actions.report"]
                    .with_context(
                        snailmail_layout=not letter.cover, followup_letter_posted=True
                    )
                    ._render_qweb_pdf(report, partner.ids)
                )
        finally:
            if swapped:
                company.invalidate_recordset([layout_field.name])
        # (Odoo's test mode renders reports as HTML: only a PDF gets them)
        if pdf.startswith(b"%PDF"):
            pdf = letter._overwrite_margins(pdf)
            if letter.cover:
                pdf = letter._append_cover_page(pdf)
        if report.print_report_name:
            name = safe_eval(report.print_report_name, {"object": partner})
        else:
            name = report.name
        # sudo: the attachment of a technical record (see _send_post)
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{name}.pdf",
                    "raw": pdf,
                    "res_model": "snailmail.letter",
                    "res_id": letter.id,
                    "type": "binary",
                }
            )
        )

    # ------------------------------------------------------------------
    # Activity
    # ------------------------------------------------------------------

    @api.model
    def _check_activity(self, partner, level):
        return {
            "user": partner._followup_get_responsible(level),
            "activity_type": level.activity_type_id
            or self.env.ref("mail.mail_activity_data_todo"),
        }

    @api.model
    def _send_activity(self, partner, level, checked, reminder, **_batch):
        """Schedule the level's activity (a call...) on the customer, for the
        responsible."""
        user = checked["user"]
        partner.activity_schedule(
            activity_type_id=checked["activity_type"].id,
            summary=level.activity_summary or level.name,
            note=level.activity_note or level.description or "",
            user_id=user.id,
            date_deadline=self.env.company._followup_today(),
        )
        reminder.channel_activity = True
        return self.env._("activity for %(user)s", user=user.name)
