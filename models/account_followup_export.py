# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import re

import xlsxwriter
from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .account_followup_analysis import AGING_BUCKETS, FIGURE_FIELDS

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters Excel refuses in a sheet name, its length limit, and the name it keeps
# for itself.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
SHEET_NAME_RESERVED = "history"


class AccountFollowupExport(models.AbstractModel):
    """The XLSX workbooks: the customer statement with its aging, and the
    collection figures (xlsxwriter, which Odoo ships). Served by the addon's
    controller (``controllers/main.py``), built here."""

    _name = "account.followup.export"
    _description = "Payment follow-ups: XLSX exports"

    # ------------------------------------------------------------------
    # Access and actions
    # ------------------------------------------------------------------

    @api.model
    def _check_access(self):
        """Billing users and auditors export; nobody else."""
        user = self.env.user
        if not (
            user.has_group("account.group_account_invoice")
            or user.has_group("account.group_account_readonly")
        ):
            raise AccessError(
                self.env._("Only billing users and auditors can export follow-ups.")
            )

    @api.model
    def _statement_action(self, partners):
        """Download the statements of ``partners`` (their commercial partners)."""
        self._check_access()
        partners.check_access("read")
        commercial = partners.commercial_partner_id
        if not commercial:
            raise UserError(self.env._("Select at least one customer to export."))
        query = url_encode(
            {
                "partner_ids": ",".join(str(pid) for pid in commercial.ids),
                "company_id": self.env.company.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/account_payment_followup/statement.xlsx?{query}",
            "target": "download",
        }

    # ------------------------------------------------------------------
    # Workbook helpers
    # ------------------------------------------------------------------

    @api.model
    def _styles(self, workbook, currency):
        digits = currency.decimal_places
        amount = "#,##0" + ("." + "0" * digits if digits else "")
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "bold": workbook.add_format({"bold": True}),
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#E9ECEF", "border": 1, "text_wrap": True}
            ),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "amount": workbook.add_format({"num_format": amount}),
            "amount_bold": workbook.add_format({"num_format": amount, "bold": True}),
            "amount_red": workbook.add_format(
                {"num_format": amount, "font_color": "#C00000"}
            ),
            "number": workbook.add_format({"num_format": "0.0"}),
            "muted": workbook.add_format({"font_color": "#6C757D"}),
            "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        }

    @api.model
    def _sheet_name(self, name, used):
        """A valid sheet name (Excel: 31 characters, no []:*?/\\, no apostrophe
        at either end, not "History"), unique in ``used``."""
        base = SHEET_NAME_FORBIDDEN.sub(" ", name or "").strip().strip("'").strip()
        base = base or "Sheet"
        candidate = base[:SHEET_NAME_MAX]
        index = 2
        while candidate.lower() in used or candidate.lower() == SHEET_NAME_RESERVED:
            suffix = f" ({index})"
            candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
            index += 1
        used.add(candidate.lower())
        return candidate

    @api.model
    def _bucket_labels(self):
        """{bucket: label}, as the statement and the analysis name them."""
        Partner = self.env["res.partner"]
        return {
            bucket: Partner._fields[f"followup_aging_{bucket}"]._description_string(
                self.env
            )
            for bucket in AGING_BUCKETS
        }

    @api.model
    def _write_aging(self, sheet, row, aging, styles, total_label):
        """The aging strip at ``row``: labels, then amounts. Returns the next row."""
        labels = self._bucket_labels()
        for col, bucket in enumerate(AGING_BUCKETS):
            sheet.write(row, col, labels[bucket], styles["header"])
            sheet.write_number(row + 1, col, aging.get(bucket, 0.0), styles["amount"])
        col = len(AGING_BUCKETS)
        sheet.write(row, col, total_label, styles["header"])
        sheet.write_number(row + 1, col, aging.get("total", 0.0), styles["amount_bold"])
        return row + 2

    # ------------------------------------------------------------------
    # The customer statement
    # ------------------------------------------------------------------

    @api.model
    def _statement_lines(self, partners, company):
        """{commercial partner id: its statement's open items}, in one search."""
        Line = self.env["account.move.line"]
        domain = [
            ("partner_id.commercial_partner_id", "in", partners.ids)
            if leaf[0] == "partner_id"
            else leaf
            for leaf in Line._followup_statement_domain(partners[:1], company)
        ]
        lines = Line.search(domain, order="date_maturity, id")
        by_partner = {}
        for line in lines:
            by_partner.setdefault(line.partner_id.commercial_partner_id.id, []).append(
                line
            )
        return by_partner

    @api.model
    def _statement_xlsx(self, partners, company=None):
        """The statements of ``partners`` (commercial partners) as XLSX bytes: one
        sheet per customer (heading, aging strip, open items, totals) and, for
        several customers, a summary sheet first."""
        self._check_access()
        company = company or self.env.company
        partners = partners.commercial_partner_id.with_company(company)
        partners.check_access("read")
        _ = self.env._
        currency = company.currency_id
        today = company._followup_today()
        aging = self.env["account.followup.analysis"]._aging(
            partner_ids=partners.ids, company=company, counted_only=True
        )
        lines_by_partner = self._statement_lines(partners, company)
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        styles = self._styles(workbook, currency)
        used = set()
        labels = self._bucket_labels()
        if len(partners) > 1:
            sheet = workbook.add_worksheet(self._sheet_name(_("Summary"), used))
            sheet.write(0, 0, _("Customer statements"), styles["title"])
            sheet.write(1, 0, company.name)
            sheet.write(2, 0, _("Date"))
            sheet.write_datetime(
                2, 1, fields.Datetime.to_datetime(today), styles["date"]
            )
            sheet.write(3, 0, _("Currency"))
            sheet.write(3, 1, currency.name)
            headers = [_("Customer"), _("Total due"), _("Total overdue")] + [
                labels[bucket] for bucket in AGING_BUCKETS
            ]
            for col, header in enumerate(headers):
                sheet.write(5, col, header, styles["header"])
            for row, partner in enumerate(partners, start=6):
                buckets = aging.get(partner.id) or {}
                sheet.write(row, 0, partner.display_name)
                sheet.write_number(row, 1, partner.followup_total_due, styles["amount"])
                sheet.write_number(
                    row, 2, partner.followup_total_overdue, styles["amount"]
                )
                for col, bucket in enumerate(AGING_BUCKETS, start=3):
                    sheet.write_number(
                        row, col, buckets.get(bucket, 0.0), styles["amount"]
                    )
            sheet.set_column(0, 0, 36)
            sheet.set_column(1, len(headers), 14)
        for partner in partners:
            self._write_statement_sheet(
                workbook,
                self._sheet_name(partner.display_name, used),
                partner,
                company,
                today,
                aging.get(partner.id) or {},
                lines_by_partner.get(partner.id, []),
                styles,
            )
        workbook.close()
        return buffer.getvalue()

    @api.model
    def _statement_headers(self):
        _ = self.env._
        return [
            _("Invoice"),
            _("Date"),
            _("Due date"),
            _("Expected date"),
            _("Days past due"),
            _("Communication"),
            _("Original amount"),
            _("Amount due"),
            _("Currency"),
            _("Amount due in currency"),
            _("Follow-up level"),
            _("Excluded"),
            _("Note"),
        ]

    @api.model
    def _write_statement_sheet(
        self, workbook, name, partner, company, today, aging, lines, styles
    ):
        _ = self.env._
        sheet = workbook.add_worksheet(name)
        sheet.write(0, 0, _("Customer statement"), styles["title"])
        sheet.write(1, 0, _("Customer"))
        sheet.write(1, 1, partner.display_name, styles["bold"])
        sheet.write(2, 0, _("Company"))
        sheet.write(2, 1, company.name)
        sheet.write(3, 0, _("Date"))
        sheet.write_datetime(3, 1, fields.Datetime.to_datetime(today), styles["date"])
        sheet.write(4, 0, _("Currency"))
        sheet.write(4, 1, company.currency_id.name)
        row = self._write_aging(sheet, 6, aging, styles, _("Total due"))
        row += 1
        headers = self._statement_headers()
        for col, header in enumerate(headers):
            sheet.write(row, col, header, styles["header"])
        first_line_row = row + 1
        for row, line in enumerate(lines, start=first_line_row):
            due = line.date_maturity or line.move_id.invoice_date or line.date
            days = (today - due).days
            overdue = days > 0 and not line.followup_excluded
            amount_style = styles["amount_red"] if overdue else styles["amount"]
            sheet.write(row, 0, line.move_id.name or "")
            sheet.write_datetime(
                row, 1, fields.Datetime.to_datetime(line.date), styles["date"]
            )
            sheet.write_datetime(
                row, 2, fields.Datetime.to_datetime(due), styles["date"]
            )
            if line.followup_expected_date:
                sheet.write_datetime(
                    row,
                    3,
                    fields.Datetime.to_datetime(line.followup_expected_date),
                    styles["date"],
                )
            sheet.write_number(row, 4, days)
            sheet.write(row, 5, line.name or "")
            sheet.write_number(row, 6, line.balance, styles["amount"])
            sheet.write_number(row, 7, line.amount_residual, amount_style)
            sheet.write(row, 8, line.currency_id.name or "")
            sheet.write_number(row, 9, line.amount_residual_currency, styles["amount"])
            sheet.write(row, 10, line.followup_level_id.name or "")
            sheet.write(row, 11, _("Yes") if line.followup_excluded else "")
            sheet.write(row, 12, line.followup_note or "")
        row = max(row, first_line_row - 1) + 2
        sheet.write(row, 6, _("Total due"), styles["bold"])
        sheet.write_number(row, 7, partner.followup_total_due, styles["amount_bold"])
        sheet.write(row + 1, 6, _("Total overdue"), styles["bold"])
        sheet.write_number(
            row + 1, 7, partner.followup_total_overdue, styles["amount_bold"]
        )
        sheet.set_column(0, 0, 20)
        sheet.set_column(1, 4, 12)
        sheet.set_column(5, 5, 30)
        sheet.set_column(6, 9, 14)
        sheet.set_column(10, 12, 20)
        sheet.freeze_panes(first_line_row, 0)
        return sheet

    # ------------------------------------------------------------------
    # The collection figures
    # ------------------------------------------------------------------

    @api.model
    def _analysis_xlsx(self, company, date_from, date_to):
        """The figures of the period with their formulas, the aging on its last
        day (totals and by customer), the effect of each level and the trend of the
        12 months up to it, as XLSX bytes."""
        self._check_access()
        _ = self.env._
        Analysis = self.env["account.followup.analysis"]
        date_from, date_to = Analysis._check_period(date_from, date_to)
        Wizard = self.env["account.followup.analysis.wizard"]
        wizard = Wizard.new(
            {
                "company_id": company.id,
                "period": "custom",
                "date_from": date_from,
                "date_to": date_to,
            }
        )
        figures = Analysis._kpis_series(company, [(date_from, date_to)], aging=True)[0]
        currency = company.currency_id
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        styles = self._styles(workbook, currency)
        used = set()

        def label(model, fname):
            return model._fields[fname]._description_string(self.env)

        def help_text(model, fname):
            return model._fields[fname]._description_help(self.env) or ""

        # the figures
        sheet = workbook.add_worksheet(self._sheet_name(_("Figures"), used))
        sheet.write(0, 0, _("Collection figures"), styles["title"])
        sheet.write(1, 0, _("Company"))
        sheet.write(1, 1, company.name)
        sheet.write(2, 0, _("From"))
        sheet.write_datetime(
            2, 1, fields.Datetime.to_datetime(date_from), styles["date"]
        )
        sheet.write(3, 0, _("To"))
        sheet.write_datetime(3, 1, fields.Datetime.to_datetime(date_to), styles["date"])
        sheet.write(4, 0, _("Currency"))
        sheet.write(4, 1, currency.name)
        for col, header in enumerate(
            [_("Figure"), _("Value"), _("How it is computed")]
        ):
            sheet.write(6, col, header, styles["header"])
        for row, fname in enumerate(FIGURE_FIELDS, start=7):
            field = Wizard._fields[fname]
            style = styles["amount"] if field.type == "monetary" else styles["number"]
            if field.type == "integer":
                style = None
            sheet.write(row, 0, label(Wizard, fname))
            sheet.write_number(row, 1, figures[fname], style)
            sheet.write(row, 2, help_text(Wizard, fname), styles["wrap"])
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 1, 16)
        sheet.set_column(2, 2, 90)

        # the aging on the last day, in total and by customer
        sheet = workbook.add_worksheet(self._sheet_name(_("Aging"), used))
        sheet.write(
            0,
            0,
            _("Aging on %(date)s", date=fields.Date.to_string(date_to)),
            styles["title"],
        )
        row = self._write_aging(sheet, 2, figures["aging"], styles, _("Total open"))
        row += 1
        by_partner = Analysis._aging(date=date_to, company=company)
        labels = self._bucket_labels()
        headers = (
            [_("Customer")] + [labels[b] for b in AGING_BUCKETS] + [_("Total open")]
        )
        for col, header in enumerate(headers):
            sheet.write(row, col, header, styles["header"])
        partners = self.env["res.partner"].browse(pid for pid in by_partner if pid)
        names = {partner.id: partner.display_name for partner in partners}
        ordered = sorted(
            by_partner.items(),
            key=lambda item: (-item[1]["total"], names.get(item[0], "")),
        )
        first_row = row + 1
        for row, (partner_id, buckets) in enumerate(ordered, start=first_row):
            sheet.write(row, 0, names.get(partner_id) or _("No customer"))
            for col, bucket in enumerate(AGING_BUCKETS, start=1):
                sheet.write_number(row, col, buckets[bucket], styles["amount"])
            sheet.write_number(
                row, len(AGING_BUCKETS) + 1, buckets["total"], styles["amount_bold"]
            )
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, len(AGING_BUCKETS) + 1, 14)

        # the effect of each level
        sheet = workbook.add_worksheet(self._sheet_name(_("Levels"), used))
        sheet.write(0, 0, label(Wizard, "level_table"), styles["title"])
        sheet.write(1, 0, help_text(Wizard, "level_table"))
        headers = [
            _("Level"),
            _("Days after the due date"),
            _("Reminded"),
            _("Paid within 7 days"),
            _("Paid within 30 days"),
            _("Paid within 30 days (%)"),
        ]
        for col, header in enumerate(headers):
            sheet.write(3, col, header, styles["header"])
        level_rows = wizard._level_rows(figures["by_level"])
        for row, (level, reminded, paid_7, paid_30, rate) in enumerate(
            level_rows, start=4
        ):
            sheet.write(row, 0, level.name)
            sheet.write_number(row, 1, level.delay)
            sheet.write_number(row, 2, reminded, styles["amount"])
            sheet.write_number(row, 3, paid_7, styles["amount"])
            sheet.write_number(row, 4, paid_30, styles["amount"])
            sheet.write_number(row, 5, rate, styles["number"])
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 5, 16)

        # the trend
        sheet = workbook.add_worksheet(self._sheet_name(_("Trend"), used))
        sheet.write(0, 0, _("The last 12 months"), styles["title"])
        Month = self.env["account.followup.kpi.month"]
        trend_fields = [
            "receivables_start",
            "sales",
            "receivables",
            "current_receivables",
            "dso",
            "best_possible_dso",
            "average_days_delinquent",
            "cei",
            "reminded",
            "paid_within_30",
        ]
        headers = [_("Month")] + [label(Month, fname) for fname in trend_fields]
        for col, header in enumerate(headers):
            sheet.write(2, col, header, styles["header"])
        for row, values in enumerate(Month._trend_values(company, date_to), start=3):
            sheet.write_datetime(
                row, 0, fields.Datetime.to_datetime(values["month"]), styles["date"]
            )
            for col, fname in enumerate(trend_fields, start=1):
                field = Month._fields[fname]
                style = (
                    styles["amount"] if field.type == "monetary" else styles["number"]
                )
                sheet.write_number(row, col, values[fname], style)
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, len(trend_fields), 16)
        workbook.close()
        return buffer.getvalue()
