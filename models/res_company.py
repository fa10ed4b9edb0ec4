# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

# The texts of a level that the default plan writes, translated into every language.
FOLLOWUP_DEFAULT_TRANSLATED_FIELDS = ("name", "description", "activity_summary")


class ResCompany(models.Model):
    _inherit = "res.company"

    followup_level_ids = fields.One2many(
        "account.followup.level", "company_id", string="Follow-up plan"
    )
    followup_manager_id = fields.Many2one(
        "res.users",
        string="Follow-up manager",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Who gets the follow-up activities (calls to make, follow-ups that "
        "failed) of the customers that have neither a follow-up responsible nor a "
        "salesperson, those of the daily run in particular. Empty: the user who "
        "runs the follow-up, and for the daily run an accounting administrator of "
        "the company.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._followup_create_default_levels()
        return companies

    def _followup_today(self):
        """Today in the company's time zone, so that a reminder is due on the same
        calendar day whoever looks and wherever the server is: the time zone of the
        company's address, else the main time zone of its country, else UTC (never
        the current user's: two users must agree on what is due today)."""
        self.ensure_one()
        return (
            pytz.utc.localize(fields.Datetime.now())
            .astimezone(self._followup_tz())
            .date()
        )

    def _followup_tz(self):
        """The company's time zone for the follow-ups (see ``_followup_today``)."""
        self.ensure_one()
        tz_name = self.partner_id.tz
        if not tz_name and self.country_id.code:
            zones = pytz.country_timezones.get(self.country_id.code.upper())
            tz_name = zones[0] if zones else None
        try:
            return pytz.timezone(tz_name or "UTC")
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    def _followup_kpis(self, date_from, date_to):
        """The collection figures of the company for the period (company currency,
        posted entries, receivable accounts, as of ``date_to``): a dict with
        receivables, sales, days, dso, best_possible_dso, average_days_delinquent,
        cei, aging {current, 1_30, 31_60, 61_90, 90_plus} and by_level {level id:
        {reminded, paid_within_30}}. A ratio whose denominator is zero is 0.0. See
        ``account.followup.analysis`` for how each figure is computed."""
        self.ensure_one()
        return self.env["account.followup.analysis"]._kpis(self, date_from, date_to)

    def _followup_default_levels_values(self):
        """The default plan: what a credit controller starts from (all editable)."""
        self.ensure_one()
        _ = self.env._
        mail_template = self.env.ref(
            "account_payment_followup.mail_template_followup", raise_if_not_found=False
        )
        sms_template = self.env.ref(
            "account_payment_followup.sms_template_followup", raise_if_not_found=False
        )
        call = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        paragraph = Markup("<p>%s</p>")
        return [
            {
                "name": _("Friendly reminder"),
                "delay": -3,
                "send_email": bool(mail_template),
                "mail_template_id": mail_template.id if mail_template else False,
                "auto_execute": True,
                "description": paragraph
                % _(
                    "This is a friendly reminder that the invoices below will be "
                    "due in a few days. If you have already arranged the payment, "
                    "please disregard this message."
                ),
            },
            {
                "name": _("First reminder"),
                "delay": 1,
                "send_email": bool(mail_template),
                "mail_template_id": mail_template.id if mail_template else False,
                "send_letter": True,
                "auto_execute": True,
                "description": paragraph
                % _(
                    "Our records show that the invoices below are now overdue. We "
                    "would be grateful if you could settle them at your earliest "
                    "convenience. If you have already paid, please disregard this "
                    "reminder."
                ),
            },
            {
                "name": _("Call the customer"),
                "delay": 15,
                "manual_action": True,
                "activity_type_id": call.id if call else False,
                "activity_summary": _("Call the customer about the overdue invoices"),
                "description": paragraph
                % _(
                    "Despite our reminder, the invoices below are still unpaid. "
                    "Please contact us to settle them."
                ),
            },
            {
                "name": _("Second reminder"),
                "delay": 35,
                "send_email": bool(mail_template),
                "mail_template_id": mail_template.id if mail_template else False,
                "send_letter": True,
                "manual_action": True,
                "activity_type_id": call.id if call else False,
                "activity_summary": _("Call the customer: second reminder sent"),
                "send_sms": False,
                "sms_template_id": sms_template.id if sms_template else False,
                "description": paragraph
                % _(
                    "We have not received the payment of the invoices below despite "
                    "our previous reminders. Please pay the overdue amount within "
                    "eight days, or contact us if there is any problem."
                ),
            },
            {
                "name": _("Formal notice"),
                "delay": 60,
                "send_letter": True,
                "send_post": True,
                # the responsible decides what comes after the formal notice
                "manual_action": True,
                "activity_type_id": todo.id if todo else False,
                "activity_summary": _(
                    "Formal notice sent: decide whether to hand the file over for "
                    "collection"
                ),
                "description": paragraph
                % _(
                    "Despite our reminders, the invoices below remain unpaid. This "
                    "letter is a formal notice to pay the overdue amount within "
                    "eight days. Without payment by then, we will hand the matter "
                    "over for collection without further notice."
                ),
            },
        ]

    def _followup_create_default_levels(self):
        """Create the default plan for the companies of ``self`` that have none."""
        # sudo: the plan is created by installation or by company creation, whoever
        # the user is (a company creator is not always an accounting manager)
        Level = (
            self.env["account.followup.level"].sudo().with_context(active_test=False)
        )
        companies_with_plan = set(
            Level.search([("company_id", "in", self.ids)]).company_id.ids
        )
        vals_list = []
        for company in self:
            if company.id in companies_with_plan:
                continue
            # the texts in English (the source of every translation), whatever the
            # language of the user who installs or creates the company
            english = company.with_context(lang="en_US")
            for vals in english._followup_default_levels_values():
                vals_list.append(dict(vals, company_id=company.id))
        levels = Level.with_context(lang="en_US").create(vals_list)
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        self._followup_translate_default_levels(levels, langs)
        return levels.with_env(Level.env)

    def _followup_default_levels_translations(self, lang):
        """``{field: {English text: translation}}`` for the texts of the default
        plan, from the addon's code translations (i18n/<lang>.po), each translation
        as ``update_field_translations`` takes it: the text, or for an Html field
        ``{English term: translated term}``."""
        self.ensure_one()
        Level = self.env["account.followup.level"]
        english = self.with_context(lang="en_US")._followup_default_levels_values()
        translated = self.with_context(lang=lang)._followup_default_levels_values()
        translations = defaultdict(dict)
        for vals_en, vals_lang in zip(english, translated, strict=True):
            for fname in FOLLOWUP_DEFAULT_TRANSLATED_FIELDS:
                if vals_en.get(fname) and vals_lang.get(fname) != vals_en[fname]:
                    # compared as stored: an Html text comes back sanitized
                    field = Level._fields[fname]
                    source = field.convert_to_cache(vals_en[fname], Level)
                    value = field.convert_to_cache(vals_lang[fname], Level)
                    if callable(field.translate):
                        # an Html field is translated term by term (paragraphs)
                        terms_en = field.get_trans_terms(source)
                        terms_lang = field.get_trans_terms(value)
                        if len(terms_en) != len(terms_lang):
                            continue
                        value = dict(zip(terms_en, terms_lang, strict=True))
                    else:
                        value = str(value)
                    translations[fname][str(source)] = value
        return translations

    @api.model
    def _followup_translate_default_levels(self, levels, langs, overwrite=False):
        """Give the texts of the default plan their translation in each of ``langs``.

        The default levels are created in code (one plan per company), so the .po
        files cannot reach them by xml id: this runs when the plan is created and
        whenever a language is loaded (``ir.module.module._load_module_terms``).
        Only a text still as the default plan wrote it in English is translated; a
        text the user changed is theirs, and so is a translation already there,
        unless ``overwrite`` (Odoo's "overwrite existing translations").
        """
        langs = [lang for lang in langs if lang != "en_US"]
        if not levels or not langs:
            return
        fnames = FOLLOWUP_DEFAULT_TRANSLATED_FIELDS
        levels.flush_recordset(list(fnames))
        rows = self.env.execute_query(
            SQL(
                "SELECT id, %s FROM account_followup_level WHERE id IN %s",
                SQL(", ").join(SQL.identifier(fname) for fname in fnames),
                tuple(levels.ids),
            )
        )
        for lang in langs:
            # the default plan's texts do not depend on the company
            translations = levels[:1].company_id._followup_default_levels_translations(
                lang
            )
            for level_id, *stored_values in rows:
                level = levels.browse(level_id)
                for fname, stored in zip(fnames, stored_values, strict=True):
                    stored = stored or {}
                    value = translations[fname].get(stored.get("en_US"))
                    if value and (overwrite or lang not in stored):
                        level.update_field_translations(fname, {lang: value})
