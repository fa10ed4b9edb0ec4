# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import FOLLOWUP_GROUPS


class ResPartner(models.Model):
    """The customer's answers (promises to pay, disputes) on the statement and as
    filters of Follow-up Reports, in the current company."""

    _inherit = "res.partner"

    followup_promise_ids = fields.One2many(
        "account.followup.promise",
        compute="_compute_followup_answers",
        string="Promises to pay",
        help="Open promises, and broken ones not followed up yet.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_dispute_ids = fields.One2many(
        "account.followup.dispute",
        compute="_compute_followup_answers",
        string="Open disputes",
        groups=FOLLOWUP_GROUPS,
    )
    followup_promise_open = fields.Boolean(
        string="Payment promised",
        compute="_compute_followup_answers",
        search="_search_followup_promise_open",
        help="The customer promised to pay and the promise is open.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_promise_broken = fields.Boolean(
        string="Promise broken",
        compute="_compute_followup_answers",
        search="_search_followup_promise_broken",
        help="A promise to pay was broken and its items are still open.",
        groups=FOLLOWUP_GROUPS,
    )
    followup_in_dispute = fields.Boolean(
        string="In dispute",
        compute="_compute_followup_answers",
        search="_search_followup_in_dispute",
        help="An invoice of the customer is in dispute.",
        groups=FOLLOWUP_GROUPS,
    )

    @api.model
    def _followup_answer_domains(self):
        """{field: (model, domain)}: the promises and disputes the statement and
        the filters of Follow-up Reports speak of, in the current company."""
        company = [("company_id", "=", self.env.company.id)]
        return {
            "followup_promise_open": (
                "account.followup.promise",
                [*company, ("state", "=", "open")],
            ),
            "followup_promise_broken": (
                "account.followup.promise",
                [
                    *company,
                    ("state", "=", "broken"),
                    (
                        "line_ids",
                        "any",
                        [("reconciled", "=", False), ("amount_residual", "!=", 0)],
                    ),
                ],
            ),
            "followup_in_dispute": (
                "account.followup.dispute",
                [*company, ("state", "=", "open")],
            ),
        }

    def _followup_answers_search(self, fname, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("This follow-up filter can only be searched with = or !=.")
            )
        model, domain = self._followup_answer_domains()[fname]
        query = self.env[model]._search(domain)
        positive = (operator == "=") == value
        return [
            (
                "commercial_partner_id",
                "in" if positive else "not in",
                query.subselect("partner_id"),
            )
        ]

    def _search_followup_promise_open(self, operator, value):
        return self._followup_answers_search("followup_promise_open", operator, value)

    def _search_followup_promise_broken(self, operator, value):
        return self._followup_answers_search("followup_promise_broken", operator, value)

    def _search_followup_in_dispute(self, operator, value):
        return self._followup_answers_search("followup_in_dispute", operator, value)

    @api.depends_context("company")
    def _compute_followup_answers(self):
        domains = self._followup_answer_domains()
        commercial = self.commercial_partner_id._origin
        partner_domain = [("partner_id", "in", commercial.ids)]

        def records(fname, extra=None):
            model, domain = domains[fname]
            return self.env[model].search(
                partner_domain + domain + (extra or []), order="date, id"
            )

        open_promises = records("followup_promise_open")
        # broken promises stay on the statement until their escalation is done
        broken = records("followup_promise_broken")
        pending = broken.filtered("escalation_pending")
        disputes = records("followup_in_dispute")
        for partner in self:
            origin = partner.commercial_partner_id._origin
            partner.followup_promise_ids = (open_promises | pending).filtered(
                lambda pr, o=origin: pr.partner_id == o
            )
            partner.followup_dispute_ids = disputes.filtered(
                lambda d, o=origin: d.partner_id == o
            )
            partner.followup_promise_open = bool(
                open_promises.filtered(lambda pr, o=origin: pr.partner_id == o)
            )
            partner.followup_promise_broken = bool(
                broken.filtered(lambda pr, o=origin: pr.partner_id == o)
            )
            partner.followup_in_dispute = bool(partner.followup_dispute_ids)
