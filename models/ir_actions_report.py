# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import OrderedDict

from odoo import models
from odoo.tools import split_every

from .. import tools

FOLLOWUP_LETTER_REPORT = "account_payment_followup.report_followup_letter"
# Letters per wkhtmltopdf call: a run of a few hundred letters stays within the
# memory and time of one worker, and a failing letter does not cost the whole run.
LETTERS_PER_CALL = 10


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """A follow-up letter counts as printed once its PDF exists: the customers
        whose letters were just rendered leave "Letters to print" (a rendering
        that fails raises before, and leaves them there). A letter rendered for
        the post (``followup_letter_posted``) is not the printed letter. Neither is
        one rendered in a read-only request (a direct ``/report/pdf`` link): it
        stays to print rather than being rendered twice (Odoo retries a read-only
        request that writes); the client downloads through a read/write one."""
        result = super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        if (
            res_ids
            and not self.env.context.get("followup_letter_posted")
            and not self.env.cr.readonly
        ):
            report = self._get_report(report_ref)
            if report.report_name == FOLLOWUP_LETTER_REPORT:
                ids = [res_ids] if isinstance(res_ids, int) else list(res_ids)
                self.env["account.followup.send"]._letters_printed(
                    self.env["res.partner"].browse(ids)
                )
        return result

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Print follow-up letters in batches of ``LETTERS_PER_CALL`` per wkhtmltopdf
        call (Odoo gives it every document at once), merged into the one PDF the
        user downloads.

        With a wkhtmltopdf built with patched Qt, a batch is ten documents, as Odoo
        prints them. Without it (one document per call), the letters of a batch are
        rendered as the pages of one document: one call per ten letters instead of
        one per letter, whose start-up and loading of the report assets cost more
        than printing a page.
        """
        if not res_ids or len(res_ids) < 2:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids)
        report = self._get_report(report_ref)
        if report.report_name != FOLLOWUP_LETTER_REPORT:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids)
        printer = self
        if not tools.wkhtmltopdf_prints_several_documents():
            printer = self.with_context(followup_letters_one_document=True)
        streams = OrderedDict()
        for chunk in split_every(LETTERS_PER_CALL, res_ids, list):
            chunk_streams = super(
                IrActionsReport, printer
            )._render_qweb_pdf_prepare_streams(report_ref, dict(data or {}), chunk)
            for res_id, stream in chunk_streams.items():
                # a batch that could not be split per letter comes back under the
                # key False: keep it, in its place, under its first letter
                streams[res_id or chunk[0]] = stream
        return streams
