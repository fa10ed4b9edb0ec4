# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The open invoices attached to the reminder emails of a batch, rendered together.

A level that attaches the open invoices sends, for each open sale document of the
customer, the PDF Odoo stored when the invoice was sent, or else a PDF rendered
for the reminder. Starting wkhtmltopdf and loading the report's assets cost more
than printing an invoice: a batch (``account.followup.execution._execute``)
renders the missing PDFs of all its customers at once, before the customers'
savepoints, ``INVOICES_PER_CALL`` invoices per wkhtmltopdf call, and passes them
to the reminders in its ``invoice_pdfs`` key (``_invoice_pdfs``). Each reminder
then only picks its customer's attachments (``_invoice_attachments``); a customer
whose invoice could not be rendered fails alone, in its own savepoint, with the
message it got when its invoices were rendered one by one.

wkhtmltopdf built with patched Qt prints the ten invoices of a call as ten
documents, which Odoo splits per invoice. The builds of Linux distributions print
one document per call: there the invoices of a call are the pages of one
document, each starting on a new page with an invisible link naming it, by which
the PDF is split per invoice (``ir.actions.report``, below); the links are
removed from the PDFs attached. Those builds print no header or footer, for one
invoice as for ten: the PDF of an invoice is the one Odoo prints alone.

Most of a wkhtmltopdf call is spent waiting for the report's javascript delay:
``INVOICE_CALLS_AT_ONCE`` calls of a batch run at a time, started ahead
(``account_followup_pdf_calls.py``).
"""

import io
import logging
from collections import OrderedDict

import lxml.html
from psycopg2 import errors as pg_errors

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import split_every
from odoo.tools.pdf import ArrayObject, NameObject, PdfFileReader, PdfFileWriter

from .. import tools as followup_tools
from .account_followup_pdf_calls import PDF_JOBS

_logger = logging.getLogger(__name__)

INVOICE_REPORT = "account.account_invoices"
# Invoices per wkhtmltopdf call, as for the letters (see ir_actions_report.py)
INVOICES_PER_CALL = 10
# Context key: render the invoices of a call as the pages of one document when
# wkhtmltopdf prints one document per call
ONE_DOCUMENT = "followup_invoices_one_document"
# The invisible link that starts each invoice in such a document
MARKER = "https://followup-invoice.invalid/"
MARKER_STYLE = (
    "position: absolute; top: 0; left: 0; width: 1px; height: 1px; "
    "overflow: hidden; font-size: 1px; line-height: 1px; color: transparent;"
)
# wkhtmltopdf calls of a batch's invoices running at once (see the module's
# docstring): each mostly waits for the report's javascript delay
INVOICE_CALLS_AT_ONCE = 4


class AccountFollowupSend(models.AbstractModel):
    _inherit = "account.followup.send"

    @api.model
    def _invoice_moves(self, partner):
        """The invoices attached to a reminder: the open sale documents (receipts
        included) of the customer's counted lines."""
        return partner._followup_open_lines().move_id.filtered(
            lambda m: m.is_sale_document(include_receipts=True)
        )

    @api.model
    def _invoice_pdfs(self, partners):
        """The PDFs of the open invoices of ``partners`` (commercial partners, in
        the current company): ``{partner id: attachments}``, or ``{partner id:
        UserError}`` for a customer one of whose invoices could not be rendered.

        The PDF Odoo stored for a sent invoice is reused; the others are rendered
        ``INVOICES_PER_CALL`` per wkhtmltopdf call (an invoice of two customers
        once) and stored on their customer, as a reminder sends them. A call that
        fails is done again one invoice at a time, so that only the customers of
        the invoice that fails lose their reminder.
        """
        moves_by_partner = {}
        moves = self.env["account.move"]
        for partner in partners:
            moves_by_partner[partner.id] = self._invoice_moves(partner)
            moves |= moves_by_partner[partner.id]
        # what account.move's invoice_pdf_report_id computes, for all at once
        stored = {}
        if moves:
            found = moves.env["ir.attachment"].search(
                [
                    ("res_model", "=", moves._name),
                    ("res_id", "in", moves.ids),
                    ("res_field", "=", "invoice_pdf_report_file"),
                ]
            )
            stored = {attachment.res_id: attachment.id for attachment in found}
        contents, failures = self._invoice_pdfs_render(
            moves.filtered(lambda m: m.id not in stored)
        )
        Attachment = self.env["ir.attachment"]
        result = {}
        vals_list = []
        for partner in partners:
            partner_moves = moves_by_partner[partner.id]
            failed = next((m for m in partner_moves if m.id in failures), None)
            if failed:
                result[partner.id] = failures[failed.id]
                continue
            result[partner.id] = Attachment.browse(
                [stored[m.id] for m in partner_moves if m.id in stored]
            )
            vals_list.extend(
                {
                    "name": f"{(move.name or 'invoice').replace('/', '_')}.pdf",
                    "raw": contents[move.id],
                    "mimetype": "application/pdf",
                    "res_model": "res.partner",
                    "res_id": partner.id,
                }
                for move in partner_moves
                if move.id not in stored
            )
        created = Attachment.create(vals_list) if vals_list else Attachment
        for attachment in created:
            result[attachment.res_id] |= attachment
        return result

    @api.model
    def _invoice_pdfs_render(self, moves):
        """Render ``moves`` ``INVOICES_PER_CALL`` per call: ``({move id: PDF},
        {move id: UserError})``. The moves of a call that fails are rendered again
        one by one, each failure logged with its traceback."""
        contents = {}
        failures = {}
        # what is pending is written now: a failure of the rendering's savepoint
        # must be the rendering's, never the caller's
        self.env.flush_all()
        chunks = list(split_every(INVOICES_PER_CALL, moves.ids, list))
        cache = self.env.cr.cache
        ahead = len(chunks) > 1 and PDF_JOBS not in cache and self._pdf_start_ahead()
        if ahead:
            cache[PDF_JOBS] = {}
        try:
            started = 0
            for index, chunk in enumerate(chunks):
                while ahead and started < min(
                    len(chunks), index + INVOICE_CALLS_AT_ONCE
                ):
                    self._invoice_pdfs_start(chunks[started])
                    started += 1
                self._invoice_pdfs_render_chunk(chunk, moves, contents, failures)
        finally:
            if ahead:
                unused = cache.pop(PDF_JOBS)
                if unused:
                    _logger.info(
                        "Payment follow-ups: %s invoice PDF calls started ahead "
                        "were not used (their invoices rendered differently)",
                        len(unused),
                    )
                for job in unused.values():
                    job.stop()
        return contents, failures

    @api.model
    def _invoice_pdfs_render_chunk(self, chunk, moves, contents, failures):
        """The PDFs of the invoices ``chunk`` into ``contents``, or the failure of
        each invoice that cannot be rendered into ``failures``."""
        if len(chunk) > 1:
            try:
                contents.update(self._invoice_pdfs_render_call(chunk))
                return
            except pg_errors.TransactionRollbackError:
                raise
            except Exception as error:  # each invoice again, below
                _logger.warning(
                    "Payment follow-ups: the invoices %s could not be rendered "
                    "together (%s), rendering them one by one",
                    chunk,
                    error,
                )
        for move in moves.browse(chunk):
            failure = self.env._(
                "The PDF of the invoice %(invoice)s could not be rendered to "
                "attach it to the reminder. The details are in the server log.",
                invoice=move.name,
            )
            try:
                with self._rendering(failure):
                    contents.update(self._invoice_pdfs_render_call(move.ids))
            except UserError as error:
                failures[move.id] = error

    @api.model
    def _invoice_pdfs_render_call(self, move_ids):
        """One call of the invoice report on ``move_ids``: {move id: content}, with
        the checks and data of Odoo's printing of invoices
        (``_pre_render_qweb_pdf``); in a savepoint, the transaction stays usable
        when it fails. Raises when a document is missing."""
        Report = self.env["ir.actions.report"].with_context(**{ONE_DOCUMENT: True})
        with self.env.cr.savepoint():
            content, report_type = Report._pre_render_qweb_pdf(
                INVOICE_REPORT, res_ids=move_ids
            )
        if report_type == "html":
            # tests without force_report_rendering: Odoo renders HTML, not PDF
            by_id = Report._get_splitted_report(INVOICE_REPORT, content, report_type)
        else:
            by_id = {}
            for res_id, item in content.items():
                stream = item.get("stream")
                if stream is not None:
                    by_id[res_id] = stream.getvalue()
                    stream.close()
        missing = [move_id for move_id in move_ids if not by_id.get(move_id)]
        if missing:
            raise ValueError(f"no document of its own for the invoices {missing}")
        return {move_id: by_id[move_id] for move_id in move_ids}

    @api.model
    def _invoice_attachments(self, partner, prepared=None):
        """PDFs of the open invoices: the stored one when the invoice was sent, else
        a fresh rendering.

        :param prepared: the PDFs a batch rendered for its customers
            (``_invoice_pdfs``); a customer missing from it is rendered alone
        """
        if prepared is None or partner.id not in prepared:
            prepared = self._invoice_pdfs(partner)
        attachments = prepared[partner.id]
        if isinstance(attachments, UserError):
            raise UserError(attachments.args[0])
        return attachments


class AccountFollowupExecution(models.AbstractModel):
    _inherit = "account.followup.execution"

    @api.model
    def _execute(self, partners, channels=None, raise_errors=False, **kwargs):
        """The PDFs of the invoices the batch's emails attach, rendered together
        before the reminders (``invoice_pdfs``, see account.followup.send's
        ``_invoice_pdfs``). Those of a customer whose reminder was not sent (it
        failed, or was skipped) are removed afterwards, as its savepoint would
        have removed them."""
        if "invoice_pdfs" in kwargs or not partners:
            return super()._execute(
                partners, channels=channels, raise_errors=raise_errors, **kwargs
            )
        attaching = self._invoice_pdfs_partners(
            partners, channels, kwargs.get("attach_invoices")
        )
        prepared = {}
        if attaching:
            prepared = self.env["account.followup.send"]._invoice_pdfs(attaching)
        summary = super()._execute(
            partners,
            channels=channels,
            raise_errors=raise_errors,
            invoice_pdfs=prepared,
            **kwargs,
        )
        self._invoice_pdfs_unlink_unsent(prepared)
        return summary

    @api.model
    def _invoice_pdfs_partners(self, partners, channels, attach_invoices):
        """The customers of ``partners`` whose email attaches their invoices: all
        of them when the send wizard says so (``attach_invoices``), else those
        whose current level does and sends an email."""
        if attach_invoices is False or (
            channels is not None and "email" not in channels
        ):
            return partners.browse()
        customers = self._sudo_partners(partners)
        if attach_invoices:
            return customers
        # no level of the company attaches its invoices (the usual plan): the
        # batch's status is not computed here for nothing
        if not self.env["account.followup.level"].search_count(
            [("company_id", "=", self.env.company.id), ("attach_invoices", "=", True)],
            limit=1,
        ):
            return partners.browse()
        return customers.filtered(
            lambda p: p.followup_level_id.attach_invoices
            and (channels is not None or p.followup_level_id.send_email)
        )

    @api.model
    def _invoice_pdfs_unlink_unsent(self, prepared):
        """Remove the PDFs rendered for the batch that no message sends."""
        rendered = self.env["ir.attachment"]
        for attachments in prepared.values():
            if not isinstance(attachments, UserError):
                rendered |= attachments.filtered(lambda a: a.res_model == "res.partner")
        if not rendered:
            return
        # sudo: the PDFs this batch rendered itself, whoever may read the messages
        rendered = rendered.sudo()
        sent = (
            self.env["mail.message"]
            .sudo()
            .search([("attachment_ids", "in", rendered.ids)])
            .attachment_ids
        )
        (rendered - sent).unlink()


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """The invoices of a follow-up batch (context key ``ONE_DOCUMENT``) with a
        wkhtmltopdf that prints one document per call: the pages of one document,
        split per invoice (see the module's docstring)."""
        if (
            not self.env.context.get(ONE_DOCUMENT)
            or not res_ids
            or len(res_ids) < 2
            or len(set(res_ids)) != len(res_ids)
            or followup_tools.wkhtmltopdf_prints_several_documents()
        ):
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids)
        report_sudo = self._get_report(report_ref)
        if report_sudo.attachment or not self._is_invoice_report(report_ref):
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids)
        data = dict(data or {})
        data.setdefault("report_type", "pdf")
        data.setdefault("debug", False)
        html = self.with_context(debug=False)._render_qweb_html(
            report_ref, res_ids, data=data
        )[0]
        bodies, html_ids, header, footer, paperformat_args = report_sudo.with_context(
            debug=False
        )._prepare_html(html, report_model=report_sudo.model)
        if sorted(html_ids) != sorted(res_ids):
            raise ValueError(f"the report gave the documents {html_ids} for {res_ids}")
        pdf = self._run_wkhtmltopdf(
            [_one_document(bodies, html_ids)],
            report_ref=report_ref,
            header=header,
            footer=footer,
            landscape=self._context.get("landscape"),
            specific_paperformat_args=paperformat_args,
            set_viewport_size=self._context.get("set_viewport_size"),
        )
        streams = _split_document(pdf, html_ids)
        return OrderedDict(
            (res_id, {"stream": streams[res_id], "attachment": None})
            for res_id in res_ids
        )


def _one_document(bodies, res_ids):
    """The HTML documents ``bodies`` (of ``res_ids``) as one document: each on new
    pages, in its own direction, starting with its marker link."""
    documents = [lxml.html.document_fromstring(body) for body in bodies]
    contents = [(document.body.text, list(document.body)) for document in documents]
    body = documents[0].body
    body.text = None
    for node in list(body):
        body.remove(node)
    for index, (document, res_id) in enumerate(zip(documents, res_ids, strict=True)):
        style = "position: relative;"
        if index:
            style += " page-break-before: always;"
        wrapper = lxml.html.Element("div", style=style)
        wrapper.set("dir", document.body.get("dir") or "ltr")
        marker = lxml.html.Element("a", href=f"{MARKER}{res_id}", style=MARKER_STYLE)
        marker.text = "."
        text, nodes = contents[index]
        marker.tail = text
        wrapper.append(marker)
        wrapper.extend(nodes)
        body.append(wrapper)
    return lxml.html.tostring(
        documents[0], encoding="unicode", doctype="<!DOCTYPE html>"
    )


def _split_document(pdf, res_ids):
    """{res_id: stream of its pages} of a PDF made of ``_one_document``, the
    marker links removed. Raises when the PDF cannot be split by them."""
    reader = PdfFileReader(io.BytesIO(pdf))
    starts = {}
    for index in range(reader.numPages):
        page = reader.getPage(index)
        annotations = page.get("/Annots")
        if not annotations:
            continue
        kept = ArrayObject()
        for reference in annotations.getObject():
            action = reference.getObject().get("/A")
            uri = str(action.getObject().get("/URI") or "") if action else ""
            if uri.startswith(MARKER):
                starts.setdefault(int(uri[len(MARKER) :]), index)
            else:
                kept.append(reference)
        if kept:
            page[NameObject("/Annots")] = kept
        else:
            del page["/Annots"]
    pages = [starts.get(res_id) for res_id in res_ids]
    if None in pages or pages[0] != 0 or pages != sorted(set(pages)):
        raise ValueError(f"the pages of the invoices {res_ids} were not found: {pages}")
    streams = {}
    for position, res_id in enumerate(res_ids):
        end = pages[position + 1] if position + 1 < len(pages) else reader.numPages
        writer = PdfFileWriter()
        for index in range(pages[position], end):
            writer.addPage(reader.getPage(index))
        stream = io.BytesIO()
        writer.write(stream)
        streams[res_id] = stream
    return streams
