# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The open invoices attached to the reminder emails of a batch: rendered ten per
wkhtmltopdf call, the stored PDFs reused, one failing invoice failing only its
customer."""

import base64
import glob
import io
import math
import os
import re
import shutil
import subprocess
import tempfile
from types import SimpleNamespace
from unittest.mock import patch

from freezegun import freeze_time
from markupsafe import Markup

from odoo import Command, http
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import config
from odoo.tools.pdf import PdfFileReader

from odoo.addons.account_payment_followup.models import (
    account_followup_pdf_calls as pdf_calls_module,
)
from odoo.addons.account_payment_followup.models import (
    account_followup_send_attachments as attachments_module,
)
from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

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
        # the wkhtmltopdf processes (their command), and how many ran at once
        self.wkhtmltopdf_calls = []
        self.processes = []
        self.at_once = []
        # the invoices rendered for their PDFs, and for calls started ahead
        self.rendered = []
        self.started_ahead = []
        original_html = Report._render_qweb_html
        original_popen = subprocess.Popen
        wkhtmltopdf = _get_wkhtmltopdf_bin()

        def popen(command, *args, **kwargs):
            process = original_popen(command, *args, **kwargs)
            if command[0] == wkhtmltopdf and "--version" not in command:
                self.at_once.append(
                    1 + sum(1 for other in self.processes if other.poll() is None)
                )
                self.wkhtmltopdf_calls.append(command)
                self.processes.append(process)
            return process

        def render_html(report, report_ref, docids, data=None):
            if report_ref != INVOICE_REPORT:
                return original_html(report, report_ref, docids, data=data)
            if report.env.context.get(pdf_calls_module.START):
                self.started_ahead.append(list(docids))
            else:
                self.rendered.append(list(docids))
            html, report_type = original_html(report, report_ref, docids, data=data)
            # a font of the system, which wkhtmltopdf writes as text that the test
            # reads (it draws the report's web font as outlines)
            html = ARTICLE.sub(lambda m: m.group(0) + SYSTEM_FONT, str(html))
            return Markup(html), report_type

        for patcher in (
            patch.object(Report, "_render_qweb_html", render_html),
            patch("subprocess.Popen", popen),
        ):
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

    def assert_nothing_left(self):
        """No wkhtmltopdf process still running, no file of a call left."""
        self.assertTrue(all(p.poll() is not None for p in self.processes))
        self.assertFalse(
            glob.glob(os.path.join(tempfile.gettempdir(), "report.followup.*"))
        )

    def assert_invoices_attached(self, invoices):
        for partner, moves in invoices.items():
            attachments = self.emails(partner).attachment_ids
            self.assertEqual(
                sorted(attachments.mapped("name")),
                sorted(self.file_name(move) for move in moves),
            )
            for move in moves:
                attachment = attachments.filtered(
                    lambda a, move=move: a.name == self.file_name(move)
                )
                self.assertIn(move.name, self.pdf_pages(attachment.raw)[0])

    def test_calls_run_at_once(self):
        """The calls of a batch run side by side: the next ones are started while
        the first is printed; each invoice still gets its own PDF."""
        invoices = {
            self.customer: self.make_invoices(self.customer, 10),
            self.customer2: self.make_invoices(self.customer2, 10),
            self.customer3: self.make_invoices(self.customer3, 3),
        }
        summary = self.execute(self.customer | self.customer2 | self.customer3)
        self.assertEqual(len(summary["processed"]), 3)
        self.assertEqual(len(self.wkhtmltopdf_calls), 3, "one process per call")
        self.assertEqual(self.started_ahead, self.rendered, "each call started ahead")
        self.assertEqual(sorted(len(ids) for ids in self.rendered), [3, 10, 10])
        self.assertEqual(self.at_once, [1, 2, 3], "started before the first ended")
        self.assert_invoices_attached(invoices)
        self.assert_nothing_left()

    def test_call_started_ahead_that_fails_is_made_again(self):
        """A process started ahead that fails: its invoices are rendered again,
        one by one, as a failing call always was."""
        invoices = {
            self.customer: self.make_invoices(self.customer, 2),
            self.customer2: self.make_invoices(self.customer2, 1),
        }
        Job = pdf_calls_module._WkhtmltopdfJob
        original = Job.result
        results = []

        def result(job, env):
            pdf = original(job, env)
            results.append(1)
            if len(results) == 1:
                raise UserError(env._("Wkhtmltopdf failed (error code: -11)."))
            return pdf

        with (
            patch.object(attachments_module, "INVOICES_PER_CALL", 2),
            patch.object(Job, "result", result),
        ):
            summary = self.execute(self.customer | self.customer2)
        self.assertEqual(len(summary["processed"]), 2)
        first, second = self.started_ahead
        self.assertEqual(len(first), 2)
        # the first call failed: its two invoices alone, then the second call
        self.assertEqual(self.rendered, [first, first[:1], first[1:], second])
        self.assertEqual(len(self.wkhtmltopdf_calls), 4, "two ahead, two alone")
        self.assertEqual(len(results), 2, "the second call: its process")
        self.assert_invoices_attached(invoices)
        self.assert_nothing_left()

    def test_call_rendered_differently_is_made_as_usual(self):
        """A call whose invoices render otherwise in their turn than when it was
        started ahead is made as usual; the process started ahead is stopped."""
        invoices = {
            self.customer: self.make_invoices(self.customer, 6),
            self.customer2: self.make_invoices(self.customer2, 6),
        }
        Report = type(self.env["ir.actions.report"])
        original = Report._render_qweb_html
        renderings = []

        def render_html(report, report_ref, docids, data=None):
            html, report_type = original(report, report_ref, docids, data=data)
            if report_ref == INVOICE_REPORT:
                renderings.append(1)
                html = Markup(
                    ARTICLE.sub(
                        lambda m: f"{m.group(0)}<span>{len(renderings)}</span>",
                        str(html),
                        count=1,
                    )
                )
            return html, report_type

        with (
            patch.object(Report, "_render_qweb_html", render_html),
            patch.object(attachments_module._logger, "info") as logged,
        ):
            summary = self.execute(self.customer | self.customer2)
        self.assertEqual(len(summary["processed"]), 2)
        self.assertEqual(len(self.started_ahead), 2)
        self.assertEqual(len(self.wkhtmltopdf_calls), 4, "two ahead, two as usual")
        self.assertIn("were not used", logged.call_args.args[0])
        self.assertEqual(logged.call_args.args[1], 2)
        self.assert_invoices_attached(invoices)
        self.assert_nothing_left()

    def test_call_started_ahead_in_a_request_has_its_session(self):
        """Started ahead from a request (the Process button, a queue job), a call
        gets the temporary session Odoo gives wkhtmltopdf, removed afterwards."""
        invoices = {
            self.customer: self.make_invoices(self.customer, 10),
            self.customer2: self.make_invoices(self.customer2, 1),
        }
        fake_request = SimpleNamespace(
            db=self.env.cr.dbname, session={"uid": self.env.uid, "login": "admin"}
        )
        saved = []
        store = http.root.session_store
        original_save = type(store).save

        def save(session_store, session):
            saved.append(session.sid)
            return original_save(session_store, session)

        with (
            patch.object(pdf_calls_module, "request", fake_request),
            patch.object(type(store), "save", save),
        ):
            summary = self.execute(self.customer | self.customer2)
        self.assertEqual(len(summary["processed"]), 2)
        self.assertEqual(len(self.started_ahead), 2)
        self.assertEqual(len(self.wkhtmltopdf_calls), 2)
        self.assertEqual(len(saved), 2, "a session for each call started ahead")
        for command in self.wkhtmltopdf_calls:
            self.assertIn("--cookie-jar", command)
        for sid in saved:
            self.assertFalse(store.get(sid).get("uid"), "removed once printed")
        self.assert_invoices_attached(invoices)
        self.assert_nothing_left()
