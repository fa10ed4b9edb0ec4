# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import AccessError

from .. import tools
from ..tools import FOLLOWUP_GROUPS


class ReportFollowupLetter(models.AbstractModel):
    """Values of the follow-up letter: one statement per customer, each in the
    customer's language."""

    _name = "report.account_payment_followup.report_followup_letter"
    _description = "Payment follow-up letter"

    @api.model
    def _letterhead_in_page(self):
        """Whether the letterhead is printed in the page of each letter rather than
        in the header and footer of ``web.external_layout``.

        Odoo gives wkhtmltopdf that header and footer as documents of their own
        (``--header-html``, ``--footer-html``), which only builds with patched Qt
        print: the same builds that print several documents per call. The builds of
        Linux distributions ignore them, and the letter would reach the customer
        without the company's name, address and legal details. The build is read
        once per server process.
        """
        return not tools.wkhtmltopdf_prints_several_documents()

    @api.model
    def _get_report_values(self, docids, data=None):
        # the statements are read with SQL: refuse the letter to anyone who may not
        # see follow-ups (portal users can read their own invoice lines); the daily
        # run renders the letters it posts as superuser
        if not self.env.su and not self.env.user.has_groups(FOLLOWUP_GROUPS):
            raise AccessError(
                self.env._("Only accounting users can print payment reminders.")
            )
        partners = self.env["res.partner"].browse(docids).commercial_partner_id
        statements = {}
        Send = self.env["account.followup.send"]
        for partner in partners:
            statements[partner.id] = Send.with_context(
                lang=partner._followup_get_lang()
            )._statement_values(partner)
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "statements": statements,
            "letterhead_in_page": self._letterhead_in_page(),
            # the letters as the pages of one HTML document (see ir.actions.report)
            "one_document": bool(self.env.context.get("followup_letters_one_document")),
        }
