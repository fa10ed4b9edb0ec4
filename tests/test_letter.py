# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io

from freezegun import freeze_time
from lxml import html

from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from .common import FollowupCommon

LETTER = "account_payment_followup.action_report_followup_letter"


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
