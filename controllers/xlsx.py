# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.http import content_disposition, request

from ..models.account_followup_export import XLSX_MIMETYPE


class FollowupXlsxController(http.Controller):
    """The XLSX downloads of the statement and of the analysis (built by
    ``account.followup.export``, with the user's own rights)."""

    def _company_env(self, company_id):
        """The request's environment working in ``company_id``, one of the user's
        companies (404 for any other)."""
        try:
            company_id = int(company_id or 0)
        except ValueError as error:
            raise NotFound() from error
        env = request.env
        if company_id:
            if company_id not in env.user.company_ids.ids:
                raise NotFound()
            env = env(context=dict(env.context, allowed_company_ids=[company_id]))
        return env

    def _xlsx_response(self, content, filename):
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

    @http.route(
        "/account_payment_followup/statement.xlsx",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=True,
    )
    def statement_xlsx(self, partner_ids="", company_id=None, **kwargs):
        env = self._company_env(company_id)
        ids = [int(pid) for pid in partner_ids.split(",") if pid.strip().isdigit()]
        partners = env["res.partner"].browse(ids).exists()
        if not partners:
            raise NotFound()
        content = env["account.followup.export"]._statement_xlsx(partners)
        if len(partners) == 1:
            name = env._("Statement %(customer)s", customer=partners.display_name)
        else:
            name = env._("Statements")
        today = fields.Date.to_string(env.company._followup_today())
        return self._xlsx_response(content, f"{name} {today}.xlsx")

    @http.route(
        "/account_payment_followup/analysis.xlsx",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=True,
    )
    def analysis_xlsx(self, date_from=None, date_to=None, company_id=None, **kwargs):
        env = self._company_env(company_id)
        content = env["account.followup.export"]._analysis_xlsx(
            env.company, date_from, date_to
        )
        name = env._("Follow-up analysis")
        return self._xlsx_response(content, f"{name} {date_from} {date_to}.xlsx")
