# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.urls import url_encode

from odoo import api, fields, models

from ..tools import FOLLOWUP_GROUPS


class ResPartner(models.Model):
    """The customer's follow-up page: its link (with the access token of the
    customer in the current company), and the buttons that revoke or renew it."""

    _inherit = "res.partner"

    followup_portal_link = fields.Char(
        string="Customer's page",
        compute="_compute_followup_portal_link",
        groups=FOLLOWUP_GROUPS,
        help="The page where the customer pays, promises a date or disputes an "
        "invoice without writing back. Every reminder carries it.",
    )
    followup_portal_revoked = fields.Boolean(
        string="Customer's page revoked",
        compute="_compute_followup_portal_link",
        groups=FOLLOWUP_GROUPS,
    )

    @api.depends_context("company")
    def _compute_followup_portal_link(self):
        Access = self.env["account.followup.portal.access"]
        tokens = Access._read_tokens(self)
        # sudo: only whether the customer's access was revoked is read
        revoked = set(
            Access.sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                    ("revoked", "=", True),
                ]
            )
            .partner_id.ids
        )
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.followup_portal_link = partner._followup_portal_build_url(
                tokens.get(commercial.id)
            )
            partner.followup_portal_revoked = commercial.id in revoked

    def _followup_portal_path(self, company=None):
        """The page's path (without token) of the commercial partner in
        ``company`` (default: the current one)."""
        self.ensure_one()
        company = company or self.env.company
        return f"/my/followup/{company.id}/{self.commercial_partner_id.id}"

    def _followup_portal_build_url(self, token, company=None):
        if not token:
            return ""
        return "{}{}?{}".format(
            self.get_base_url(),
            self._followup_portal_path(company),
            url_encode({"access_token": token}),
        )

    def _followup_portal_url(self):
        """The absolute URL of the customer's follow-up page in the current
        company, with its access token (created when missing; False when the
        access was revoked). Not for templates: they call
        ``_followup_portal_link``, which never writes."""
        self.ensure_one()
        tokens = self.env["account.followup.portal.access"]._ensure(self)
        return (
            self._followup_portal_build_url(tokens[self.commercial_partner_id.id])
            or False
        )

    def _followup_portal_link(self):
        """The URL of the page for documents (email, SMS, letter): read only, ""
        when the customer has no token (or it was revoked), never created here:
        the reminder's execution and the print actions create them before
        rendering (``_followup_portal_ensure``)."""
        self.ensure_one()
        tokens = self.env["account.followup.portal.access"]._read_tokens(self)
        return self._followup_portal_build_url(
            tokens.get(self.commercial_partner_id.id)
        )

    def _followup_portal_ensure(self):
        """Create the missing tokens of these customers in the current company
        (before their documents are rendered)."""
        return self.env["account.followup.portal.access"]._ensure(self)

    # ------------------------------------------------------------------
    # The statement's buttons
    # ------------------------------------------------------------------

    def _followup_portal_accesses(self):
        self._followup_check_access()
        self._followup_portal_ensure()
        # sudo: the billing user was checked; the tokens are not readable by them
        return (
            self.env["account.followup.portal.access"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ]
            )
        )

    def action_followup_portal_revoke(self):
        """The customer's link stops working; no reminder carries a new one until
        it is renewed."""
        self._followup_portal_accesses()._set_token(revoked=True)
        for partner in self.commercial_partner_id:
            partner._message_log(
                body=self.env._(
                    "The link to the customer's follow-up page was revoked."
                )
            )
        return True

    def action_followup_portal_renew(self):
        """A new link for the customer: the old one stops working."""
        self._followup_portal_accesses()._set_token(revoked=False)
        for partner in self.commercial_partner_id:
            partner._message_log(
                body=self.env._(
                    "A new link to the customer's follow-up page was issued: the "
                    "previous one no longer opens it."
                )
            )
        return True

    # ------------------------------------------------------------------
    # Tokens exist before anything renders
    # ------------------------------------------------------------------

    def _followup_letters_action(self):
        # the letters are rendered by the download that follows: their links exist
        self._followup_portal_ensure()
        return super()._followup_letters_action()

    def action_followup_open_send_wizard(self):
        # the wizard shows the email as it will go, link included
        self._followup_portal_ensure()
        return super().action_followup_open_send_wizard()
