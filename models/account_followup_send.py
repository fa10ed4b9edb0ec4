# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ast
import logging
from contextlib import contextmanager
from datetime import date

import babel.dates
from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import (
    babel_locale_parse,
    float_round,
    format_amount,
    format_date,
    get_lang,
    posix_to_ldml,
)

from odoo.addons.base.models.res_lang import intersperse

from ..tools import CHANNELS

_logger = logging.getLogger(__name__)

# the context of the reminder email's message_post: queued (a batch never waits on
# the mail server), nobody subscribed, first message of its reminder
EMAIL_POST_CONTEXT = {
    "mail_notify_force_send": False,
    "mail_post_autofollow": False,
    "followup_first_message": True,
}

# what the statement reads of its lines and of their entries (see _statement_rows;
# the customer's page also reads the entries' currency)
STATEMENT_LINE_FIELDS = [
    "move_id",
    "name",
    "date",
    "date_maturity",
    "amount_residual",
    "amount_residual_currency",
    "currency_id",
    "followup_expected_date",
    "followup_excluded",
]
STATEMENT_MOVE_FIELDS = [
    "currency_id",
    "name",
    "move_type",
    "payment_reference",
    "ref",
    "invoice_date",
]


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
    def _statement_values(self, partner, level=None, check_disputes=True):
        """Everything the statement (email body, letter) shows for one partner."""
        # the partner and level in this environment's language (the reminder's)
        partner = partner.commercial_partner_id.with_context(lang=self.env.lang)
        if level:
            level = level.with_context(lang=self.env.lang)
        company = self.env.company
        today = company._followup_today()
        level = level if level is not None else self._document_level(partner)
        rows = self._statement_rows(partner, check_disputes=check_disputes)
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
    def _statement_rows(self, partner, check_disputes=True):
        """The open items of the statement of one partner (in the current company),
        by due date: one dict per line. The lines and their entries are read with
        the fields the statement shows only, in one query each.

        :param check_disputes: ``False`` when the caller knows that the company has
            no open dispute (a batch): no item is then disputed
        """
        partner = partner.commercial_partner_id
        lines = self._statement_lines(partner)
        lines.move_id.fetch(STATEMENT_MOVE_FIELDS)
        # (a batch knows when its company has no open dispute at all)
        disputed = (
            lines.move_id._followup_disputed_moves()
            if check_disputes
            else lines.move_id.browse()
        )
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
        return rows

    @api.model
    def _statement_lines(self, partner):
        """The open lines the statement of ``partner`` (a commercial partner)
        shows, by due date."""
        Line = self.env["account.move.line"]
        return Line.search_fetch(
            Line._followup_statement_domain(partner),
            STATEMENT_LINE_FIELDS,
            order="date_maturity, id",
        )

    @api.model
    def _date_formatter(self):
        """``format_date`` in the environment's language, each date formatted once:
        a statement of hundreds of lines shows a few hundred distinct dates, and
        looking up the language costs more than formatting. The language, its
        locale and its date format are looked up at the first date."""
        formatted = {}
        babel_args = {}

        def format_once(value):
            if value not in formatted:
                if type(value) is not date:
                    # (a datetime or a string: Odoo's own conversions)
                    formatted[value] = format_date(self.env, value)
                    return formatted[value]
                if not babel_args:
                    lang = get_lang(self.env)
                    locale = babel_locale_parse(lang.code)
                    babel_args.update(
                        format=posix_to_ldml(lang.date_format, locale=locale),
                        locale=locale,
                    )
                formatted[value] = babel.dates.format_date(value, **babel_args)
            return formatted[value]

        return format_once

    @api.model
    def _amount_formatter(self):
        """``format_amount`` in the environment's language, with the language's
        separators and grouping and each currency's decimals, rounding, symbol and
        position looked up once: ``format_amount`` looks up the language and parses
        its grouping for every amount, which costs more than formatting on a page of
        hundreds of lines. The same text as ``format_amount``."""
        currencies = {}
        separators = []

        def format_amount_once(amount, currency):
            if not separators:
                lang = get_lang(self.env)
                separators.extend(
                    (
                        ast.literal_eval(lang.grouping),
                        lang.thousands_sep or "",
                        lang.decimal_point,
                    )
                )
            grouping, thousands_sep, decimal_point = separators
            if currency.id not in currencies:
                symbol = currency.symbol or ""
                before = currency.position == "before"
                currencies[currency.id] = (
                    f"%.{currency.decimal_places}f",
                    currency.rounding,
                    f"{symbol}\N{NO-BREAK SPACE}" if before else "",
                    "" if before else f"\N{NO-BREAK SPACE}{symbol}",
                )
            fmt, rounding, pre, post = currencies[currency.id]
            parts = (fmt % float_round(amount, precision_rounding=rounding)).split(".")
            parts[0] = intersperse(parts[0], grouping, thousands_sep)[0]
            number = (
                decimal_point.join(parts)
                .replace(" ", "\N{NO-BREAK SPACE}")
                .replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
            )
            return f"{pre}{number}{post}"

        return format_amount_once

    @api.model
    def _render_statement(self, partner, level=None, check_disputes=True):
        """The statement table as HTML (same QWeb as the letter), in the language of
        the environment."""
        values = self._statement_values(
            partner, level=level, check_disputes=check_disputes
        )
        return self.env["ir.qweb"]._render(
            "account_payment_followup.report_followup_letter_statement_table", values
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

    @contextmanager
    def _rendering(self, failure_message):
        """Run a rendering (a template, a PDF): when it fails, the error says what
        could not be rendered, in the user's words; its details (a traceback, the
        template's source, SQL) go to the server log, never to the chatter."""
        try:
            yield
        except pg_errors.TransactionRollbackError:
            raise
        except Exception:
            _logger.exception("Payment follow-ups: %s", failure_message)
            raise UserError(failure_message) from None

    # ------------------------------------------------------------------
    # All channels of a level
    # ------------------------------------------------------------------

    @api.model
    def _check(self, partner, level, channels, email_recipients=None, **_batch):
        """Check every channel first, a level is executed whole or not at all:
        {channel: what its check found}. An email that cannot go is replaced by the
        company's fallback, when it has one (``_check_email_or_fallback``), unless
        the user chose its recipients.

        :param email_recipients: the recipients chosen in the send wizard (instead
            of the invoice contact)
        """
        return {
            channel: (
                self._check_email(partner, level, recipients=email_recipients)
                if email_recipients
                else self._check_email_or_fallback(partner, level, channels)
            )
            if channel == "email"
            else getattr(self, f"_check_{channel}")(partner, level)
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
    def _check_email(self, partner, level, recipients=None):
        """:param recipients: who receives it (default: the invoice contact)"""
        template = level._get_mail_template()
        if not template:
            raise UserError(
                self.env._(
                    "The follow-up level “%(level)s” has no email template: choose "
                    "one in Invoicing ▸ Configuration ▸ Follow-up Levels.",
                    level=level.name,
                )
            )
        self._check_template_model(level, template)
        recipients = recipients or partner._followup_get_recipient()
        emails = []
        for recipient in recipients:
            email = recipient.email_normalized
            if not email:
                raise UserError(
                    self.env._(
                        "%(partner)s has no valid email address: add one on the "
                        "contact to send the reminder by email.",
                        partner=recipient.display_name,
                    )
                )
            if recipient.is_blacklisted:
                raise UserError(
                    self.env._(
                        "The email address of %(partner)s (%(email)s) is "
                        "blacklisted: the reminder was not emailed.",
                        partner=recipient.display_name,
                        email=email,
                    )
                )
            emails.append(email)
        return {
            "recipient": recipients,
            "template": template,
            "email": ", ".join(emails),
        }

    @api.model
    def _check_template_model(self, level, template):
        """A template renders the record of its own model with the customer's id:
        one of another model would send another record (someone else's invoice).
        The level refuses them (``account.followup.level._check_templates``); a
        template changed since is refused here."""
        if template.model != "res.partner":
            raise UserError(
                self.env._(
                    "The template “%(template)s” of the follow-up level “%(level)s” "
                    "is not a template for customers: choose one in Invoicing ▸ "
                    "Configuration ▸ Follow-up Levels.",
                    template=template.name,
                    level=level.name,
                )
            )

    @api.model
    def _company_has_open_disputes(self, cache=None):
        """Whether the current company has an open dispute; ``cache`` ({company id:
        bool}, shared by a batch) saves a query per customer."""
        company_id = self.env.company.id
        if cache is not None and company_id in cache:
            return cache[company_id]
        # sudo: only whether one exists is read
        found = bool(
            self.env["account.followup.dispute"]
            .sudo()
            .search_count(
                [("state", "=", "open"), ("company_id", "=", company_id)], limit=1
            )
        )
        if cache is not None:
            cache[company_id] = found
        return found

    @api.model
    def _render_email(self, partner, level, template, check_disputes=True):
        """The reminder email's subject, body_html and email_from, rendered with the
        template in the customer's language (the send wizard shows them before
        sending); a template that cannot be rendered raises a clear UserError."""
        lang = partner._followup_get_lang()
        failure = self.env._(
            "The email template “%(template)s” could not be rendered for "
            "%(partner)s: check its placeholders and the text of the level. The "
            "details are in the server log.",
            template=template.name,
            partner=partner.display_name,
        )
        with self._rendering(failure):
            statement = self.with_context(lang=lang)._render_statement(
                partner, level=level, check_disputes=check_disputes
            )
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
            rendered["email_from"] = (
                template._render_field("email_from", partner.ids)[partner.id]
                if template.email_from
                else self.env.company.email_formatted or self.env.user.email_formatted
            )
        return rendered

    @api.model
    def _send_email(
        self,
        partner,
        level,
        checked,
        reminder,
        authors=None,
        catchalls=None,
        email_subject=None,
        email_body=None,
        attach_invoices=None,
        **_batch,
    ):
        """Queue the reminder email (statement in the body, open invoices attached
        when the level asks it), posted on the reminder and sent to its recipient
        only.

        :param authors: {sender address: author partner id}, shared by a batch so
            that each sender is looked up once
        :param catchalls: {company id: catchall address}, shared by a batch: the
            reply-to of a reminder is its company's catchall (a reminder has no
            alias of its own), named after the reminder
        :param email_subject, email_body: the text edited in the send wizard
            (None: rendered from the template)
        :param attach_invoices: the send wizard's choice (None: the level's)
        :param _batch: ``invoice_pdfs``: the invoice PDFs the batch rendered for its
            customers (see ``_invoice_attachments``)
        """
        if "fallback" in checked:
            return self._send_email_fallback(
                partner, level, checked, reminder, **_batch
            )
        values = self._email_post_values(
            partner,
            level,
            checked,
            reminder,
            authors=authors,
            catchalls=catchalls,
            email_subject=email_subject,
            email_body=email_body,
            attach_invoices=attach_invoices,
            **_batch,
        )
        message = reminder.with_context(**EMAIL_POST_CONTEXT).message_post(**values)
        reminder.write(
            {
                "channel_email": True,
                "email_message_id": message.id,
                "email_to": checked["email"],
                "email_state": "queued",
            }
        )
        return self._email_description(checked)

    @api.model
    def _email_description(self, checked):
        """What the chatter says of a reminder email (``checked``: what
        ``_check_email`` found)."""
        return self.env._("email to %(email)s", email=checked["email"])

    @api.model
    def _email_post_values(
        self,
        partner,
        level,
        checked,
        reminder,
        authors=None,
        catchalls=None,
        email_subject=None,
        email_body=None,
        attach_invoices=None,
        **_batch,
    ):
        """The arguments of the reminder email's ``message_post`` on ``reminder``
        (with ``EMAIL_POST_CONTEXT``): rendered, invoices attached, author and
        reply-to found once per batch (see ``_send_email``)."""
        recipient = checked["recipient"]
        template = checked["template"]
        rendered = self._render_email(
            partner,
            level,
            template,
            check_disputes=self._company_has_open_disputes(_batch.get("disputes")),
        )
        email_from = rendered["email_from"]
        if email_subject is not None:
            rendered["subject"] = email_subject
        if email_body is not None:
            rendered["body_html"] = email_body
        if attach_invoices is None:
            attach_invoices = level.attach_invoices
        attachment_ids = []
        if attach_invoices:
            attachment_ids = self._invoice_attachments(
                partner, prepared=_batch.get("invoice_pdfs")
            ).ids
        # what message_post would compute, from what the batch already found
        post_values = {}
        if catchalls is not None:
            company = self.env.company
            if company.id not in catchalls:
                # sudo: the alias domains are read by message_post itself as sudo
                alias_domain = reminder.sudo()._mail_get_alias_domains(
                    default_company=company
                )[reminder.id]
                catchalls[company.id] = (company.catchall_email or False, alias_domain)
            catchall, alias_domain = catchalls[company.id]
            post_values["record_alias_domain_id"] = alias_domain.id
            post_values["record_company_id"] = company.id
            post_values["reply_to"] = (
                reminder._notify_get_reply_to_formatted_email(
                    catchall, reminder.display_name, company=company
                )
                if catchall
                else email_from
            )
        if authors is not None:
            if email_from not in authors:
                authors[email_from] = reminder._message_compute_author(
                    email_from=email_from
                )[0]
            post_values["author_id"] = authors[email_from]
        return {
            **post_values,
            "body": rendered["body_html"],
            "subject": rendered["subject"],
            "partner_ids": recipient.ids,
            "email_from": email_from,
            "attachment_ids": attachment_ids,
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
            "email_layout_xmlid": "mail.mail_notification_light",
        }
