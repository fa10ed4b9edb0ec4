# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict

from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import content_disposition, request
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.account_payment.controllers.payment import (
    PaymentPortal as AccountPaymentPortal,
)
from odoo.addons.account_payment.controllers.portal import PortalAccount

_logger = logging.getLogger(__name__)

# what the customer may attach to a dispute
DISPUTE_MIMETYPES = ("application/pdf", "image/png", "image/jpeg")
DISPUTE_MAX_BYTES = 8 * 1024 * 1024
# what the page says after a form was sent (Post/Redirect/Get: a reload sends
# nothing again)
DONE_MESSAGES = ("promise", "promise_again", "dispute", "dispute_again")


class FollowupPortal(PortalAccount, AccountPaymentPortal):
    """The customer's follow-up page: ``/my/followup/<company>/<customer>``, opened
    with the customer's access token (the link of every reminder) or by a
    logged-in user of that customer (from ``/my``). Anything else answers 403 or
    404 and shows nothing of the customer."""

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    def _followup_access(self, company_id, partner_id, access_token=None):
        """(customer, company) as superuser, in that company and the customer's
        language, or 403/404."""
        # sudo: the page is public; the token (or the logged-in user) is checked
        # below before anything of the customer is read
        company = request.env["res.company"].sudo().browse(company_id).exists()
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        if not company or not partner or partner.commercial_partner_id != partner:
            raise NotFound()
        allowed = False
        if access_token:
            allowed = request.env["account.followup.portal.access"]._check_token(
                partner, company, access_token
            )
        elif not request.env.user._is_public():
            allowed = request.env.user.partner_id.commercial_partner_id == partner
        if not allowed:
            raise Forbidden()
        lang = partner._followup_get_lang()
        request.update_context(lang=lang)
        partner = partner.with_company(company).with_context(lang=lang)
        return partner, company.with_context(lang=lang)

    def _followup_url(self, partner, company, access_token=None, suffix="", **query):
        if access_token:
            query["access_token"] = access_token
        url = f"/my/followup/{company.id}/{partner.id}{suffix}"
        return f"{url}?{url_encode(query)}" if query else url

    def _followup_url_maker(self, partner, company, access_token=None):
        """``_followup_url`` of this customer for the page's template, the token's
        query encoded once (the page links every row)."""
        base = self._followup_url(partner, company)
        token_query = url_encode({"access_token": access_token}) if access_token else ""

        def followup_url(suffix="", **query):
            if query:
                return self._followup_url(
                    partner, company, access_token, suffix, **query
                )
            return f"{base}{suffix}?{token_query}" if token_query else base + suffix

        return followup_url

    # ------------------------------------------------------------------
    # The page
    # ------------------------------------------------------------------

    def _followup_page_values(self, partner, company, access_token=None, **kwargs):
        """Everything the page shows: the open items (overdue first), totals per
        currency, what can be paid, disputed and promised."""
        # sudo: the customer's own items, whose access was checked
        Send = (
            request.env["account.followup.send"]
            .sudo()
            .with_company(company)
            .with_context(lang=partner.env.lang)
        )
        company_currency = company.currency_id
        rows = sorted(
            Send._statement_rows(partner),
            key=lambda row: (
                not (row["overdue"] and not row["excluded"] and not row["disputed"]),
                row["date_maturity"] or row["date"],
                row["line"].id,
            ),
        )
        totals = defaultdict(lambda: {"due": 0.0, "overdue": 0.0})
        overdue_move_ids = []
        # whether an entry can be paid depends on its type alone
        payable_types = {}
        for row in rows:
            currency = row["currency"] or company_currency
            amount = (
                row["amount_currency"]
                if currency != company_currency
                else row["amount"]
            )
            row["amount_display"] = amount
            row["currency_display"] = currency
            move = row["move"]
            if move.move_type not in payable_types:
                payable_types[move.move_type] = move.is_invoice(
                    include_receipts=True
                ) and move.is_sale_document(include_receipts=True)
            row["payable"] = payable_types[move.move_type] and amount > 0
            row["disputable"] = row["payable"] and not row["disputed"]
            if row["excluded"] or row["disputed"]:
                continue
            totals[currency]["due"] += amount
            if row["overdue"]:
                totals[currency]["overdue"] += amount
                if row["payable"]:
                    overdue_move_ids.append(move.id)
        # (in the order of the rows, each once)
        overdue_moves = (
            request.env["account.move"].sudo().browse(dict.fromkeys(overdue_move_ids))
        )
        pay_overdue = (
            len(overdue_moves) > 1
            and len(overdue_moves.currency_id) == 1
            and self._followup_has_provider(company)
        )
        reasons = request.env["account.followup.dispute.reason"].sudo().search([])
        messages = {
            "promise": request.env._("Thank you: your promise to pay was recorded."),
            "promise_again": request.env._(
                "Your promise to pay for that date was already recorded."
            ),
            "dispute": request.env._(
                "Your dispute was recorded: we will come back to you."
            ),
            "dispute_again": request.env._(
                "This invoice is already in dispute: we will come back to you."
            ),
        }
        done = kwargs.get("done")
        return {
            "page_name": "followup",
            # Odoo's default logo reads "Your logo": the letterhead shows none then
            "has_logo": bool(company.logo) and company.logo != company._get_logo(),
            "partner": partner,
            "company": company,
            "rows": rows,
            "totals": [
                (currency, figures)
                for currency, figures in sorted(
                    totals.items(), key=lambda item: item[0].name
                )
            ],
            "has_overdue": bool(overdue_moves),
            "pay_overdue": pay_overdue,
            "overdue_moves": overdue_moves,
            "reasons": reasons,
            "today": company._followup_today(),
            "access_token": access_token,
            "followup_url": self._followup_url_maker(partner, company, access_token),
            "format_amount": Send._amount_formatter(),
            "format_date": Send._date_formatter(),
            "error": kwargs.get("error"),
            "success": messages.get(done) if done in DONE_MESSAGES else None,
            "form": kwargs.get("form") or {},
        }

    def _followup_has_provider(self, company):
        # sudo: whether the company takes payments online
        return bool(
            request.env["payment.provider"]
            .sudo()
            .search_count(
                [
                    ("state", "in", ("enabled", "test")),
                    ("company_id", "=", company.id),
                ],
                limit=1,
            )
        )

    @http.route("/my/followup", type="http", auth="user", website=True)
    def followup_my_page(self, **kwargs):
        """From ``/my``: the page of the user's customer, in the company of its
        oldest open item (the user's company when there is none)."""
        partner = request.env.user.partner_id.commercial_partner_id
        # sudo: only the company of the customer's own open items is read
        line = (
            request.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", partner.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                ],
                order="date_maturity, id",
                limit=1,
            )
        )
        company = line.company_id or request.env.user.company_id
        return request.redirect(f"/my/followup/{company.id}/{partner.id}")

    @http.route(
        "/my/followup/<int:company_id>/<int:partner_id>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def followup_page(self, company_id, partner_id, access_token=None, **kwargs):
        partner, company = self._followup_access(company_id, partner_id, access_token)
        values = self._followup_page_values(partner, company, access_token, **kwargs)
        return request.render("account_payment_followup.portal_followup_page", values)

    def _followup_render_error(self, partner, company, access_token, error, form):
        values = self._followup_page_values(
            partner, company, access_token, error=error, form=form
        )
        return request.render(
            "account_payment_followup.portal_followup_page", values, status=400
        )

    # ------------------------------------------------------------------
    # Statement, paying
    # ------------------------------------------------------------------

    @http.route(
        "/my/followup/<int:company_id>/<int:partner_id>/statement",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def followup_statement_pdf(self, company_id, partner_id, access_token=None, **kw):
        """The statement as PDF: the letter's own report."""
        partner, company = self._followup_access(company_id, partner_id, access_token)
        report = request.env.ref(
            "account_payment_followup.res_partner_action_report_followup_letter"
        )
        # sudo: the letter of this customer alone, whose access was checked
        content, _fmt = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(company)
            .with_context(lang=partner.env.lang)
            ._render_qweb_pdf(report, partner.ids)
        )
        is_pdf = content.startswith(b"%PDF")
        filename = f"Statement - {partner.name}.pdf"
        headers = [
            ("Content-Type", "application/pdf" if is_pdf else "text/html"),
            ("Content-Length", len(content)),
        ]
        if is_pdf:
            headers.append(("Content-Disposition", content_disposition(filename)))
        return request.make_response(content, headers=headers)

    def _followup_move(self, partner, company, move_id):
        """An invoice of this customer in this company, else 404 (whether another
        customer's invoice exists is not said)."""
        # sudo: restricted to the checked customer and company just below
        move = request.env["account.move"].sudo().browse(int(move_id or 0)).exists()
        if (
            not move
            or move.company_id != company
            or move.commercial_partner_id != partner
            or move.state != "posted"
        ):
            return move.browse()
        return move

    @http.route(
        "/my/followup/<int:company_id>/<int:partner_id>/pay/<int:move_id>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def followup_pay_invoice(
        self, company_id, partner_id, move_id, access_token=None, **kw
    ):
        """Pay: the invoice's own portal page (Pay Now where a payment provider is
        set up), its token created only now that the customer asks for it."""
        partner, company = self._followup_access(company_id, partner_id, access_token)
        move = self._followup_move(partner, company, move_id)
        if not move:
            raise NotFound()
        return request.redirect(move.get_portal_url())

    def _followup_overdue_payment(self, partner, company, access_token):
        values = self._followup_page_values(partner, company, access_token)
        if not values["pay_overdue"]:
            raise NotFound()
        return values["overdue_moves"]

    @http.route(
        "/my/followup/<int:company_id>/<int:partner_id>/pay_overdue",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def followup_pay_overdue(self, company_id, partner_id, access_token=None, **kw):
        """Pay all overdue invoices at once: Odoo's payment form for the total of
        the overdue invoices (one currency), with their residual."""
        partner, company = self._followup_access(company_id, partner_id, access_token)
        invoices = self._followup_overdue_payment(partner, company, access_token)
        values = self._overdue_invoices_get_page_view_values(invoices)
        amount = sum(invoices.mapped("amount_residual"))
        landing = self._followup_url(partner, company, access_token)
        values.update(
            {
                "amount": amount,
                "landing_route": landing,
                "transaction_route": self._followup_url(
                    partner, company, suffix="/transaction/overdue"
                ),
                "access_token": access_token,
                "partner_id": partner.id,
            }
        )
        values["payment"]["amount"] = amount
        return request.render("account_payment.portal_overdue_invoices_page", values)

    @http.route(
        "/my/followup/<int:company_id>/<int:partner_id>/transaction/overdue",
        type="json",
        auth="public",
    )
    def followup_overdue_transaction(
        self, company_id, partner_id, access_token=None, payment_reference=None, **kw
    ):
        partner, company = self._followup_access(company_id, partner_id, access_token)
        invoices = self._followup_overdue_payment(partner, company, access_token)
        self._validate_transaction_kwargs(kw)
        kw["amount"] = sum(invoices.mapped("amount_residual"))
        return self._process_transaction(
            partner.id, invoices.currency_id.id, invoices.ids, payment_reference, **kw
        )

    # ------------------------------------------------------------------
    # The customer's answers
    # ------------------------------------------------------------------

    @http.route(
        "/my/followup/<int:company_id>/<int:partner_id>/promise",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def followup_promise(
        self, company_id, partner_id, access_token=None, date=None, note=None, **kw
    ):
        """I will pay on ...: a promise (source portal) for every counted open
        invoice, validated as any other; the responsible gets an activity."""
        partner, company = self._followup_access(company_id, partner_id, access_token)
        form = {"date": date or "", "note": note or ""}
        env = partner.env
        try:
            promised = fields.Date.to_date(date) if date else None
        except ValueError:
            promised = None
        if not promised:
            return self._followup_render_error(
                partner,
                company,
                access_token,
                env._("Choose the date on which you will pay."),
                form,
            )
        # sudo: the customer has no user; the promise is its own, checked above
        Promise = env["account.followup.promise"].sudo().with_company(company)
        duplicate = Promise.search_count(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("state", "=", "open"),
                ("source", "=", "portal"),
                ("date", "=", promised),
            ],
            limit=1,
        )
        if duplicate:
            return request.redirect(
                self._followup_url(partner, company, access_token, done="promise_again")
            )
        try:
            with env.cr.savepoint():
                promise = Promise.create(
                    Promise._promise_values(
                        partner,
                        date=promised,
                        source="portal",
                        user_id=False,
                        note=(note or "").strip()[:2000] or False,
                    )
                )
                promise._followup_portal_notify()
        except (UserError, ValidationError) as error:
            return self._followup_render_error(
                partner, company, access_token, error.args[0], form
            )
        return request.redirect(
            self._followup_url(partner, company, access_token, done="promise")
        )

    @http.route(
        "/my/followup/<int:company_id>/<int:partner_id>/dispute",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def followup_dispute(
        self,
        company_id,
        partner_id,
        access_token=None,
        move_id=None,
        reason_id=None,
        description=None,
        attachment=None,
        **kw,
    ):
        """I dispute this invoice: a dispute with a reason, a text and optionally
        a PDF or picture; the responsible gets an activity."""
        partner, company = self._followup_access(company_id, partner_id, access_token)
        env = partner.env
        form = {
            "move_id": move_id,
            "reason_id": reason_id,
            "description": description or "",
        }

        def refuse(message):
            return self._followup_render_error(
                partner, company, access_token, message, form
            )

        try:
            move = self._followup_move(partner, company, int(move_id or 0))
            reason = (
                env["account.followup.dispute.reason"]
                .sudo()
                .browse(int(reason_id or 0))
                .exists()
            )
        except ValueError:
            move = reason = None
        if not move:
            return refuse(env._("Choose one of your open invoices to dispute."))
        if not reason:
            return refuse(env._("Choose why you dispute the invoice."))
        upload = None
        if attachment is not None and getattr(attachment, "filename", None):
            data = attachment.read(DISPUTE_MAX_BYTES + 1)
            if len(data) > DISPUTE_MAX_BYTES:
                return refuse(
                    env._(
                        "The attached file is too large (at most %(size)s MB).",
                        size=DISPUTE_MAX_BYTES // (1024 * 1024),
                    )
                )
            mimetype = guess_mimetype(data)
            if mimetype not in DISPUTE_MIMETYPES:
                return refuse(
                    env._("Attach a PDF, PNG or JPEG file (this one is not one).")
                )
            upload = (attachment.filename, data, mimetype)
        # sudo: the customer has no user; the invoice is its own, checked above
        Dispute = env["account.followup.dispute"].sudo().with_company(company)
        if Dispute.search_count(
            [("move_id", "=", move.id), ("state", "=", "open")], limit=1
        ):
            return request.redirect(
                self._followup_url(partner, company, access_token, done="dispute_again")
            )
        try:
            with env.cr.savepoint():
                dispute = Dispute.create(
                    {
                        "move_id": move.id,
                        "reason_id": reason.id,
                        "description": (description or "").strip()[:5000] or False,
                    }
                )
                dispute._followup_portal_notify(upload)
        except (UserError, ValidationError) as error:
            return refuse(error.args[0])
        return request.redirect(
            self._followup_url(partner, company, access_token, done="dispute")
        )

    # ------------------------------------------------------------------
    # /my
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "followup_open_count" in counters:
            partner = request.env.user.partner_id.commercial_partner_id
            # sudo: the count of the user's own customer's open items
            values["followup_open_count"] = (
                request.env["account.move.line"]
                .sudo()
                .search_count(
                    [
                        ("partner_id", "child_of", partner.id),
                        ("account_id.account_type", "=", "asset_receivable"),
                        ("parent_state", "=", "posted"),
                        ("reconciled", "=", False),
                    ]
                )
            )
        return values
