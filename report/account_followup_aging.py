# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.account_followup_analysis import AGING_BUCKETS, aging_bucket_sql

# "0_current": the buckets sort in their order (a pivot orders the groups of a
# selection by its stored value)
BUCKET_SELECTION = [
    ("0_current", "Not due"),
    ("1_30", "1-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("90_plus", "Over 90 days"),
]


class AccountFollowupAging(models.Model):
    """The open receivable items with their aging bucket (the "Aging by customer"
    pivot): the rows of ``account.followup.analysis._residuals_query``, today or on
    the date of the context key ``followup_aging_date``, for the companies the user
    works in."""

    _name = "account.followup.aging"
    _description = "Follow-up Analysis: aging of the open items"
    _auto = False
    _order = "due_date, id"
    _rec_name = "line_id"
    _depends = {
        "account.move.line": [
            "account_id",
            "amount_residual",
            "balance",
            "company_id",
            "date",
            "date_maturity",
            "followup_excluded",
            "move_id",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "account.partial.reconcile": [
            "amount",
            "credit_move_id",
            "debit_move_id",
            "max_date",
        ],
        "account.move": ["invoice_date"],
        "res.partner": ["commercial_partner_id"],
    }

    line_id = fields.Many2one("account.move.line", string="Journal item", readonly=True)
    move_id = fields.Many2one("account.move", string="Entry", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    account_id = fields.Many2one("account.account", readonly=True)
    aging_date = fields.Date(
        string="Aging on",
        readonly=True,
        help="The date the open amounts are given at: payments dated later are not "
        "deducted.",
    )
    due_date = fields.Date(
        string="Due date",
        readonly=True,
        help="Due date, else invoice date, else accounting date.",
    )
    days_overdue = fields.Integer(
        string="Days past due",
        readonly=True,
        aggregator="max",
        help="Aging date - due date (0 or less: not due).",
    )
    bucket = fields.Selection(
        BUCKET_SELECTION, string="Aging", readonly=True, group_expand=True
    )
    excluded = fields.Boolean(
        string="Excluded from follow-ups",
        readonly=True,
        help="Shown on the statement but never reminded (litigation).",
    )
    residual = fields.Monetary(
        string="Open amount",
        readonly=True,
        help="Open amount of the item on the aging date, company currency.",
    )
    amount_current = fields.Monetary(
        string="Not due", readonly=True, help="Open amount not yet due."
    )
    amount_1_30 = fields.Monetary(
        string="1-30 days",
        readonly=True,
        help="Open amount 1 to 30 days past its due date.",
    )
    amount_31_60 = fields.Monetary(
        string="31-60 days",
        readonly=True,
        help="Open amount 31 to 60 days past its due date.",
    )
    amount_61_90 = fields.Monetary(
        string="61-90 days",
        readonly=True,
        help="Open amount 61 to 90 days past its due date.",
    )
    amount_90_plus = fields.Monetary(
        string="Over 90 days",
        readonly=True,
        help="Open amount more than 90 days past its due date.",
    )

    @property
    def _table_query(self):
        Analysis = self.env["account.followup.analysis"]
        date = fields.Date.to_date(self.env.context.get("followup_aging_date"))
        bucket = aging_bucket_sql(SQL("r.at_date"), SQL("r.due_date"), "0_current")
        amounts = SQL(", ").join(
            SQL(
                "CASE WHEN %s = %s THEN r.residual ELSE 0 END AS %s",
                bucket,
                "0_current" if name == "current" else name,
                SQL.identifier(f"amount_{name}"),
            )
            for name in AGING_BUCKETS
        )
        parts = [
            SQL(
                """SELECT r.line_id AS id,
                          r.line_id,
                          r.move_id,
                          r.partner_id,
                          %(company)s AS company_id,
                          %(currency)s AS currency_id,
                          r.account_id,
                          r.at_date AS aging_date,
                          r.due_date,
                          r.at_date - r.due_date AS days_overdue,
                          %(bucket)s AS bucket,
                          r.excluded,
                          r.residual,
                          %(amounts)s
                     FROM (%(residuals)s) r""",
                company=company.id,
                currency=company.currency_id.id,
                bucket=bucket,
                amounts=amounts,
                residuals=Analysis._residuals_query(company, [date] if date else None),
            )
            for company in self.env.companies
        ]
        return SQL(" UNION ALL ").join(parts)
