# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The open invoices attached to the reminder emails of a batch: rendered ten per
wkhtmltopdf call, the stored PDFs reused, one failing invoice failing only its
customer."""

import base64
import io
import math
import re
import shutil
import subprocess
from unittest.mock import patch

from freezegun import freeze_time
from markupsafe import Markup

from odoo import Command
from odoo.tests import tagged
from odoo.tools import config
from odoo.tools.pdf import PdfFileReader

from .common import FollowupCommon

INVOICE_REPORT = "account.account_invoices"
ARTICLE = re.compile(r'<div [^>]*class="[^"]*\barticle\b[^>]*>')
SYSTEM_FONT = "<style>* { font-family: 'DejaVu Sans' !important; }</style>"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@tagged("post_install", "-at_install")
@freeze_time("2026-01-21")
class TestFollowupAttachments(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.external_report_layout_id = cls.env.ref(
            "web.external_layout_standard"
        )
        cls.customer3 = cls.env["res.partner"].create(
            {"name": "Customer Three", "email": "three@example.com"}
        )
        cls.level(1).write({"attach_invoices": True, "send_letter": False})

    def setUp(self):
        super().setUp()
        # wkhtmltopdf loads the report's assets from the test server
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", f"http://127.0.0.1:{config['http_port']}"
        )
        Report = type(self.env["ir.actions.report"])
        self.wkhtmltopdf_calls = []
        self.rendered = []
        original_run = Report._run_wkhtmltopdf
        original_html = Report._render_qweb_html
        calls = self.wkhtmltopdf_calls
        rendered = self.rendered

        def run_wkhtmltopdf(report, bodies, *args, **kwargs):
            if kwargs.get("report_ref") == INVOICE_REPORT:
                calls.append(len(bodies))
            return original_run(report, bodies, *args, **kwargs)

        def render_html(report, report_ref, docids, data=None):
            if report_ref != INVOICE_REPORT:
                return original_html(report, report_ref, docids, data=data)
            rendered.append(list(docids))
            html, report_type = original_html(report, report_ref, docids, data=data)
            # a font of the system, which wkhtmltopdf writes as text that the test
            # reads (it draws the report's web font as outlines)
            html = ARTICLE.sub(lambda m: m.group(0) + SYSTEM_FONT, str(html))
            return Markup(html), report_type

        for name, method in (
            ("_run_wkhtmltopdf", run_wkhtmltopdf),
            ("_render_qweb_html", render_html),
        ):
            patcher = patch.object(Report, name, method)
            patcher.start()
            self.addCleanup(patcher.stop)

    def make_invoices(self, partner, count, lines=1):
        invoices = self.env["account.move"]
        for index in range(count):
            invoices |= self.make_invoice(partner, amount=100 + index)
        if lines > 1:
            invoices[-1:].button_draft()
            invoices[-1:].write(
                {
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": f"Service {line}",
                                "quantity": 1,
                                "price_unit": 10,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for line in range(lines)
                    ]
                }
            )
            invoices[-1:].action_post()
        return invoices

    def emails(self, partner):
        return self.env["mail.message"].search(
            [
                ("model", "=", "account.followup.reminder"),
                ("res_id", "in", self.reminder_ids(partner)),
                ("message_type", "=", "comment"),
            ]
        )

    def file_name(self, invoice):
        return f"{invoice.name.replace('/', '_')}.pdf"

    def pdf_pages(self, raw):
        """The text of each page of a PDF (pdftotext: PyPDF2 reads no text from
        the fonts wkhtmltopdf embeds in an invoice)."""
        self.assertTrue(raw.startswith(b"%PDF"), raw[:20])
        if not shutil.which("pdftotext"):
            self.skipTest("pdftotext (poppler-utils) is needed to read the PDFs")
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=raw,
            capture_output=True,
            check=True,
        ).stdout.decode()
        pages = [" ".join(page.split()) for page in text.split("\f")]
        if pages and not pages[-1]:
            pages.pop()
        self.assertEqual(len(pages), len(PdfFileReader(io.BytesIO(raw)).pages))
        return pages

    def execute(self, partners, pdf=True, **kwargs):
        execution = self.env["account.followup.execution"]
        if pdf:
            execution = execution.with_context(force_report_rendering=True)
        return execution._execute(partners, **kwargs)

    def test_batch_renders_ten_invoices_per_call(self):
        invoices = {
            self.customer: self.make_invoices(self.customer, 2),
            # the second page of a long invoice stays with it
            self.customer2: self.make_invoices(self.customer2, 4, lines=45),
            self.customer3: self.make_invoices(self.customer3, 7),
        }
        partners = self.customer | self.customer2 | self.customer3
        summary = self.execute(partners)
        self.assertEqual(summary["processed"], partners)
        count = sum(len(moves) for moves in invoices.values())
        self.assertEqual(len(self.wkhtmltopdf_calls), math.ceil(count / 10))
        self.assertEqual(sorted(len(ids) for ids in self.rendered), [count % 10, 10])
        everything = self.env["account.move"].union(*invoices.values())
        for partner, moves in invoices.items():
            message = self.emails(partner)
            self.assertEqual(len(message), 1)
            attachments = message.attachment_ids
            self.assertEqual(
                sorted(attachments.mapped("name")),
                sorted(self.file_name(move) for move in moves),
            )
            self.assertEqual(set(attachments.mapped("res_model")), {"res.partner"})
            self.assertEqual(set(attachments.mapped("res_id")), {partner.id})
            for move in moves:
                attachment = attachments.filtered(
                    lambda a, move=move: a.name == self.file_name(move)
                )
                pages = self.pdf_pages(attachment.raw)
                self.assertIn(move.name, pages[0], "its invoice, from its first page")
                text = " ".join(pages)
                for other in everything - move:
                    self.assertNotIn(other.name, text)
                if len(move.invoice_line_ids) > 1:
                    self.assertGreater(len(pages), 1, "the whole long invoice")
                    self.assertIn("Service 44", text)
                # the links splitting the document are not in the invoice
                reader = PdfFileReader(io.BytesIO(attachment.raw))
                for page in reader.pages:
                    self.assertNotIn(
                        "followup-invoice.invalid", str(page.get("/Annots"))
                    )
            # the same invoices as the customer's reminder alone attaches
            alone = self.env["account.followup.send"]._invoice_attachments(
                partner.sudo()
            )
            self.assertEqual(
                sorted(alone.mapped("name")), sorted(attachments.mapped("name"))
            )

    def test_stored_pdfs_are_reused(self):
        invoices = self.make_invoices(self.customer, 3)
        others = self.make_invoices(self.customer2, 2)
        stored = invoices[:2] | others
        for invoice in stored:
            invoice.invoice_pdf_report_file = base64.b64encode(PDF)
        partners = self.customer | self.customer2
        self.execute(partners)
        self.assertEqual(self.rendered, [invoices[2:].ids])
        self.assertEqual(len(self.wkhtmltopdf_calls), 1)
        attachments = self.emails(self.customer).attachment_ids
        self.assertEqual(len(attachments), 3)
        for invoice in invoices[:2]:
            self.assertIn(invoice.invoice_pdf_report_id, attachments)
        rendered = attachments - invoices.invoice_pdf_report_id
        self.assertEqual(rendered.name, self.file_name(invoices[2]))
        self.assertEqual(
            (rendered.res_model, rendered.res_id), ("res.partner", self.customer.id)
        )
        self.assertIn(invoices[2].name, self.pdf_pages(rendered.raw)[0])
        self.assertEqual(
            self.emails(self.customer2).attachment_ids, others.invoice_pdf_report_id
        )

    def test_failing_invoice_fails_its_customer_only(self):
        first = self.make_invoices(self.customer, 3)
        broken = self.make_invoices(self.customer2, 2)
        third = self.make_invoices(self.customer3, 1)
        Report = type(self.env["ir.actions.report"])
        original = Report._render_qweb_html
        failing = broken[1]

        def render_html(report, report_ref, docids, data=None):
            if report_ref == INVOICE_REPORT and failing.id in list(docids):
                raise OSError("Wkhtmltopdf failed (error code: -11)")
            return original(report, report_ref, docids, data=data)

        partners = self.customer | self.customer2 | self.customer3
        with patch.object(Report, "_render_qweb_html", render_html):
            summary = self.execute(partners, pdf=False)
        self.assertEqual(summary["processed"], self.customer | self.customer3)
        self.assertEqual([p for p, _m in summary["failed"]], [self.customer2])
        message = summary["failed"][0][1]
        self.assertIn(f"The PDF of the invoice {failing.name} could not", message)
        self.assertNotIn("error code", message)
        self.assertFalse(self.emails(self.customer2))
        notes = self.customer2.message_ids.filtered(
            lambda m: "Follow-up failed" in (m.body or "")
        )
        self.assertIn(failing.name, str(notes[:1].body))
        self.assertEqual(
            len(
                self.customer2.activity_ids.filtered(
                    lambda a: a.summary == "Follow-up failed"
                )
            ),
            1,
        )
        for partner, moves in ((self.customer, first), (self.customer3, third)):
            self.assertEqual(
                sorted(self.emails(partner).attachment_ids.mapped("name")),
                sorted(self.file_name(move) for move in moves),
            )
        # nothing rendered for the failed customer is left on it
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer2.id)]
            )
        )

    def test_unsent_reminder_leaves_no_pdf(self):
        """A customer whose email cannot go keeps no PDF rendered for it."""
        self.make_invoices(self.customer, 1)
        self.make_invoices(self.customer2, 2)
        self.customer2.email = False
        self.company.followup_email_fallback = "none"
        summary = self.execute(self.customer | self.customer2, pdf=False)
        self.assertEqual(summary["processed"], self.customer)
        self.assertEqual(len(self.rendered), 1, "both customers' invoices at once")
        self.assertEqual(len(self.emails(self.customer).attachment_ids), 1)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer2.id)]
            )
        )

    def test_single_customer_renders_alone(self):
        invoices = self.make_invoices(self.customer, 2)
        self.customer.with_context(
            force_report_rendering=True
        ).action_followup_process()
        attachments = self.emails(self.customer).attachment_ids
        self.assertEqual(
            sorted(attachments.mapped("name")),
            sorted(self.file_name(move) for move in invoices),
        )
        self.assertEqual(len(self.wkhtmltopdf_calls), 1)
        for invoice in invoices:
            attachment = attachments.filtered(
                lambda a, invoice=invoice: a.name == self.file_name(invoice)
            )
            self.assertIn(invoice.name, self.pdf_pages(attachment.raw)[0])
