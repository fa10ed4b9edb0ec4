# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import date, datetime

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import FollowupCommon

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def rows(sheet):
    """The sheet's values as a list of tuples, trailing empty cells dropped."""
    result = []
    for row in sheet.iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        result.append(tuple(values))
    return result


@tagged("post_install", "-at_install")
@freeze_time("2026-04-20")
class TestFollowupXlsx(FollowupCommon):
    """The XLSX exports, opened with openpyxl. Today: 20 April 2026.

    Customer One owes (company currency USD):

    - INV-A 1,000, due 04-30: not due;
    - INV-B 500 of 02-01, due 03-01, 200 paid on 03-10: 300 open, 50 days past due
      (31-60);
    - INV-C 400 EUR at 2 EUR per USD = 200, due 01-10: 100 days past due (over 90);
    - INV-D 50, due 04-10, excluded from follow-ups (litigation): on the
      statement's lines, not in its aging nor its totals.

    Total due 1,000 + 300 + 200 = 1,500, of which 500 overdue. Customer Two owes
    INV-E 700 due 04-05 (15 days: 1-30).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        self = cls
        make = FollowupCommon.make_invoice
        eur = cls.setup_other_currency("EUR", rates=[("2025-01-01", 2.0)])
        cls.inv_a = make(self, cls.customer, 1000, "2026-04-01", "2026-04-30")
        cls.inv_b = make(self, cls.customer, 500, "2026-02-01", "2026-03-01")
        FollowupCommon.pay(self, cls.inv_b, 200, date(2026, 3, 10))
        cls.inv_c = make(
            self, cls.customer, 400, "2025-12-20", "2026-01-10", currency=eur
        )
        cls.inv_d = make(self, cls.customer, 50, "2026-03-20", "2026-04-10")
        FollowupCommon.receivable_lines(self, cls.inv_d).followup_excluded = True
        cls.inv_e = make(self, cls.customer2, 700, "2026-03-20", "2026-04-05")
        cls.env["account.followup.reminder"].sudo().create(
            {
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                "level_id": cls.level(1).id,
                "date": "2026-03-05",
                "line_ids": [
                    Command.set(FollowupCommon.receivable_lines(self, cls.inv_b).ids)
                ],
                "channel_email": True,
            }
        )

    def test_statement_of_one_customer(self):
        Export = self.env["account.followup.export"]
        book = workbook(Export._statement_xlsx(self.customer))
        self.assertEqual(book.sheetnames, ["Customer One"])
        values = rows(book["Customer One"])
        self.assertEqual(values[0], ("Customer statement",))
        self.assertEqual(values[1], ("Customer", "Customer One"))
        self.assertEqual(values[2][1], self.company.name)
        self.assertEqual(values[3], ("Date", datetime(2026, 4, 20)))
        self.assertEqual(values[4], ("Currency", "USD"))
        # the aging strip: not due, 1-30, 31-60, 61-90, over 90, total due
        self.assertEqual(
            values[6],
            (
                "Not due",
                "1-30 days",
                "31-60 days",
                "61-90 days",
                "Over 90 days",
                "Total due",
            ),
        )
        self.assertEqual(values[7], (1000, 0, 300, 0, 200, 1500))
        header = values[9]
        self.assertEqual(header[0], "Invoice")
        self.assertEqual(header[7], "Amount due")
        lines = {row[0]: row for row in values[10:14]}
        self.assertEqual(
            set(lines),
            {self.inv_a.name, self.inv_b.name, self.inv_c.name, self.inv_d.name},
        )
        inv_b = lines[self.inv_b.name]
        self.assertEqual(inv_b[1], datetime(2026, 2, 1))
        self.assertEqual(inv_b[2], datetime(2026, 3, 1))
        self.assertEqual(inv_b[4], 50)  # days past due
        self.assertEqual(inv_b[6], 500)  # original amount
        self.assertEqual(inv_b[7], 300)  # amount due
        inv_c = lines[self.inv_c.name]
        self.assertEqual((inv_c[7], inv_c[8], inv_c[9]), (200, "EUR", 400))
        self.assertEqual(lines[self.inv_d.name][11], "Yes")  # excluded
        # totals after the lines
        self.assertEqual(values[15][6:8], ("Total due", 1500))
        self.assertEqual(values[16][6:8], ("Total overdue", 500))

    def test_statements_of_several_customers(self):
        """From the list: a summary sheet, then one sheet per customer."""
        partners = self.customer | self.customer2
        action = partners.action_followup_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(
            f"partner_ids={self.customer.id},{self.customer2.id}", action["url"]
        )
        book = workbook(self.env["account.followup.export"]._statement_xlsx(partners))
        self.assertEqual(book.sheetnames, ["Summary", "Customer One", "Customer Two"])
        summary = rows(book["Summary"])
        self.assertEqual(
            summary[5][:4], ("Customer", "Total due", "Total overdue", "Not due")
        )
        self.assertEqual(summary[6], ("Customer One", 1500, 500, 1000, 0, 300, 0, 200))
        self.assertEqual(summary[7], ("Customer Two", 700, 700, 0, 700, 0, 0, 0))
        self.assertEqual(rows(book["Customer Two"])[7], (0, 700, 0, 0, 0, 700))

    def test_sheet_names_are_valid_and_unique(self):
        Export = self.env["account.followup.export"]
        used = set()
        self.assertEqual(Export._sheet_name("A/B: [C]?", used), "A B   C")
        long = "X" * 40
        self.assertEqual(Export._sheet_name(long, used), "X" * 31)
        self.assertEqual(Export._sheet_name(long, used), "X" * 27 + " (2)")
        self.assertEqual(Export._sheet_name("'Quoted'", used), "Quoted")
        self.assertEqual(Export._sheet_name("History", used), "History (2)")

    def test_analysis(self):
        """April 1-20: sales INV-A 1,000 (the others are older); receivables at the
        start (03-31): INV-B 300 + INV-C 200 + INV-D 50 + INV-E 700 = 1,250 (the
        accounting figures count excluded items too); at the end 2,250; not due on
        04-20: INV-A 1,000. DSO = 2,250 / 1,000 x 20 = 45; best possible 20;
        delinquent 25; CEI = (1,250 + 1,000 - 2,250) / (1,250 + 1,000 - 1,000) = 0.
        The reminder of 03-05 (First reminder): INV-B 500 reminded, 200 paid 5 days
        later (within 7 and 30 days) — in March's figures, not April's."""
        Export = self.env["account.followup.export"]
        book = workbook(Export._analysis_xlsx(self.company, "2026-04-01", "2026-04-20"))
        self.assertEqual(book.sheetnames, ["Figures", "Aging", "Levels", "Trend"])
        figures = rows(book["Figures"])
        self.assertEqual(figures[0], ("Collection figures",))
        self.assertEqual(figures[2], ("From", datetime(2026, 4, 1)))
        self.assertEqual(figures[3], ("To", datetime(2026, 4, 20)))
        self.assertEqual(figures[6], ("Figure", "Value", "How it is computed"))
        by_label = {row[0]: row for row in figures[7:]}
        self.assertEqual(by_label["Receivables at the start"][1], 1250)
        self.assertEqual(by_label["Sales"][1], 1000)
        self.assertEqual(by_label["Receivables"][1], 2250)
        self.assertEqual(by_label["Current receivables"][1], 1000)
        self.assertEqual(by_label["Days"][1], 20)
        self.assertAlmostEqual(by_label["DSO (days)"][1], 45)
        self.assertAlmostEqual(by_label["Best possible DSO (days)"][1], 20)
        self.assertAlmostEqual(by_label["Average days delinquent"][1], 25)
        self.assertAlmostEqual(by_label["CEI (%)"][1], 0)
        self.assertIn("Receivables / Sales x Days", by_label["DSO (days)"][2])

        aging = rows(book["Aging"])
        self.assertEqual(aging[3], (1000, 750, 300, 0, 200, 2250))
        by_customer = {row[0]: row[1:] for row in aging[6:]}
        self.assertEqual(by_customer["Customer One"], (1000, 50, 300, 0, 200, 1550))
        self.assertEqual(by_customer["Customer Two"], (0, 700, 0, 0, 0, 700))

        levels = {row[0]: row for row in rows(book["Levels"])[4:]}
        self.assertEqual(levels["First reminder"][1:], (1, 0, 0, 0, 0))

        trend = rows(book["Trend"])
        self.assertEqual(len(trend[3:]), 12)
        self.assertEqual(trend[3][0], datetime(2025, 5, 1))
        self.assertEqual(trend[-1][0], datetime(2026, 4, 1))
        march = trend[-2]
        self.assertEqual(march[0], datetime(2026, 3, 1))
        # March: reminded 500, paid within 30 days 200 (the last two columns)
        self.assertEqual(march[-2:], (500, 200))
        self.assertEqual(trend[-1][1:4], (1250, 1000, 2250))

    def test_only_billing_users_and_auditors_export(self):
        employee = new_test_user(
            self.env, login="xlsx_employee", groups="base.group_user"
        )
        Export = self.env["account.followup.export"].with_user(employee)
        with self.assertRaises(AccessError):
            Export._analysis_xlsx(self.company, "2026-04-01", "2026-04-20")
        with self.assertRaises(AccessError):
            Export._statement_xlsx(self.customer.with_user(employee))
        auditor = new_test_user(
            self.env,
            login="xlsx_auditor",
            groups="base.group_user,account.group_account_readonly",
        )
        content = (
            self.env["account.followup.export"]
            .with_user(auditor)
            ._statement_xlsx(self.customer.with_user(auditor))
        )
        self.assertEqual(rows(workbook(content)["Customer One"])[7][-1], 1500)


@tagged("post_install", "-at_install")
class TestFollowupXlsxDownload(FollowupCommon, HttpCase):
    """The downloads through the addon's routes, as the browser gets them."""

    def test_download_statement_and_analysis(self):
        today = self.company._followup_today()
        self.make_invoice(amount=300, invoice_date=today, due=today)
        self.env.user.company_ids |= self.company
        self.authenticate(self.env.user.login, self.env.user.login)
        response = self.url_open(
            "/account_payment_followup/statement.xlsx"
            f"?partner_ids={self.customer.id}&company_id={self.company.id}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], XLSX)
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertEqual(rows(workbook(response.content)["Customer One"])[7][0], 300)
        start = today.replace(day=1)
        response = self.url_open(
            "/account_payment_followup/analysis.xlsx"
            f"?date_from={start}&date_to={today}&company_id={self.company.id}"
        )
        self.assertEqual(response.status_code, 200)
        figures = rows(workbook(response.content)["Figures"])
        sales = {row[0]: row[1] for row in figures[7:]}["Sales"]
        self.assertEqual(sales, 300)
        # another company's id: not found
        response = self.url_open(
            "/account_payment_followup/statement.xlsx"
            f"?partner_ids={self.customer.id}&company_id=999999"
        )
        self.assertEqual(response.status_code, 404)
