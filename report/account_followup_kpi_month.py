# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models


class AccountFollowupKpiMonth(models.TransientModel):
    """The collection figures month by month (the trend graph): each record is one
    month of ``account.followup.analysis._kpis_series``, written when the trend is
    opened (the figures of past months depend on the reconciliation dates, not on
    when they are read: computing them again gives the same values)."""

    _name = "account.followup.kpi.month"
    _description = "Follow-up Analysis: collection figures of a month"
    _order = "company_id, month"
    _rec_name = "month"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, readonly=True, help="First day of the month.")
    date_from = fields.Date(string="From", readonly=True)
    date_to = fields.Date(
        string="To",
        readonly=True,
        help="Last day of the month, or today for the current month.",
    )
    days = fields.Integer(readonly=True, aggregator="sum")
    receivables_start = fields.Monetary(
        string="Receivables at the start",
        readonly=True,
        aggregator="avg",
        help="Sum of the balances of the receivable journal items of posted entries "
        "dated before the first day of the month.",
    )
    sales = fields.Monetary(
        readonly=True,
        aggregator="sum",
        help="Posted customer invoices minus credit notes dated in the month, taxes "
        "included.",
    )
    receivables = fields.Monetary(
        readonly=True,
        aggregator="avg",
        help="Sum of the balances of the receivable journal items of posted entries "
        "dated on or before the last day of the month.",
    )
    current_receivables = fields.Monetary(
        string="Current receivables",
        readonly=True,
        aggregator="avg",
        help="Open amount not yet due on the last day of the month.",
    )
    collected = fields.Monetary(
        readonly=True,
        aggregator="sum",
        help="Receivables at the start + Sales - Receivables.",
    )
    dso = fields.Float(
        string="DSO (days)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Days sales outstanding = Receivables / Sales x Days. 0 without sales.",
    )
    best_possible_dso = fields.Float(
        string="Best possible DSO (days)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Current receivables / Sales x Days. 0 without sales.",
    )
    average_days_delinquent = fields.Float(
        string="Average days delinquent",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="DSO - Best possible DSO.",
    )
    cei = fields.Float(
        string="CEI (%)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Collection effectiveness index = (Receivables at the start + Sales - "
        "Receivables) / (Receivables at the start + Sales - Current receivables) x "
        "100. 0 when there was nothing to collect.",
    )
    reminded = fields.Monetary(
        readonly=True,
        aggregator="sum",
        help="Open amount, on the reminder date, of the items covered by the levels "
        "executed in the month.",
    )
    paid_within_30 = fields.Monetary(
        string="Paid within 30 days",
        readonly=True,
        aggregator="sum",
        help="Part of the amount reminded in the month paid within 30 days of its "
        "reminder.",
    )

    @api.model
    def _trend_values(self, company, date_to, count=12):
        """Values of the ``count`` months up to the month of ``date_to`` (the last
        one ends on ``date_to``)."""
        Analysis = self.env["account.followup.analysis"]
        months = Analysis._last_months(date_to, count)
        months[-1] = (months[-1][0], min(months[-1][1], date_to))
        values = []
        for figures in Analysis._kpis_series(company, months):
            by_level = figures["by_level"].values()
            values.append(
                {
                    "company_id": company.id,
                    "month": figures["date_from"],
                    "date_from": figures["date_from"],
                    "date_to": figures["date_to"],
                    "days": figures["days"],
                    "receivables_start": figures["receivables_start"],
                    "sales": figures["sales"],
                    "receivables": figures["receivables"],
                    "current_receivables": figures["current_receivables"],
                    "collected": figures["collected"],
                    "dso": figures["dso"],
                    "best_possible_dso": figures["best_possible_dso"],
                    "average_days_delinquent": figures["average_days_delinquent"],
                    "cei": figures["cei"],
                    "reminded": sum(level["reminded"] for level in by_level),
                    "paid_within_30": sum(
                        level["paid_within_30"] for level in by_level
                    ),
                }
            )
        return values

    @api.model
    def action_open_trend(self, date_to=None, company=None):
        """Compute 12 months and open them as a graph: up to ``date_to`` (its month
        counted up to that day), by default the 12 months before the current
        one."""
        company = company or self.env.company
        date_to = fields.Date.to_date(date_to) or (
            company._followup_today().replace(day=1) - timedelta(days=1)
        )
        # a new set each time (two tabs may show two trends); the transient
        # records go away with Odoo's vacuum of transient models
        records = self.create(self._trend_values(company, date_to))
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_payment_followup.account_followup_kpi_month_action"
        )
        action["domain"] = [("id", "in", records.ids)]
        return action
