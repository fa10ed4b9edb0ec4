# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import html
import re

from freezegun import freeze_time

from odoo.tests import tagged

from .common import FollowupCommon

MODULE = "account_payment_followup"

# What a customer of each language reads: the texts of the first reminder (the
# level reached 6 days after the due date) and the local formats of its figures.
# Formats: the due date 14 February 2026 and the amount 1234.56 EUR.
EXPECTED = {
    "es_ES": {
        "level": "Primer recordatorio",
        "description": "las facturas siguientes ya están vencidas",
        "due_date_header": "Fecha de vencimiento",
        "total_due": "Total adeudado",
        "greeting": "Estimado/a",
        "subject": "Recordatorio de pago",
        "sms": "vencidos",
        "date": "14/02/2026",
        "amount": "1.234,56 €",
    },
    "nl_NL": {
        "level": "Eerste herinnering",
        "description": "de onderstaande facturen nu vervallen",
        "due_date_header": "Vervaldatum",
        "total_due": "Totaal verschuldigd",
        "greeting": "Beste",
        "subject": "Betalingsherinnering",
        "sms": "vervallen op je rekening",
        "date": "14-02-2026",
        "amount": "1.234,56 €",
    },
    "zh_CN": {
        "level": "第一次催款",
        "description": "以下发票现已逾期",
        "due_date_header": "到期日期",
        "total_due": "到期总额",
        "greeting": "尊敬的",
        "subject": "付款提醒",
        "sms": "已逾期",
        "date": "2026年02月14日",
        "amount": "1,234.56 €",
    },
    "cs_CZ": {
        "level": "První upomínka",
        "description": "níže uvedené faktury nyní po splatnosti",
        "due_date_header": "Datum splatnosti",
        "total_due": "Celkem splatné",
        "greeting": "Vážený zákazníku",
        "subject": "Upomínka",
        "sms": "po splatnosti",
        "date": "14.02.2026",
        "amount": "1 234,56 €",
    },
    "fr_FR": {
        "level": "Premier rappel",
        "description": "les factures ci-dessous sont maintenant échues",
        "due_date_header": "Date d'échéance",
        "total_due": "Total dû",
        "greeting": "Bonjour",
        "subject": "Rappel de paiement",
        "sms": "en retard",
        "date": "14/02/2026",
        "amount": "1 234,56 €",
    },
    "de_DE": {
        "level": "Erste Mahnung",
        "description": "Rechnungen nun überfällig",
        "due_date_header": "Fälligkeitsdatum",
        "total_due": "Fällig gesamt",
        "greeting": "Guten Tag",
        "subject": "Zahlungserinnerung",
        "sms": "überfällig",
        "date": "14.02.2026",
        "amount": "1.234,56 €",
    },
}


def plain(markup):
    """Rendered HTML as the reader sees it: entities decoded, tags dropped,
    (narrow) no-break spaces as spaces, whitespace collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", str(markup)))
    text = text.replace("\xa0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text)


@tagged("post_install", "-at_install")
class TestFollowupI18n(FollowupCommon):
    """Letters, emails and SMS in the customer's language and formats, and the
    default plan in every installed language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a company in euros, the currency of most of these languages' customers
        euro = cls.env.ref("base.EUR")
        euro.active = True
        cls.company.currency_id = euro
        cls.langs = list(EXPECTED)
        for code in cls.langs:
            cls.env["res.lang"]._activate_lang(code)
        # as installing a language does (the company and its plan exist already)
        cls.env["ir.module.module"]._load_module_terms([MODULE], cls.langs)
        cls.first = cls.level(1)
        cls.first.write(
            {
                "sms_template_id": cls.env.ref(f"{MODULE}.sms_template_followup").id,
                "send_sms": True,
            }
        )

    def _customer_of(self, lang):
        return self.env["res.partner"].create(
            {
                "name": f"Customer {lang}",
                "lang": lang,
                "email": f"{lang.lower()}@example.com",
                "street": "Rue de la Loi 16",
                "city": "Bruxelles",
                "zip": "1000",
                "country_id": self.env.ref("base.be").id,
                "mobile": "+32 470 12 34 56",
            }
        )

    @freeze_time("2026-02-20")
    def _check_documents(self, lang):
        expected = EXPECTED[lang]
        self.assertEqual(self.company.currency_id.name, "EUR")
        partner = self._customer_of(lang)
        self.make_invoice(
            partner=partner,
            amount=1234.56,
            invoice_date="2026-01-15",
            due="2026-02-14",
        )
        self.env.invalidate_all()
        self.assertEqual(partner.followup_level_id, self.first)

        # the letter
        letter = plain(
            self.env["ir.actions.report"]
            ._render_qweb_html(f"{MODULE}.report_followup_letter", partner.ids)[0]
            .decode()
        )
        for key in ("level", "description", "due_date_header", "total_due"):
            self.assertIn(expected[key], letter, f"letter in {lang}: {key}")
        self.assertIn(expected["date"], letter, f"letter in {lang}: date format")
        self.assertIn(expected["amount"], letter, f"letter in {lang}: amount format")
        self.assertIn(
            expected["date"].replace("14", "20", 1)
            if lang != "zh_CN"
            else "2026年02月20日",
            letter,
            f"letter in {lang}: the letter's date",
        )
        for english in ("Due date", "Total due", "First reminder", "Dear"):
            self.assertNotIn(english, letter, f"letter in {lang}")

        # the email
        self.execute(partner, channels=["email"], raise_errors=True)
        message = self.env["mail.message"].search(
            [
                ("model", "=", "account.followup.reminder"),
                ("res_id", "in", self.reminder_ids(partner)),
                ("subject", "!=", False),
            ],
            limit=1,
        )
        self.assertIn(expected["subject"], message.subject, f"email in {lang}")
        self.assertNotIn("Payment reminder", message.subject)
        body = plain(message.body)
        for key in ("greeting", "description", "due_date_header", "total_due"):
            self.assertIn(expected[key], body, f"email in {lang}: {key}")
        self.assertIn(expected["date"], body, f"email in {lang}: date format")
        self.assertIn(expected["amount"], body, f"email in {lang}: amount format")
        for english in ("Due date", "Total due", "Dear", "Best regards"):
            self.assertNotIn(english, body, f"email in {lang}")

        # the SMS
        self.execute(partner, channels=["sms"], raise_errors=True)
        sms = self.env["sms.sms"].search([("partner_id", "=", partner.id)])
        self.assertEqual(len(sms), 1)
        text = plain(sms.body)
        self.assertIn(expected["sms"], text, f"SMS in {lang}")
        self.assertIn(expected["amount"], text, f"SMS in {lang}: amount format")
        self.assertNotIn("overdue", text, f"SMS in {lang}")

    def test_documents_spanish(self):
        self._check_documents("es_ES")

    def test_documents_dutch(self):
        self._check_documents("nl_NL")

    def test_documents_chinese(self):
        self._check_documents("zh_CN")

    def test_documents_czech(self):
        self._check_documents("cs_CZ")

    def test_documents_french(self):
        self._check_documents("fr_FR")

    def test_documents_german(self):
        self._check_documents("de_DE")

    @freeze_time("2026-02-20")
    def test_documents_english_unchanged(self):
        """A customer without a language of its own gets the source texts."""
        partner = self._customer_of("en_US")
        self.make_invoice(
            partner=partner, amount=1234.56, invoice_date="2026-01-15", due="2026-02-14"
        )
        self.env.invalidate_all()
        letter = plain(
            self.env["ir.actions.report"]
            .with_context(lang="fr_FR")
            ._render_qweb_html(f"{MODULE}.report_followup_letter", partner.ids)[0]
            .decode()
        )
        self.assertIn("First reminder", letter)
        self.assertIn("Due date", letter)
        self.assertIn("02/14/2026", letter)
        self.assertIn("1,234.56 €", letter)
        self.assertNotIn("Premier rappel", letter)

    def test_default_plan_translated_when_language_installed(self):
        """The plan existed before the languages were installed (setUpClass): loading
        them translated it; English stays the source."""
        self.assertEqual(
            self.levels.with_context(lang="en_US").mapped("name"),
            [
                "Friendly reminder",
                "First reminder",
                "Call the customer",
                "Second reminder",
                "Formal notice",
            ],
        )
        self.assertEqual(
            self.levels.with_context(lang="fr_FR").mapped("name"),
            [
                "Rappel amical",
                "Premier rappel",
                "Appeler le client",
                "Deuxième rappel",
                "Mise en demeure",
            ],
        )
        for lang, expected in EXPECTED.items():
            self.assertEqual(
                self.first.with_context(lang=lang).name, expected["level"], lang
            )
            self.assertIn(
                expected["description"],
                plain(self.first.with_context(lang=lang).description),
                lang,
            )
        call = self.level(15).with_context(lang="de_DE")
        self.assertEqual(
            call.activity_summary, "Kunden wegen der überfälligen Rechnungen anrufen"
        )

    def test_default_plan_created_in_installed_languages(self):
        """A company created by a French-speaking user: its plan is in English
        (the source) and in every installed language."""
        company = (
            self.env["res.company"]
            .with_context(lang="fr_FR")
            .create({"name": "Filiale Praha"})
        )
        levels = (
            self.env["account.followup.level"]
            .sudo()
            .search([("company_id", "=", company.id)], order="delay")
        )
        self.assertEqual(len(levels), 5)
        self.assertEqual(
            levels.with_context(lang="en_US").mapped("name")[:2],
            ["Friendly reminder", "First reminder"],
        )
        self.assertEqual(
            levels.with_context(lang="fr_FR").mapped("name")[:2],
            ["Rappel amical", "Premier rappel"],
        )
        self.assertEqual(
            levels.with_context(lang="cs_CZ").mapped("name")[:2],
            ["Přátelská připomínka", "První upomínka"],
        )
        self.assertEqual(
            levels.with_context(lang="zh_CN").mapped("name")[-1], "正式催告函"
        )

    def test_user_texts_kept_when_language_reloaded(self):
        """Loading a language again never replaces what a user wrote: a changed
        English text, or a translation of their own."""
        second = self.level(35)
        second.with_context(lang="en_US").name = "Second notice, be firm"
        second.with_context(lang="de_DE").name = "Zweite Mahnung (streng)"
        second.with_context(lang="en_US").description = "<p>Our own text.</p>"
        self.first.with_context(lang="nl_NL").name = "Eerste aanmaning"
        self.env["ir.module.module"]._load_module_terms([MODULE], ["de_DE", "nl_NL"])
        self.assertEqual(
            second.with_context(lang="de_DE").name, "Zweite Mahnung (streng)"
        )
        self.assertEqual(
            second.with_context(lang="nl_NL").name, "Tweede herinnering"
        )  # the translation from before the change stays until someone edits it
        self.assertEqual(self.first.with_context(lang="nl_NL").name, "Eerste aanmaning")
        # a level created with the English text of the default plan gets it too
        new = self.env["account.followup.level"].create(
            {
                "name": "Formal notice",
                "delay": 90,
                "company_id": self.company.id,
            }
        )
        self.env["ir.module.module"]._load_module_terms([MODULE], ["es_ES"])
        self.assertEqual(
            new.with_context(lang="es_ES").name, "Requerimiento formal de pago"
        )
        self.assertEqual(second.with_context(lang="es_ES").name, "Segundo recordatorio")
