# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The settings of the charges for paying late: interest (none, a fixed annual rate,
or a reference rate plus a margin), the fixed compensation per invoice, the fee of
each level, the product and account of the charge invoices, and the reference rates
of the company.

Everything is off by default: no interest, no compensation, no fee.
"""

from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The reference rate of Directive 2011/7/EU (late payment in commercial
# transactions), art. 2(12): for a euro-area country, the interest rate of the
# European Central Bank's most recent main refinancing operation, in force on
# 1 January for the first half of the year and on 1 July for the second half.
# Source: ECB, "Key ECB interest rates",
# https://www.ecb.europa.eu/stats/policy_and_exchange_rates/key_ecb_interest_rates/html/index.en.html
# (main refinancing operations, fixed rate): 21 Dec 2022 2.50, 21 Jun 2023 4.00,
# 20 Sep 2023 4.50, 12 Jun 2024 4.25, 18 Dec 2024 3.15, 11 Jun 2025 2.15.
# Only published figures: a later half-year is added when it is published.
ECB_REFERENCE_RATES = [
    (date(2023, 1, 1), 2.50),
    (date(2023, 7, 1), 4.00),
    (date(2024, 1, 1), 4.50),
    (date(2024, 7, 1), 4.25),
    (date(2025, 1, 1), 3.15),
    (date(2025, 7, 1), 2.15),
]

INTEREST_TYPES = [
    ("none", "No interest"),
    ("fixed", "Fixed annual rate"),
    ("reference", "Reference rate + margin"),
]


class AccountFollowupReferenceRate(models.Model):
    """A reference rate of the company from a date on: the row in force on a day is
    the latest one dated on or before it."""

    _name = "account.followup.reference.rate"
    _description = "Reference interest rate for late payments"
    _order = "company_id, date_from desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    date_from = fields.Date(string="From", required=True)
    rate = fields.Float(
        string="Rate (%)",
        digits=(16, 3),
        required=True,
        help="Annual rate, in percent (the central bank's reference rate; the "
        "company's margin is added to it).",
    )

    _sql_constraints = [
        (
            "date_company_uniq",
            "unique(company_id, date_from)",
            "A company has one reference rate per date.",
        ),
    ]


class ResCompany(models.Model):
    _inherit = "res.company"

    followup_interest_type = fields.Selection(
        INTEREST_TYPES,
        string="Late-payment interest",
        required=True,
        default="none",
        help="Interest charged on overdue invoices of business customers: simple "
        "and daily, from the day after the due date, on what was left to pay each "
        "day.",
    )
    followup_interest_rate = fields.Float(
        string="Annual interest rate (%)",
        digits=(16, 2),
        help="For a fixed rate: the annual rate, in percent.",
    )
    followup_interest_margin = fields.Float(
        string="Margin over the reference rate (points)",
        digits=(16, 2),
        default=8.0,
        help="Added to the reference rate in force on each day. EU late-payment law "
        "(Directive 2011/7/EU): at least 8 points.",
    )
    followup_compensation_amount = fields.Monetary(
        string="Fixed compensation per invoice",
        currency_field="currency_id",
        help="Charged once per overdue invoice, in the company currency. EU "
        "late-payment law: 40 (euros). 0: none.",
    )
    followup_reference_rate_ids = fields.One2many(
        "account.followup.reference.rate", "company_id", string="Reference rates"
    )
    followup_charge_product_id = fields.Many2one(
        "product.product",
        string="Product of the charges",
        help="The product of the charge invoice lines (a service). Its income "
        "account is used unless an account is set below.",
    )
    followup_charge_account_id = fields.Many2one(
        "account.account",
        string="Income account of the charges",
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Empty: the income account of the product, else of the sales journal.",
    )
    followup_charge_b2b_only = fields.Boolean(
        string="Business customers only",
        default=True,
        help="Charge only customers that are companies (the scope of EU "
        "late-payment law): individuals are never charged.",
    )
    followup_charge_level_id = fields.Many2one(
        "account.followup.level",
        string="Daily run: charge from level",
        domain="[('company_id', '=', id)]",
        help="When the daily run executes this level or a later one for a customer, "
        "it also prepares the draft invoice of the charges accrued. Empty: never.",
    )

    @api.constrains(
        "followup_interest_rate",
        "followup_interest_margin",
        "followup_compensation_amount",
    )
    def _check_followup_charges(self):
        for company in self:
            if (
                company.followup_interest_rate < 0
                or company.followup_compensation_amount < 0
            ):
                raise ValidationError(
                    self.env._(
                        "The interest rate and the compensation for paying late "
                        "cannot be negative."
                    )
                )

    def _followup_charge_product(self):
        """The product of the charge invoice lines: the company's, else the one
        the addon installs (a company that existed before the charges came)."""
        self.ensure_one()
        return (
            self.followup_charge_product_id
            or self.env.ref(
                "account_payment_followup.product_followup_charges",
                raise_if_not_found=False,
            )
            or self.env["product.product"]
        )

    def _followup_charges_enabled(self):
        """Whether the company charges anything for paying late."""
        self.ensure_one()
        return bool(
            self.followup_interest_type != "none"
            or self.followup_compensation_amount
            or any(self.followup_level_ids.mapped("fee_amount"))
        )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._followup_charges_set_defaults()
        return companies

    @api.model
    def _followup_charges_install(self):
        """Once per database, at install or at the upgrade that brings the
        charges: their defaults on every existing company (a rate an accountant
        deletes afterwards stays deleted)."""
        # sudo: an install step, run by the module's data
        params = self.env["ir.config_parameter"].sudo()
        flag = "account_payment_followup.charges_defaults_installed"
        if params.get_param(flag):
            return
        self.search([])._followup_charges_set_defaults()
        params.set_param(flag, "1")

    def _followup_charges_set_defaults(self):
        """The charge product, and for a euro-area company the reference rates
        of the ECB (see ``ECB_REFERENCE_RATES``); a company of another currency
        starts with an empty table."""
        product = self.env.ref(
            "account_payment_followup.product_followup_charges",
            raise_if_not_found=False,
        )
        eur = self.env.ref("base.EUR", raise_if_not_found=False)
        # sudo: called at install and company creation, whoever the user is (the
        # rates table is the company's configuration, not the user's)
        Rate = self.env["account.followup.reference.rate"].sudo()
        for company in self.sudo():
            if product and not company.followup_charge_product_id:
                company.followup_charge_product_id = product
            if (
                eur
                and company.currency_id == eur
                and not company.followup_reference_rate_ids
            ):
                Rate.create(
                    [
                        {"company_id": company.id, "date_from": day, "rate": rate}
                        for day, rate in ECB_REFERENCE_RATES
                    ]
                )


class AccountFollowupLevel(models.Model):
    _inherit = "account.followup.level"

    currency_id = fields.Many2one(related="company_id.currency_id")
    fee_amount = fields.Monetary(
        string="Fee",
        currency_field="currency_id",
        help="Fixed fee charged once each time this level is executed for a "
        "customer (company currency). 0: none.",
    )

    @api.constrains("fee_amount")
    def _check_fee_amount(self):
        if any(level.fee_amount < 0 for level in self):
            raise ValidationError(self.env._("The fee of a level cannot be negative."))


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    followup_interest_type = fields.Selection(
        related="company_id.followup_interest_type", readonly=False
    )
    followup_interest_rate = fields.Float(
        related="company_id.followup_interest_rate", readonly=False
    )
    followup_interest_margin = fields.Float(
        related="company_id.followup_interest_margin", readonly=False
    )
    followup_compensation_amount = fields.Monetary(
        related="company_id.followup_compensation_amount", readonly=False
    )
    followup_charge_product_id = fields.Many2one(
        related="company_id.followup_charge_product_id", readonly=False
    )
    followup_charge_account_id = fields.Many2one(
        related="company_id.followup_charge_account_id", readonly=False
    )
    followup_charge_b2b_only = fields.Boolean(
        related="company_id.followup_charge_b2b_only", readonly=False
    )
    followup_charge_level_id = fields.Many2one(
        related="company_id.followup_charge_level_id", readonly=False
    )
    followup_reference_rate_count = fields.Integer(
        string="Reference rates entered",
        compute="_compute_followup_reference_rate_count",
    )

    @api.depends("company_id")
    def _compute_followup_reference_rate_count(self):
        for settings in self:
            settings.followup_reference_rate_count = len(
                settings.company_id.followup_reference_rate_ids
            )

    def action_open_followup_reference_rates(self):
        return self.env["ir.actions.actions"]._for_xml_id(
            "account_payment_followup.account_followup_reference_rate_action"
        )
