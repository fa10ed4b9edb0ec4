# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import secrets

from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.tools import SQL, consteq

# what the upgrade adds to the default templates of an older database (the same as
# in data/mail_template_data.xml and data/sms_template_data.xml)
# the tokens known in the current transaction (``_tokens_cache``)
TOKENS_CACHE = "account_payment_followup.portal_tokens"
EMAIL_LINK = Markup("""<t t-set="followup_portal_url" t-value="object._followup_portal_link()"></t>
    <p t-if="followup_portal_url" class="o_followup_portal_link">
        <a t-att-href="followup_portal_url" style="display: inline-block; background-color: #875A7B; padding: 8px 16px; color: #ffffff; text-decoration: none; border-radius: 5px;">Pay or answer online</a>
        <br>
        On your page you can pay, tell us when you will pay or dispute an invoice.
    </p>
    """)
SMS_LINK = " Pay or reply online: {{ object._followup_portal_link() }}"


def new_token():
    return secrets.token_urlsafe(32)


class AccountFollowupPortalAccess(models.Model):
    """The access token of a customer's follow-up page, one per commercial partner
    and company.

    It is created when a reminder is executed for the customer (before its email,
    SMS or letter is rendered) or when letters are printed, never while a document
    is rendered: rendering only reads it (``res.partner._followup_portal_link``)
    and prints no link when there is none. Revoking keeps the record (so that the
    next reminder does not hand out a new link) with a token nobody knows; renewing
    hands out a new one: the old link stops working at once.
    """

    _name = "account.followup.portal.access"
    _description = "Customer follow-up page access"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    access_token = fields.Char(
        required=True, readonly=True, copy=False, groups="base.group_system"
    )
    revoked = fields.Boolean(readonly=True)

    _sql_constraints = [
        (
            "partner_company_unique",
            "unique(partner_id, company_id)",
            "A customer has one follow-up page per company.",
        )
    ]

    @api.model
    def _ensure(self, partners, company=None):
        """Create the missing tokens of the commercial partners of ``partners`` in
        ``company`` (default: the current one), in one query that waits for nobody
        already holding them. {partner id: token, or None when revoked}."""
        company = company or self.env.company
        all_ids = partners.commercial_partner_id.ids
        cache = self._tokens_cache()
        if cache is None:
            cache = {}  # outside a batch: nothing kept
        partner_ids = [pid for pid in all_ids if (company.id, pid) not in cache]
        if not partner_ids:
            return {pid: cache[company.id, pid] for pid in all_ids}
        self.flush_model()
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s, false, %s, %s, now() at time zone 'UTC', "
                "now() at time zone 'UTC')",
                partner_id,
                company.id,
                new_token(),
                self.env.uid,
                self.env.uid,
            )
            for partner_id in partner_ids
        )
        try:
            with self.env.cr.savepoint(flush=False):
                rows = self._insert_tokens(company, partner_ids, values)
        except pg_errors.SerializationFailure:
            # another transaction created one of them since this one started: it
            # is not visible here (repeatable read). Those customers' documents of
            # this transaction print no link; the next ones will.
            rows = self._select_tokens(company, partner_ids)
        tokens = {
            partner_id: None if revoked else token
            for partner_id, token, revoked in rows
        }
        for partner_id, token in tokens.items():
            cache[company.id, partner_id] = token
        return {pid: cache.get((company.id, pid)) for pid in all_ids}

    @api.model
    def _select_tokens(self, company, partner_ids):
        """(partner id, token, revoked) of those of ``partner_ids`` that have one
        in ``company``, as this transaction sees them."""
        return self.env.execute_query(
            SQL(
                "SELECT partner_id, access_token, revoked "
                "FROM account_followup_portal_access "
                "WHERE company_id = %s AND partner_id = ANY(%s)",
                company.id,
                partner_ids,
            )
        )

    @api.model
    def _insert_tokens(self, company, partner_ids, values):
        return self.env.execute_query(
            SQL(
                """
                WITH created AS (
                    INSERT INTO account_followup_portal_access
                        (partner_id, company_id, access_token, revoked,
                         create_uid, write_uid, create_date, write_date)
                    VALUES %(values)s
                    ON CONFLICT (partner_id, company_id) DO NOTHING
                    RETURNING partner_id, access_token, revoked
                )
                SELECT partner_id, access_token, revoked FROM created
                UNION ALL
                SELECT partner_id, access_token, revoked
                  FROM account_followup_portal_access
                 WHERE company_id = %(company)s AND partner_id = ANY(%(partners)s)
                """,
                values=values,
                company=company.id,
                partners=partner_ids,
            )
        )

    def write(self, vals):
        self._tokens_cache_reset()
        return super().write(vals)

    def unlink(self):
        self._tokens_cache_reset()
        return super().unlink()

    @api.model
    def _tokens_cache(self):
        """{(company id, partner id): token or None} while a batch of reminders
        executes (``account.followup.execution._execute`` opens it and ensures the
        batch's tokens in one query, every email, SMS and letter of the batch reads
        from it); None outside a batch, where each read queries."""
        return self.env.cr.cache.get(TOKENS_CACHE)

    @api.model
    def _tokens_cache_reset(self):
        cache = self._tokens_cache()
        if cache is not None:
            cache.clear()

    @api.model
    def _read_tokens(self, partners, company=None):
        """The tokens of the commercial partners of ``partners``, read only (one
        query, whoever renders): {partner id: token or None}."""
        company = company or self.env.company
        partner_ids = partners.commercial_partner_id.ids
        if not partner_ids:
            return {}
        cache = self._tokens_cache()
        if cache is None:
            cache = {}  # outside a batch: nothing kept
        missing = [pid for pid in partner_ids if (company.id, pid) not in cache]
        if missing:
            self.flush_model()
            rows = self._select_tokens(company, missing)
            found = {pid: None if revoked else token for pid, token, revoked in rows}
            for pid in missing:
                cache[company.id, pid] = found.get(pid)
        return {pid: cache[company.id, pid] for pid in partner_ids}

    @api.model
    def _check_token(self, partner, company, token):
        """Whether ``token`` opens the page of ``partner`` in ``company`` (compared
        in constant time; a revoked access opens nothing)."""
        if not token or not isinstance(token, str):
            return False
        # sudo: the page is public; only the token of this customer is compared
        access = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [("partner_id", "=", partner.id), ("company_id", "=", company.id)],
                limit=1,
            )
        )
        if not access or access.revoked:
            return False
        return consteq(access.access_token, token)

    def _set_token(self, revoked):
        """A new token (the old link stops working), handed out unless revoked."""
        for access in self:
            access.write({"access_token": new_token(), "revoked": revoked})

    # ------------------------------------------------------------------
    # Upgrade
    # ------------------------------------------------------------------

    @api.model
    def _install_portal_links(self):
        """Put the page's link into the default email and SMS templates of a
        database installed before it (their records are ``noupdate``), once: a
        link removed by an administrator afterwards stays removed."""
        # sudo: an upgrade step, run by the module's data
        params = self.env["ir.config_parameter"].sudo()
        flag = "account_payment_followup.portal_links_installed"
        if params.get_param(flag):
            return
        email = self.env.ref(
            "account_payment_followup.mail_template_followup", raise_if_not_found=False
        )
        if email and "_followup_portal_link" not in (email.body_html or ""):
            body = email.body_html or ""
            anchor = body.find("If you have any question")
            start = body.rfind("<p", 0, anchor) if anchor >= 0 else -1
            if start < 0:
                start = body.rfind("</div>")
            if start >= 0:
                body = Markup(body)
                email.body_html = body[:start] + EMAIL_LINK + body[start:]
        sms = self.env.ref(
            "account_payment_followup.sms_template_followup", raise_if_not_found=False
        )
        if sms:
            for lang, _name in self.env["res.lang"].get_installed():
                body = sms.with_context(lang=lang).body or ""
                if body and "_followup_portal_link" not in body:
                    sms.with_context(lang=lang).body = body + SMS_LINK
        params.set_param(flag, "1")
