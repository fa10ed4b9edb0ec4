# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import AccessError


class ReportFollowupLetter(models.AbstractModel):
    """Values of the follow-up letter: one statement per customer, each in the
    customer's language."""

    _name = "report.account_payment_followup.report_followup_letter"
    _description = "Payment follow-up letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        # the statements are read with SQL: refuse the letter to anyone who may not
        # see follow-ups (portal users can read their own invoice lines)
        if not self.env.user.has_group(
            "account.group_account_invoice"
        ) and not self.env.user.has_group("account.group_account_readonly"):
            raise AccessError(
                self.env._("Only accounting users can print payment reminders.")
            )
        partners = self.env["res.partner"].browse(docids).commercial_partner_id
        statements = {}
        for partner in partners:
            lang = partner._followup_get_recipient().lang or partner.lang
            statements[partner.id] = partner.with_context(
                lang=lang
            )._followup_statement_values()
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "statements": statements,
        }
