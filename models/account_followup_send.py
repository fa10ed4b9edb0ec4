# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date, html2plaintext

from ..tools import CHANNELS


class AccountFollowupSend(models.AbstractModel):
    """What leaves: the statement a reminder shows, and for each channel (email,
    letter, SMS, post, activity) what it checks, what it sends and to whom.

    Each channel is two methods: ``_check_<channel>(partner, level)`` raises a
    ``UserError`` saying what is missing, or returns a dict of what it found (the
    recipient, the template, the number...), which ``_send_<channel>(partner,
    level, checked, reminder, **batch)`` then uses: nothing is looked up twice. A
    new channel is these two methods and a flag on the level.
    """

    _name = "account.followup.send"
    _description = "Payment follow-ups: what is sent"

    # ------------------------------------------------------------------
    # The statement (email body, letter)
    # ------------------------------------------------------------------

    @api.model
    def _statement_values(self, partner, level=None):
        """Everything the statement (email body, letter) shows for one partner."""
        partner = partner.commercial_partner_id
        company = self.env.company
        today = company._followup_today()
        Line = self.env["account.move.line"]
        lines = Line.search(
            Line._followup_statement_domain(partner), order="date_maturity, id"
        )
        level = level if level is not None else self._document_level(partner)
        disputed = lines.move_id._followup_disputed_moves()
        rows = []
        for line in lines:
            move = line.move_id
            rows.append(
                {
                    "line": line,
                    "move": move,
                    "reference": move.name or line.name or "",
                    "communication": move.payment_reference or move.ref or "",
                    "date": move.invoice_date or line.date,
                    "date_maturity": line.date_maturity,
                    "expected_date": line.followup_expected_date,
                    "amount": line.amount_residual,
                    "amount_currency": line.amount_residual_currency,
                    "currency": line.currency_id,
                    "overdue": line.followup_overdue,
                    "excluded": line.followup_excluded,
                    "disputed": move in disputed,
                }
            )
        recipient = partner._followup_get_recipient()
        return {
            "partner": partner,
            "recipient": recipient,
            "lang": partner._followup_get_lang(),
            "company": company,
            "level": level,
            "today": today,
            "rows": rows,
            "currency": company.currency_id,
            "total_due": partner.followup_total_due,
            "total_overdue": partner.followup_total_overdue,
            "format_amount": lambda amount, currency: format_amount(
                self.env, amount, currency
            ),
            "format_date": self._date_formatter(),
        }

    @api.model
    def _date_formatter(self):
        """``format_date`` in the environment's language, each date formatted once:
        a statement of hundreds of lines shows a few hundred distinct dates, and
        looking up the language costs more than formatting."""
        formatted = {}

        def format_once(value):
            if value not in formatted:
                formatted[value] = format_date(self.env, value)
            return formatted[value]

        return format_once

    @api.model
    def _render_statement(self, partner, level=None):
        """The statement table as HTML (same QWeb as the letter), in the language of
        the environment."""
        values = self._statement_values(partner, level=level)
        return self.env["ir.qweb"]._render(
            "account_payment_followup.followup_statement_table", values
        )

    @api.model
    def _document_level(self, partner):
        """The level a document (letter, email) speaks of: the level to execute now,
        else the last one executed."""
        partner = partner.commercial_partner_id
        if partner.followup_level_id:
            return partner.followup_level_id
        levels = partner._followup_open_lines().followup_level_id
        return levels.sorted("delay")[-1:] if levels else levels

    # ------------------------------------------------------------------
    # All channels of a level
    # ------------------------------------------------------------------

    @api.model
    def _check(self, partner, level, channels):
        """Check every channel first, a level is executed whole or not at all:
        {channel: what its check found}."""
        return {
            channel: getattr(self, f"_check_{channel}")(partner, level)
            for channel in channels
        }

    @api.model
    def _send(self, partner, level, checked, reminder, **batch):
        """Run the checked channels in order: the description of each, for the
        chatter."""
        return [
            getattr(self, f"_send_{channel}")(
                partner, level, checked[channel], reminder, **batch
            )
            for channel in CHANNELS
            if channel in checked
        ]

    # ------------------------------------------------------------------
    # Email
    # ------------------------------------------------------------------

    @api.model
    def _check_email(self, partner, level):
        template = level._get_mail_template()
        if not template:
            raise UserError(
                self.env._(
                    "The follow-up level “%(level)s” has no email template: choose "
                    "one in Invoicing ▸ Configuration ▸ Follow-up Levels.",
                    level=level.name,
                )
            )
        recipient = partner._followup_get_recipient()
        email = recipient.email_normalized
        if not email:
            raise UserError(
                self.env._(
                    "%(partner)s has no valid email address: add one on the contact "
                    "to send the reminder by email.",
                    partner=recipient.display_name,
                )
            )
        if recipient.is_blacklisted:
            raise UserError(
                self.env._(
                    "The email address of %(partner)s (%(email)s) is blacklisted: the "
                    "reminder was not emailed.",
                    partner=recipient.display_name,
                    email=email,
                )
            )
        return {"recipient": recipient, "template": template, "email": email}

    @api.model
    def _send_email(
        self, partner, level, checked, reminder, reply_to=None, authors=None, **_batch
    ):
        """Queue the reminder email (statement in the body, open invoices attached
        when the level asks it), posted on the reminder and sent to its recipient
        only.

        :param reply_to: the reply-to address of the reminder when the batch found
            it already (None: looked up by ``message_post``)
        :param authors: {sender address: author partner id}, shared by a batch so
            that each sender is looked up once
        """
        recipient = checked["recipient"]
        template = checked["template"]
        lang = partner._followup_get_lang()
        statement = self.with_context(lang=lang)._render_statement(partner, level=level)
        description = level.with_context(lang=lang).description or ""
        rendered = {}
        for field_name in ("subject", "body_html"):
            rendered[field_name] = template.with_context(lang=lang)._render_field(
                field_name,
                partner.ids,
                add_context={
                    "followup_level": level,
                    "followup_description": Markup(description),
                    "followup_statement": statement,
                    "company": self.env.company,
                },
            )[partner.id]
        attachment_ids = []
        if level.attach_invoices:
            attachment_ids = self._invoice_attachments(partner).ids
        email_from = (
            template._render_field("email_from", partner.ids)[partner.id]
            if template.email_from
            else self.env.company.email_formatted or self.env.user.email_formatted
        )
        # what message_post would compute, from what the batch already found
        post_values = {}
        if reply_to is not None:
            post_values["reply_to"] = reply_to or email_from
        if authors is not None:
            if email_from not in authors:
                authors[email_from] = reminder._message_compute_author(
                    email_from=email_from
                )[0]
            post_values["author_id"] = authors[email_from]
        message = reminder.with_context(
            mail_notify_force_send=False, mail_post_autofollow=False
        ).message_post(
            **post_values,
            body=rendered["body_html"],
            subject=rendered["subject"],
            partner_ids=recipient.ids,
            email_from=email_from,
            attachment_ids=attachment_ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
        )
        reminder.write(
            {
                "channel_email": True,
                "email_message_id": message.id,
                "email_to": checked["email"],
            }
        )
        return self.env._("email to %(email)s", email=checked["email"])

    @api.model
    def _invoice_attachments(self, partner):
        """PDFs of the open invoices: the stored one when the invoice was sent, else
        a fresh rendering."""
        moves = partner._followup_open_lines().move_id.filtered(
            lambda m: m.is_sale_document(include_receipts=True)
        )
        attachments = self.env["ir.attachment"]
        to_render = self.env["account.move"]
        for move in moves:
            if move.invoice_pdf_report_id:
                attachments |= move.invoice_pdf_report_id
            else:
                to_render |= move
        for move in to_render:
            pdf, _fmt = self.env["ir.actions.report"]._render_qweb_pdf(
                "account.account_invoices", move.ids
            )
            attachments |= self.env["ir.attachment"].create(
                {
                    "name": f"{(move.name or 'invoice').replace('/', '_')}.pdf",
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": "res.partner",
                    "res_id": partner.id,
                }
            )
        return attachments

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
    def _send_letter(
        self, partner, level, checked, reminder, defer_letters=False, **_b
    ):
        """Letters are printed together at the end of the run (one PDF); here the
        partner is only checked and counted.

        :param defer_letters: the daily run: nobody downloads its letters, they
            wait in Follow-up Reports (filter "Letters to print") and print in one
            PDF from there
        """
        reminder.channel_letter = True
        if defer_letters:
            partner.followup_letter_to_print = True
            reminder.letter_state = "to_print"
            return self.env._("letter to print")
        partner.followup_letter_to_print = False
        reminder.letter_state = "generated"
        return self.env._("letter printed")

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
        return {"recipient": recipient, "number": sanitized, "template": template}

    @api.model
    def _send_sms(self, partner, level, checked, reminder, **_batch):
        """Queue the SMS (sent by the SMS queue, never inline), posted on the
        reminder."""
        recipient = checked["recipient"]
        number = checked["number"]
        body = (
            checked["template"]
            .with_context(lang=partner._followup_get_lang())
            ._render_field("body", partner.ids, compute_lang=False)[partner.id]
        )
        message = reminder._message_sms(
            html2plaintext(body) if "<" in (body or "") else body,
            partner_ids=recipient.ids,
            sms_pid_to_number={recipient.id: number},
            put_in_queue=True,
        )
        reminder.write({"channel_sms": True, "sms_message_id": message.id})
        return self.env._("SMS to %(number)s", number=number)

    # ------------------------------------------------------------------
    # Post
    # ------------------------------------------------------------------

    @api.model
    def _check_post(self, partner, level):
        recipient = partner._followup_get_recipient()
        if not self.env["snailmail.letter"]._is_valid_address(recipient):
            raise UserError(
                self.env._(
                    "The postal address of %(partner)s is incomplete (street, city, "
                    "zip and country are needed): the letter cannot be posted.",
                    partner=recipient.display_name,
                )
            )
        report = self.env.ref("account_payment_followup.action_report_followup_letter")
        # the postal service prints A4 only (snailmail refuses other formats when
        # it sends the queue, when nobody is there to read the error)
        paperformat = report.get_paperformat()
        if paperformat.format != "A4" and not (
            paperformat.format == "custom"
            and paperformat.page_width == 210
            and paperformat.page_height == 297
        ):
            raise UserError(
                self.env._(
                    "Letters are posted on A4 paper only: choose the A4 paper format "
                    "in Settings ▸ Companies ▸ Document Layout to send them by post."
                )
            )
        return {"recipient": recipient, "report": report}

    @api.model
    def _send_post(self, partner, level, checked, reminder, **_batch):
        """Queue the letter for the post: snailmail's queue prints and posts it
        through IAP later; the reminder shows its delivery state."""
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
        reminder.write({"channel_post": True, "snailmail_letter_id": letter.id})
        return self.env._("letter queued for the post to %(city)s", city=recipient.city)

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
