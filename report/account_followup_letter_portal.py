# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import api, models


class ReportFollowupLetter(models.AbstractModel):
    """The letter prints the link to the customer's page, as text and QR code."""

    _inherit = "report.account_payment_followup.report_followup_letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        values = super()._get_report_values(docids, data=data)
        partners = values["docs"]
        # read only: the print actions and the reminder created the tokens before
        # (a letter of a customer without one prints no link)
        tokens = self.env["account.followup.portal.access"]._read_tokens(partners)
        links, qr_codes = {}, {}
        Report = self.env["ir.actions.report"]
        for partner in partners:
            link = partner._followup_portal_build_url(tokens.get(partner.id))
            if not link:
                continue
            links[partner.id] = link
            # an image in the page: wkhtmltopdf fetches nothing
            png = Report.barcode("QR", link, width=240, height=240, barBorder=0)
            qr_codes[partner.id] = (
                f"data:image/png;base64,{base64.b64encode(png).decode()}"
            )
        values["followup_portal_links"] = links
        values["followup_portal_qr_codes"] = qr_codes
        return values
