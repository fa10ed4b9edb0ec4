# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup
from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.tools import format_amount

from ..models.account_followup_analysis import AGING_BUCKETS, FIGURE_FIELDS


class AccountFollowupAnalysisWizard(models.TransientModel):
    """The collection figures of a period, each explaining its formula in its
    tooltip (``res.company._followup_kpis``)."""

    _name = "account.followup.analysis.wizard"
    _description = "Follow-up Analysis"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    period = fields.Selection(
        [
            ("this_month", "This month (to date)"),
            ("last_month", "Last month"),
            ("custom", "Chosen period"),
        ],
        required=True,
        default="this_month",
    )
    date_from = fields.Date(
        string="From",
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    date_to = fields.Date(
        string="To",
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )

    receivables_start = fields.Monetary(
        string="Receivables at the start",
        compute="_compute_figures",
        help="Sum of the balances of the receivable journal items of posted entries "
        "dated before the first day of the period.",
    )
    sales = fields.Monetary(
        compute="_compute_figures",
        help="Posted customer invoices minus credit notes dated in the period, taxes "
        "included (the amounts the receivables hold).",
    )
    receivables = fields.Monetary(
        compute="_compute_figures",
        help="Sum of the balances of the receivable journal items of posted entries "
        "dated on or before the last day of the period. A payment dated later does "
        "not change it.",
    )
    collected = fields.Monetary(
        compute="_compute_figures",
        help="Receivables at the start + Sales - Receivables: what customers paid "
        "(or was credited) in the period.",
    )
    current_receivables = fields.Monetary(
        string="Current receivables",
        compute="_compute_figures",
        help="Open amount not yet due on the last day of the period (the aging's "
        "Not due).",
    )
    days = fields.Integer(
        compute="_compute_figures",
        help="Days in the period, first and last day included.",
    )
    dso = fields.Float(
        string="DSO (days)",
        digits=(16, 2),
        compute="_compute_figures",
        help="Days sales outstanding = Receivables / Sales x Days: how many days of "
        "sales the customers owe. 0 without sales.",
    )
    best_possible_dso = fields.Float(
        string="Best possible DSO (days)",
        digits=(16, 2),
        compute="_compute_figures",
        help="Current receivables / Sales x Days: the DSO if every customer paid on "
        "time. 0 without sales.",
    )
    average_days_delinquent = fields.Float(
        string="Average days delinquent",
        digits=(16, 2),
        compute="_compute_figures",
        help="DSO - Best possible DSO: how many days late customers pay, on average.",
    )
    cei = fields.Float(
        string="CEI (%)",
        digits=(16, 2),
        compute="_compute_figures",
        help="Collection effectiveness index = (Receivables at the start + Sales - "
        "Receivables) / (Receivables at the start + Sales - Current receivables) x "
        "100: the part collected of what could be collected in the period (100 = "
        "everything due was collected). 0 when there was nothing to collect.",
    )
    aging_current = fields.Monetary(
        string="Not due",
        compute="_compute_figures",
        help="Open amount on the last day of the period not yet due on that day.",
    )
    aging_1_30 = fields.Monetary(
        string="1-30 days",
        compute="_compute_figures",
        help="Open amount on the last day of the period, 1 to 30 days past its due "
        "date.",
    )
    aging_31_60 = fields.Monetary(
        string="31-60 days",
        compute="_compute_figures",
        help="Open amount on the last day of the period, 31 to 60 days past its due "
        "date.",
    )
    aging_61_90 = fields.Monetary(
        string="61-90 days",
        compute="_compute_figures",
        help="Open amount on the last day of the period, 61 to 90 days past its due "
        "date.",
    )
    aging_90_plus = fields.Monetary(
        string="Over 90 days",
        compute="_compute_figures",
        help="Open amount on the last day of the period, more than 90 days past its "
        "due date.",
    )
    aging_total = fields.Monetary(
        string="Total open",
        compute="_compute_figures",
        help="Sum of the aging buckets: equal to the Receivables.",
    )
    level_table = fields.Html(
        string="Effect of each level",
        compute="_compute_figures",
        help="The levels executed in the period (single actions from the statement "
        "left out). Reminded: the open amount, on the reminder date, of the items the "
        "reminder covered. Paid within 30 days: the part of it paid (or credited) "
        "from the day after the reminder up to 30 days after it.",
    )

    @api.depends("date_from", "date_to")
    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._(
                "Collection figures %(start)s - %(end)s",
                start=fields.Date.to_string(wizard.date_from) or "",
                end=fields.Date.to_string(wizard.date_to) or "",
            )

    @api.depends("period", "company_id")
    def _compute_dates(self):
        for wizard in self:
            today = (wizard.company_id or self.env.company)._followup_today()
            if wizard.period == "this_month":
                wizard.date_from = today.replace(day=1)
                wizard.date_to = today
            elif wizard.period == "last_month":
                last = today.replace(day=1) - timedelta(days=1)
                wizard.date_from = last.replace(day=1)
                wizard.date_to = last
            elif not wizard.date_from or not wizard.date_to:
                wizard.date_from = today.replace(day=1)
                wizard.date_to = today

    @api.depends("company_id", "date_from", "date_to")
    def _compute_figures(self):
        Analysis = self.env["account.followup.analysis"]
        for wizard in self:
            if (
                not wizard.company_id
                or not wizard.date_from
                or not wizard.date_to
                or wizard.date_from > wizard.date_to
            ):
                wizard._assign_figures({})
                continue
            figures = Analysis._kpis_series(
                wizard.company_id, [(wizard.date_from, wizard.date_to)], aging=True
            )[0]
            wizard._assign_figures(figures)

    def _assign_figures(self, figures):
        for fname in FIGURE_FIELDS:
            self[fname] = figures.get(fname) or 0
        aging = figures.get("aging") or {}
        for bucket in AGING_BUCKETS:
            self[f"aging_{bucket}"] = aging.get(bucket, 0.0)
        self.aging_total = aging.get("total", 0.0)
        self.level_table = self._render_level_table(figures.get("by_level") or {})

    def _level_rows(self, by_level):
        """[(level, reminded, paid within 7, paid within 30, % paid within 30)],
        ordered as the plan."""
        levels = (
            self.env["account.followup.level"]
            .with_context(active_test=False)
            .browse(list(by_level))
            .sorted(lambda level: (level.delay, level.id))
        )
        rows = []
        for level in levels:
            values = by_level[level.id]
            reminded = values["reminded"]
            paid_30 = values["paid_within_30"]
            rows.append(
                (
                    level,
                    reminded,
                    values.get("paid_within_7", 0.0),
                    paid_30,
                    paid_30 / reminded * 100 if reminded else 0.0,
                )
            )
        return rows

    def _render_level_table(self, by_level):
        if not by_level:
            return False
        _ = self.env._
        currency = self.currency_id or self.company_id.currency_id

        def amount(value):
            return format_amount(self.env, value, currency)

        head = Markup(
            "<thead><tr><th>%s</th><th class='text-end' title='%s'>%s</th>"
            "<th class='text-end' title='%s'>%s</th>"
            "<th class='text-end' title='%s'>%s</th>"
            "<th class='text-end' title='%s'>%s</th></tr></thead>"
        ) % (
            _("Level"),
            _("Open amount, on the reminder date, of the items it covered."),
            _("Reminded"),
            _("Part of it paid from the day after the reminder up to 7 days after."),
            _("Paid within 7 days"),
            _("Part of it paid from the day after the reminder up to 30 days after."),
            _("Paid within 30 days"),
            _("Paid within 30 days / Reminded x 100."),
            _("Paid within 30 days (%)"),
        )
        body = Markup("").join(
            Markup(
                "<tr><td>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td></tr>"
            )
            % (
                level.name,
                amount(reminded),
                amount(paid_7),
                amount(paid_30),
                f"{rate:.1f}",
            )
            for level, reminded, paid_7, paid_30, rate in self._level_rows(by_level)
        )
        return Markup(
            "<table class='table table-sm o_followup_level_effect'>%s<tbody>%s</tbody>"
            "</table>"
        ) % (head, body)

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def _period_values(self):
        self.ensure_one()
        return self.env["account.followup.analysis"]._check_period(
            self.date_from, self.date_to
        )

    def action_export_xlsx(self):
        """The figures, the aging, the effect of each level and the 12-month trend
        as an XLSX workbook."""
        date_from, date_to = self._period_values()
        query = url_encode(
            {
                "company_id": self.company_id.id,
                "date_from": fields.Date.to_string(date_from),
                "date_to": fields.Date.to_string(date_to),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/account_payment_followup/analysis.xlsx?{query}",
            "target": "download",
        }

    def action_open_trend(self):
        """The figures of the 12 months up to the end of the period (graph)."""
        _date_from, date_to = self._period_values()
        return self.env["account.followup.kpi.month"].action_open_trend(
            date_to=date_to, company=self.company_id
        )

    def action_open_aging(self):
        """The aging by customer on the last day of the period (pivot)."""
        _date_from, date_to = self._period_values()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_payment_followup.account_followup_aging_action"
        )
        action["context"] = {"followup_aging_date": fields.Date.to_string(date_to)}
        action["name"] = self.env._(
            "Aging by customer on %(date)s", date=fields.Date.to_string(date_to)
        )
        return action

    def action_open_reminders(self):
        """The reminders of the period and what they achieved (pivot)."""
        date_from, date_to = self._period_values()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_payment_followup.account_followup_reminder_analysis_action"
        )
        action["domain"] = [
            ("company_id", "=", self.company_id.id),
            ("date", ">=", fields.Date.to_string(date_from)),
            ("date", "<=", fields.Date.to_string(date_to)),
        ]
        return action
