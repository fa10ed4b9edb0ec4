# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import re
import subprocess
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time
from lxml import html

from odoo.tests import tagged
from odoo.tools import format_amount, format_date
from odoo.tools.pdf import PdfFileReader

from .common import FollowupCommon

LETTER = "account_payment_followup.res_partner_action_report_followup_letter"
LETTER_VALUES = "report.account_payment_followup.report_followup_letter"
MM_PER_POINT = 25.4 / 72


@tagged("post_install", "-at_install")
@freeze_time("2026-01-25")
class TestLetter(FollowupCommon):
    """The PDF letter: letterhead, address, date, the level's text, the statement,
    totals and how to pay, in the customer's language."""

    def setUp(self):
        super().setUp()
        self.company.external_report_layout_id = self.env.ref(
            "web.external_layout_standard"
        )
        self.env["res.partner.bank"].create(
            {
                "acc_number": "BE71 0961 2345 6769",
                "partner_id": self.company.partner_id.id,
            }
        )
        self.invoice = self.make_invoice(self.customer, amount=1000, due="2026-01-20")
        self.later = self.make_invoice(self.customer, amount=250, due="2026-02-20")

    def render_html(self, partners):
        content, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            LETTER, partners.ids
        )
        return html.fromstring(content)

    def text(self, node):
        return " ".join(node.text_content().split())

    def test_letter_content(self):
        doc = self.render_html(self.customer)
        page = self.text(doc)
        address = self.text(doc.xpath("//div[@name='address']")[0])
        self.assertIn("Customer One", address)
        self.assertIn("12 Rue Haute", address)
        self.assertIn("4000 Liège", address)
        self.assertIn("Belgium", address)
        self.assertIn("01/25/2026", page, "the date of the letter")
        self.assertIn(self.level(1).name, page, "the level's title")
        self.assertIn(self.text(html.fromstring(str(self.level(1).description))), page)
        self.assertIn("Dear Customer One", page)
        rows = doc.xpath("//table[hasclass('o_followup_statement')]/tbody/tr")
        self.assertEqual(len(rows), 2)
        self.assertIn(self.invoice.name, self.text(rows[0]))
        self.assertIn("o_followup_overdue", rows[0].get("class"))
        self.assertNotIn("o_followup_overdue", rows[1].get("class") or "")
        total_due = doc.xpath("//td[hasclass('o_followup_total_due')]")[0]
        total_overdue = doc.xpath("//td[hasclass('o_followup_total_overdue')]")[0]
        self.assertIn("1,250.00", self.text(total_due))
        self.assertIn("1,000.00", self.text(total_overdue))
        self.assertIn("BE71 0961 2345 6769", page, "where to pay")
        # the company letterhead
        self.assertTrue(doc.xpath("//div[contains(@class, 'o_company_')]"))

    def test_excluded_line_is_shown_not_counted(self):
        self.receivable_lines(self.invoice).followup_excluded = True
        doc = self.render_html(self.customer)
        rows = doc.xpath("//table[hasclass('o_followup_statement')]/tbody/tr")
        self.assertIn("(on hold)", self.text(rows[0]))
        total_due = doc.xpath("//td[hasclass('o_followup_total_due')]")[0]
        self.assertIn("250.00", self.text(total_due))
        self.assertNotIn("1,250.00", self.text(total_due))

    def test_letter_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        level = self.level(1)
        level.with_context(lang="fr_FR").write(
            {
                "name": "Premier rappel",
                "description": "<p>Sauf erreur de notre part, les factures "
                "ci-dessous restent impayées.</p>",
            }
        )
        page = self.text(self.render_html(self.customer))
        self.assertIn("Premier rappel", page)
        self.assertIn("les factures ci-dessous restent impayées", page)
        self.assertIn("25/01/2026", page, "the date in French format")
        self.assertIn("1 000,00", page, "amounts in French format")
        # another customer's letter, in the same PDF, stays in English
        self.make_invoice(self.customer2, amount=100, due="2026-01-20")
        doc = self.render_html(self.customer | self.customer2)
        self.assertEqual(len(doc.xpath("//div[hasclass('o_followup_letter')]")), 2)
        second = self.text(doc.xpath("//div[hasclass('o_followup_letter')]")[1])
        self.assertIn(level.with_context(lang="en_US").name, second)

    def test_formatters_write_as_odoo(self):
        """The statement's formatters, which look the language up once, write what
        Odoo's format_date and format_amount write, in English and in French."""
        self.env["res.lang"]._activate_lang("fr_FR")
        currencies = [
            self.env.ref(f"base.{code}").with_context(active_test=False)
            for code in ("EUR", "USD", "JPY", "KWD")
        ]
        amounts = [0, -0.0, 0.004, 0.005, 12.345, -1234567.891, 1e9, -0.5, 999.995]
        values = [
            date(2026, 1, 5),
            date(1999, 12, 31),
            datetime(2026, 1, 5, 23, 30),
            "2026-02-03",
            False,
            None,
        ]
        for lang in ("en_US", "fr_FR"):
            with self.subTest(lang):
                env = self.env(context=dict(self.env.context, lang=lang))
                Send = env["account.followup.send"]
                format_amount_once = Send._amount_formatter()
                for currency in currencies:
                    for amount in amounts:
                        self.assertEqual(
                            format_amount_once(amount, currency),
                            format_amount(env, amount, currency),
                            (amount, currency.name),
                        )
                format_date_once = Send._date_formatter()
                for value in values + values:
                    self.assertEqual(
                        format_date_once(value), format_date(env, value), value
                    )

    def test_letters_in_one_pdf(self):
        """wkhtmltopdf renders one PDF with a letter per customer."""
        self.make_invoice(self.customer2, amount=100, due="2026-01-20")
        partners = self.customer | self.customer2
        pdf, fmt = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(LETTER, partners.ids)
        )
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        reader = PdfFileReader(io.BytesIO(pdf))
        self.assertGreaterEqual(len(reader.pages), 2)
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        self.assertIn("Customer One", text)
        self.assertIn("Customer Two", text)

    def test_email_uses_the_same_statement(self):
        body = str(self.customer._followup_render_statement(level=self.level(1)))
        statement = html.fromstring(body)
        self.assertEqual(
            len(statement.xpath("//table[hasclass('o_followup_statement')]/tbody/tr")),
            2,
        )
        self.assertIn(self.invoice.name, body)
        self.assertIn("1,250.00", body)

    def test_empty_columns_are_left_out(self):
        """Expected date and communication show only when they say something."""
        doc = self.render_html(self.customer)
        headers = [self.text(th) for th in doc.xpath("//table//thead//th")]
        self.assertEqual(headers, ["Invoice", "Date", "Due date", "Amount due"])
        self.receivable_lines(self.later).followup_expected_date = "2026-03-01"
        self.invoice.payment_reference = "+++090/9337/55493+++"
        doc = self.render_html(self.customer)
        headers = [self.text(th) for th in doc.xpath("//table//thead//th")]
        self.assertEqual(
            headers,
            ["Invoice", "Date", "Due date", "Expected", "Communication", "Amount due"],
        )
        page = self.text(doc)
        self.assertIn("+++090/9337/55493+++", page)
        self.assertIn("03/01/2026", page)
        total_label = doc.xpath("//td[hasclass('o_followup_total_due')]/..")[0][0]
        self.assertEqual(total_label.get("colspan"), "5")

    def letterhead_in_page(self, in_page):
        """Render as wkhtmltopdf built without (True) or with (False) patched Qt."""
        return patch.object(
            type(self.env[LETTER_VALUES]), "_letterhead_in_page", return_value=in_page
        )

    def render_pdf(self, partners):
        pdf, _fmt = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(LETTER, partners.ids)
        )
        return pdf

    def test_letterhead_in_the_page_without_patched_qt(self):
        """wkhtmltopdf without patched Qt prints no header or footer: each letter
        carries the letterhead and the company's details in its page, once."""
        self.company.write({"company_registry": "0477.472.701", "vat": "BE0477472701"})
        self.make_invoice(self.customer2, amount=100, due="2026-01-20")
        with self.letterhead_in_page(True):
            doc = self.render_html(self.customer | self.customer2)
        self.assertFalse(doc.xpath("//div[hasclass('header')]"), "no header to lose")
        self.assertFalse(doc.xpath("//div[hasclass('footer')]"), "no footer to lose")
        # no room kept at the top of the sheet for a header
        self.assertEqual(doc.get("data-report-margin-top"), "12")
        articles = doc.xpath("//div[hasclass('article')]")
        self.assertEqual(len(articles), 2, "a document per letter")
        for article, customer in zip(
            articles, self.customer | self.customer2, strict=True
        ):
            text = self.text(article)
            self.assertEqual(text.count("1 Main Street"), 1, "the letterhead, once")
            heads = article.xpath(".//div[hasclass('o_followup_letterhead')]")
            self.assertEqual(len(heads), 1)
            self.assertIn(self.company.name, self.text(heads[0]))
            self.assertIn("1 Main Street", self.text(heads[0]))
            address = article.xpath(".//div[@name='address']")
            self.assertEqual(len(address), 1)
            self.assertIn(customer.name, self.text(address[0]))
            footers = article.xpath(".//div[hasclass('o_followup_letter_footer')]")
            self.assertEqual(len(footers), 1)
            footer = self.text(footers[0])
            self.assertIn("0477.472.701", footer)
            self.assertIn("BE0477472701", footer)
            self.assertIn("BE71 0961 2345 6769", footer)

    def test_letterhead_in_page_keeps_the_company_report_footer(self):
        self.company.report_footer = "<p>Harbour Supplies · RPR Brussels</p>"
        with self.letterhead_in_page(True):
            doc = self.render_html(self.customer)
        footer = self.text(doc.xpath("//div[hasclass('o_followup_letter_footer')]")[0])
        self.assertEqual(footer, "Harbour Supplies · RPR Brussels")

    def test_letterhead_in_the_layout_with_patched_qt(self):
        """wkhtmltopdf with patched Qt prints the header and footer of the company's
        layout: the letterhead is there, not in the page."""
        with self.letterhead_in_page(False):
            doc = self.render_html(self.customer)
        headers = doc.xpath("//div[hasclass('header')]")
        self.assertEqual(len(headers), 1)
        self.assertIn("1 Main Street", self.text(headers[0]))
        self.assertEqual(len(doc.xpath("//div[hasclass('footer')]")), 1)
        self.assertEqual(self.text(doc).count("1 Main Street"), 1, "once")
        self.assertFalse(doc.xpath("//div[hasclass('o_followup_letterhead')]"))
        self.assertFalse(doc.xpath("//div[hasclass('o_followup_letter_footer')]"))
        self.assertIsNone(doc.get("data-report-margin-top"), "the paper format's")

    def test_pdf_carries_the_letterhead(self):
        """Through the wkhtmltopdf of this server, whichever its build."""
        reader = PdfFileReader(io.BytesIO(self.render_pdf(self.customer)))
        text = " ".join(reader.pages[0].extract_text().split())
        # in the letterhead, as well as under "Best regards"
        self.assertGreaterEqual(text.count(self.company.name), 2)
        self.assertIn("1 Main Street", text, "the company's address")
        self.assertIn("12 Rue Haute", text, "the customer's address")

    def test_pdf_letters_each_carry_the_letterhead(self):
        """Several letters in one PDF (a batch): each page shows the letterhead once,
        above its own customer's letter."""
        self.make_invoice(self.customer2, amount=100, due="2026-01-20")
        pdf = self.render_pdf(self.customer | self.customer2)
        pages = [
            " ".join(page.extract_text().split())
            for page in PdfFileReader(io.BytesIO(pdf)).pages
        ]
        self.assertEqual(len(pages), 2)
        for text, customer in zip(pages, self.customer | self.customer2, strict=True):
            self.assertEqual(text.count("1 Main Street"), 1)
            self.assertIn(f"Dear {customer.name}", text)

    def test_pdf_recipient_in_the_envelope_window(self):
        """With the letterhead in the page, the recipient is printed where the
        right-hand window of a DL or C5 envelope shows it: from 118 mm of the left
        and 60 mm of the top of the A4 sheet, above the fold (99 mm)."""
        self.customer.street2 = "Building C, third floor"
        with self.letterhead_in_page(True):
            pdf = self.render_pdf(self.customer)
        words = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", "-bbox", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', words)
        self.assertEqual(
            (
                round(float(page[1]) * MM_PER_POINT),
                round(float(page[2]) * MM_PER_POINT),
            ),
            (210, 297),
            "A4",
        )
        boxes = [
            (word, [float(v) * MM_PER_POINT for v in box])
            for *box, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                r'yMax="([\d.]+)">([^<]*)</word>',
                words,
            )
        ]
        # what is printed on the right of the sheet from the postage area (40 mm)
        # to the bottom of the window: the recipient, and nothing else
        window = [
            (word, box)
            for word, box in boxes
            if box[0] > 100 and box[3] > 40 and box[1] < 88
        ]
        self.assertEqual(
            " ".join(word for word, _box in window),
            "Customer One 12 Rue Haute Building C, third floor 4000 Liège Belgium",
        )
        self.assertAlmostEqual(min(box[0] for _w, box in window), 118, delta=3)
        self.assertLess(max(box[2] for _w, box in window), 190)
        self.assertAlmostEqual(min(box[1] for _w, box in window), 60, delta=3)
        self.assertLess(max(box[3] for _w, box in window), 86)
