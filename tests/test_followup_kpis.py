# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import FollowupCommon

MARCH = ("2026-03-01", "2026-03-31")


@tagged("post_install", "-at_install")
@freeze_time("2026-04-20")
class TestFollowupKpis(FollowupCommon):
    """The collection figures on a hand-made data set (company currency USD, no
    taxes). Period: March 2026 (31 days); today: 20 April 2026.

    Receivable lines of the main company (date, amount, what matches it):

    ====== ============ ========= ========================================= ========
    item   date         due       matched by                                USD
    ====== ============ ========= ========================================= ========
    INV7   2025-11-01   11-30     nothing                                   +100
    INV6   2025-12-01   12-31     nothing: 1,200 EUR at 2 EUR per USD       +600
    INV3   2026-01-15   01-25     payment P3 -500 on 02-20 (before March)   +500
    INV1   2026-02-10   03-10     payment P1 -400 on 03-20 (partial)        +1,000
    INV4   2026-03-01   03-12     credit note CN1 -300 dated 03-15          +800
    INV2   2026-03-31   04-30     payment P2 -2,000 on 04-10 (after March)  +2,000
    INV5   2026-04-02   05-02     nothing (after March)                     +600
    ====== ============ ========= ========================================= ========

    INV1, INV2, INV5, INV7 are Customer One's; INV3, INV4, INV6 and CN1 Customer
    Two's. Company B has one invoice of 5,000 on 2026-03-10, due 04-09.

    Reminders (level executions unless said otherwise; the lines each covered):

    - R1 First reminder, 03-11, Customer One: INV7 100 + INV1 1,000 open that day
      = 1,100 reminded; P1 (03-20, 9 days later) pays 400 within 30 days, none
      within 7.
    - R2 First reminder, 03-13, Customer Two: INV6 600 + INV4 800 = 1,400; CN1
      (03-15, 2 days later) settles 300 within 7 and 30 days.
    - R3 Call the customer, 03-31 (last day), Customer One: INV7 100 + INV1 600
      (after P1) + INV2 2,000 = 2,700; P2 (04-10) pays 2,000 within 30 days.
    - R4 First reminder, 03-20, Customer One, a single action (partial): not a
      level execution, not counted.
    - R5 on 02-27 and R6 on 04-01: outside March, not counted.
    - RB in company B, 03-15, its invoice: 5,000 reminded, nothing paid.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        self = cls
        cls.eur = cls.setup_other_currency("EUR", rates=[("2025-01-01", 2.0)])
        make = FollowupCommon.make_invoice
        pay = FollowupCommon.pay
        one, two = cls.customer, cls.customer2
        cls.inv7 = make(self, one, 100, "2025-11-01", "2025-11-30")
        cls.inv6 = make(self, two, 1200, "2025-12-01", "2025-12-31", currency=cls.eur)
        cls.inv3 = make(self, two, 500, "2026-01-15", "2026-01-25")
        pay(self, cls.inv3, 500, date(2026, 2, 20))
        cls.inv1 = make(self, one, 1000, "2026-02-10", "2026-03-10")
        pay(self, cls.inv1, 400, date(2026, 3, 20))
        cls.inv4 = make(self, two, 800, "2026-03-01", "2026-03-12")
        cls.cn1 = make(
            self, two, 300, "2026-03-15", "2026-03-15", move_type="out_refund"
        )
        (
            FollowupCommon.receivable_lines(self, cls.inv4)
            + FollowupCommon.receivable_lines(self, cls.cn1)
        ).reconcile()
        cls.inv2 = make(self, one, 2000, "2026-03-31", "2026-04-30")
        pay(self, cls.inv2, 2000, date(2026, 4, 10))
        cls.inv5 = make(self, one, 600, "2026-04-02", "2026-05-02")

        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.inv_b = (
            cls.env["account.move"]
            .with_company(cls.company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": one.id,
                    "invoice_date": "2026-03-10",
                    "invoice_date_due": "2026-04-09",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Consulting",
                                "quantity": 1,
                                "price_unit": 5000,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        cls.inv_b.action_post()

        first, call = cls.level(1), cls.level(15)
        cls.level_b = cls.env["account.followup.level"].search(
            [("company_id", "=", cls.company_b.id), ("delay", "=", 1)]
        )

        def lines(*moves):
            return [
                Command.set(
                    sum(
                        (FollowupCommon.receivable_lines(self, m) for m in moves),
                        cls.env["account.move.line"],
                    ).ids
                )
            ]

        Reminder = cls.env["account.followup.reminder"].sudo()
        values = [
            (one, first, "2026-03-11", False, lines(cls.inv7, cls.inv1)),
            (two, first, "2026-03-13", False, lines(cls.inv6, cls.inv4)),
            (one, call, "2026-03-31", False, lines(cls.inv7, cls.inv1, cls.inv2)),
            (one, first, "2026-03-20", True, lines(cls.inv1)),
            (two, first, "2026-02-27", False, lines(cls.inv6)),
            (one, call, "2026-04-01", False, lines(cls.inv1)),
        ]
        cls.reminders = Reminder.create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "level_id": level.id,
                    "date": day,
                    "partial": partial,
                    "line_ids": line_ids,
                    "channel_email": True,
                    "channel_letter": level == first,
                }
                for partner, level, day, partial, line_ids in values
            ]
        )
        cls.reminder_b = Reminder.create(
            {
                "partner_id": one.id,
                "company_id": cls.company_b.id,
                "level_id": cls.level_b.id,
                "date": "2026-03-15",
                "line_ids": lines(cls.inv_b),
                "channel_email": True,
            }
        )

    def kpis(self, period=MARCH, company=None):
        return (company or self.company)._followup_kpis(*period)

    # ------------------------------------------------------------------
    # The figures
    # ------------------------------------------------------------------

    def test_figures_of_march(self):
        """March, by hand:

        - receivables at the start (dated up to 02-28): INV7 100 + INV6 600 + INV3
          500 - P3 500 + INV1 1,000 = 1,700;
        - sales (invoices - credit notes dated in March): INV4 800 + INV2 2,000 -
          CN1 300 = 2,500 (INV5 is April's; company B's invoice is not ours);
        - receivables (dated up to 03-31): 1,700 + 800 - 300 - P1 400 + 2,000 =
          3,800 (P2 of 04-10 is not deducted);
        - aging on 03-31 (days past due): INV2 2,000 due 04-30 not due; INV1 600
          (21 days) + INV4 500 (19 days) = 1,100 in 1-30; INV6 600 due 12-31 is
          90 days past due: 61-90; INV7 due 11-30, 121 days: 100 over 90. Total
          3,800 = the receivables;
        - days 31; DSO = 3,800 / 2,500 x 31 = 47.12; best possible DSO = current
          receivables 2,000 / 2,500 x 31 = 24.8; average days delinquent = 47.12 -
          24.8 = 22.32;
        - CEI = (1,700 + 2,500 - 3,800) / (1,700 + 2,500 - 2,000) x 100 = 400 /
          2,200 x 100 = 18.18;
        - by level (R1..R3, see the class): First reminder 1,100 + 1,400 = 2,500
          reminded, 400 + 300 = 700 paid within 30 days; Call the customer 2,700
          reminded, 2,000 paid within 30 days; the other levels 0.
        """
        kpis = self.kpis()
        self.assertEqual(
            set(kpis),
            {
                "receivables",
                "sales",
                "days",
                "dso",
                "best_possible_dso",
                "average_days_delinquent",
                "cei",
                "aging",
                "by_level",
            },
        )
        self.assertAlmostEqual(kpis["receivables"], 3800)
        self.assertAlmostEqual(kpis["sales"], 2500)
        self.assertEqual(kpis["days"], 31)
        self.assertAlmostEqual(kpis["dso"], 47.12)
        self.assertAlmostEqual(kpis["best_possible_dso"], 24.8)
        self.assertAlmostEqual(kpis["average_days_delinquent"], 22.32)
        self.assertAlmostEqual(kpis["cei"], 400 / 2200 * 100)
        self.assertEqual(
            kpis["aging"],
            {"current": 2000, "1_30": 1100, "31_60": 0, "61_90": 600, "90_plus": 100},
        )
        self.assertAlmostEqual(sum(kpis["aging"].values()), kpis["receivables"])
        by_level = kpis["by_level"]
        self.assertEqual(
            by_level[self.level(1).id], {"reminded": 2500, "paid_within_30": 700}
        )
        self.assertEqual(
            by_level[self.level(15).id], {"reminded": 2700, "paid_within_30": 2000}
        )
        for delay in (-3, 35, 60):
            self.assertEqual(
                by_level[self.level(delay).id], {"reminded": 0, "paid_within_30": 0}
            )

    def test_period_boundaries(self):
        """The first and last days belong to the period.

        31 March alone: sales = INV2 2,000 (dated that day); receivables at the
        start = those of 03-30 = 3,800 - 2,000 = 1,800; receivables 3,800; current
        2,000 (INV2); DSO = 3,800 / 2,000 x 1 = 1.9; best = 2,000 / 2,000 x 1 = 1;
        CEI = (1,800 + 2,000 - 3,800) / (1,800 + 2,000 - 2,000) = 0 / 1,800 = 0.
        R3 of that day is its only level execution.

        1 March alone: sales = INV4 800; start 1,700; receivables 2,500; not yet
        due on 03-01: INV1 1,000 (due 03-10) + INV4 800 (due 03-12) = 1,800; DSO =
        2,500 / 800 = 3.125; best = 1,800 / 800 = 2.25; CEI = 0 / 700 = 0.
        """
        last = self.kpis(("2026-03-31", "2026-03-31"))
        self.assertEqual(last["days"], 1)
        self.assertAlmostEqual(last["sales"], 2000)
        self.assertAlmostEqual(last["receivables"], 3800)
        self.assertAlmostEqual(last["dso"], 1.9)
        self.assertAlmostEqual(last["best_possible_dso"], 1.0)
        self.assertAlmostEqual(last["average_days_delinquent"], 0.9)
        self.assertAlmostEqual(last["cei"], 0.0)
        self.assertEqual(last["by_level"][self.level(15).id]["reminded"], 2700)
        self.assertEqual(last["by_level"][self.level(1).id]["reminded"], 0)

        first = self.kpis(("2026-03-01", "2026-03-01"))
        self.assertAlmostEqual(first["sales"], 800)
        self.assertAlmostEqual(first["receivables"], 2500)
        self.assertAlmostEqual(first["aging"]["current"], 1800)
        self.assertAlmostEqual(first["dso"], 3.125)
        self.assertAlmostEqual(first["best_possible_dso"], 2.25)
        self.assertAlmostEqual(first["cei"], 0.0)

        # the day before the period is the start's: February ends at 1,700
        february = self.kpis(("2026-02-01", "2026-02-28"))
        self.assertAlmostEqual(february["receivables"], 1700)
        # R5 of 02-27 is February's: INV6 600 reminded, nothing paid since
        self.assertEqual(
            february["by_level"][self.level(1).id],
            {"reminded": 600, "paid_within_30": 0},
        )

    def test_payment_after_the_period_changes_nothing(self):
        """Paying INV1's last 600 on 04-15 leaves March's receivables, aging, DSO
        and CEI as they were (the reconciliation is dated after 03-31); in April
        INV1 is paid. The effect of a reminder is counted over its 30 days, even
        beyond the period: 04-15 is within 30 days of R3 (03-31), whose paid
        within 30 days becomes 2,000 + 600 = 2,600."""
        before = self.kpis()
        self.pay(self.inv1, 600, date(2026, 4, 15))
        after = self.kpis()
        for key in (
            "receivables",
            "sales",
            "dso",
            "best_possible_dso",
            "average_days_delinquent",
            "cei",
            "aging",
        ):
            self.assertEqual(after[key], before[key], key)
        self.assertEqual(
            after["by_level"][self.level(15).id],
            {"reminded": 2700, "paid_within_30": 2600},
        )
        # today's aging no longer holds INV1
        today = self.env["account.followup.analysis"]._aging(
            partner_ids=self.customer.ids
        )[self.customer.id]
        self.assertEqual(today["31_60"], 0)

    def test_credit_note_and_partial_payment(self):
        """INV4 800 less CN1 300 leaves 500 open; INV1 1,000 less P1 400 leaves
        600 open: both in the 1-30 bucket on 03-31, each at its open amount."""
        aging = self.env["account.followup.analysis"]._aging(
            partner_ids=(self.customer | self.customer2).ids, date="2026-03-31"
        )
        self.assertEqual(aging[self.customer2.id]["1_30"], 500)
        self.assertEqual(aging[self.customer.id]["1_30"], 600)
        # on 03-14, before the credit note, INV4 was open for 800 (2 days late)
        before = self.env["account.followup.analysis"]._aging(
            partner_ids=self.customer2.ids, date="2026-03-14"
        )[self.customer2.id]
        self.assertEqual(before["1_30"], 800)

    def test_foreign_currency_in_company_currency(self):
        """INV6 is 1,200 EUR at 2 EUR per USD: 600 in every figure."""
        line = self.receivable_lines(self.inv6)
        self.assertEqual(line.amount_currency, 1200)
        self.assertEqual(line.balance, 600)
        aging = self.env["account.followup.analysis"]._aging(
            partner_ids=self.customer2.ids, date="2026-03-31"
        )[self.customer2.id]
        self.assertEqual(aging["61_90"], 600)
        self.assertEqual(aging["total"], 1100)

    def test_two_companies(self):
        """Company B: nothing before March, its invoice of 5,000 dated 03-10 and
        due 04-09. Receivables = sales = current = 5,000; DSO = 5,000 / 5,000 x 31
        = 31 = best possible DSO; average days delinquent 0; CEI = (0 + 5,000 -
        5,000) / (0 + 5,000 - 5,000): nothing could be collected, 0 by
        convention. RB reminded 5,000, nothing paid. The main company's figures
        hold nothing of B (see test_figures_of_march)."""
        kpis = self.kpis(company=self.company_b)
        self.assertAlmostEqual(kpis["receivables"], 5000)
        self.assertAlmostEqual(kpis["sales"], 5000)
        self.assertAlmostEqual(kpis["dso"], 31)
        self.assertAlmostEqual(kpis["best_possible_dso"], 31)
        self.assertAlmostEqual(kpis["average_days_delinquent"], 0)
        self.assertEqual(kpis["cei"], 0.0)
        self.assertEqual(kpis["aging"]["current"], 5000)
        self.assertEqual(
            kpis["by_level"][self.level_b.id], {"reminded": 5000, "paid_within_30": 0}
        )
        self.assertNotIn(self.level_b.id, self.kpis()["by_level"])
        self.assertNotIn(self.level(1).id, kpis["by_level"])

    def test_empty_period_and_wrong_period(self):
        """June 2025: nothing dated yet, every ratio's denominator is 0: all 0."""
        kpis = self.kpis(("2025-06-01", "2025-06-30"))
        self.assertEqual(kpis["days"], 30)
        for key in ("receivables", "sales", "dso", "best_possible_dso", "cei"):
            self.assertEqual(kpis[key], 0.0, key)
        with self.assertRaises(UserError):
            self.kpis(("2026-03-31", "2026-03-01"))

    # ------------------------------------------------------------------
    # The aging, shared with the statement and the list
    # ------------------------------------------------------------------

    def test_statement_aging_today(self):
        """Today (04-20), counted lines: Customer One owes INV5 600 (not due), INV1
        600 (41 days: 31-60), INV7 100 (141 days: over 90); INV2 was paid on
        04-10. Customer Two owes INV4 500 (39 days) and INV6 600 (110 days).
        Excluding INV7 from follow-ups takes it off the statement's strip, not off
        the accounting aging."""
        one, two = self.customer, self.customer2
        self.assertEqual(
            (
                one.followup_aging_current,
                one.followup_aging_1_30,
                one.followup_aging_31_60,
                one.followup_aging_61_90,
                one.followup_aging_90_plus,
            ),
            (600, 0, 600, 0, 100),
        )
        self.assertEqual(
            (two.followup_aging_31_60, two.followup_aging_90_plus), (500, 600)
        )
        self.assertEqual(
            sum(one[f"followup_aging_{b}"] for b in ("current", "31_60", "90_plus")),
            one.followup_total_due,
        )
        self.receivable_lines(self.inv7).followup_excluded = True
        one.invalidate_recordset()
        self.assertEqual(one.followup_aging_90_plus, 0)
        Analysis = self.env["account.followup.analysis"]
        self.assertEqual(Analysis._aging(partner_ids=one.ids)[one.id]["90_plus"], 100)
        # the Follow-up Reports list sorts and sums by the buckets (SQL)
        groups = self.env["res.partner"].read_group(
            [("id", "in", (one | two).ids)],
            ["followup_aging_31_60:sum"],
            [],
        )
        self.assertEqual(groups[0]["followup_aging_31_60"], 1100)
        ordered = self.env["res.partner"].search(
            [("id", "in", (one | two).ids)], order="followup_aging_90_plus desc"
        )
        self.assertEqual(ordered[0], two)

    def test_statement_and_list_show_the_aging(self):
        Partner = self.env["res.partner"]
        form = Partner.get_views(
            [
                (
                    self.env.ref(
                        "account_payment_followup.res_partner_view_form_followup"
                    ).id,
                    "form",
                )
            ]
        )["views"]["form"]["arch"]
        for bucket in ("current", "1_30", "31_60", "61_90", "90_plus"):
            self.assertIn(f'name="followup_aging_{bucket}"', form)
        self.assertIn('name="action_followup_export_xlsx"', form)
        listing = Partner.get_views(
            [
                (
                    self.env.ref(
                        "account_payment_followup.res_partner_view_list_followup"
                    ).id,
                    "list",
                )
            ]
        )["views"]["list"]["arch"]
        self.assertIn('name="followup_aging_90_plus"', listing)
        export = self.env.ref(
            "account_payment_followup.action_server_followup_export_xlsx"
        )
        self.assertEqual(export.binding_model_id.model, "res.partner")

    def test_aging_is_one_query_for_any_number_of_partners(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {i}"} for i in range(20)]
        )
        counts = []
        for records in (partners[:2], partners):
            records.invalidate_recordset()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            records.mapped("followup_aging_current")
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])

    def test_aging_report_by_customer(self):
        """The Aging by customer pivot on 03-31 gives the same buckets."""
        Aging = self.env["account.followup.aging"].with_context(
            followup_aging_date="2026-03-31"
        )
        groups = Aging._read_group(
            [("company_id", "=", self.company.id)],
            ["partner_id", "bucket"],
            ["residual:sum"],
        )
        got = {(partner, bucket): amount for partner, bucket, amount in groups}
        self.assertEqual(got[(self.customer, "0_current")], 2000)
        self.assertEqual(got[(self.customer, "1_30")], 600)
        self.assertEqual(got[(self.customer, "90_plus")], 100)
        self.assertEqual(got[(self.customer2, "1_30")], 500)
        self.assertEqual(got[(self.customer2, "61_90")], 600)
        self.assertEqual(sum(got.values()), 3800)
        # today, from today's open amounts: INV5 is there, INV2 is paid
        today = self.env["account.followup.aging"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(
            sorted(
                today.filtered(lambda r: r.company_id == self.company).mapped(
                    "residual"
                )
            ),
            [100.0, 600.0, 600.0],
        )
        # the companies the user works in, each in its own currency and today
        self.assertEqual(
            today.filtered(lambda r: r.company_id == self.company_b).residual, 5000
        )
        only_main = today.with_context(allowed_company_ids=self.company.ids).search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(only_main.company_id, self.company)

    # ------------------------------------------------------------------
    # The effect of the reminders
    # ------------------------------------------------------------------

    def test_reminder_effect_analysis(self):
        """One row per reminder: R1 1,100 reminded, 0 within 7 days, 400 within
        30; R2 1,400, 300, 300; R3 2,700, 0 (P2 is 10 days later), 2,000."""
        Analysis = self.env["account.followup.reminder.analysis"]
        rows = {
            row.reminder_id: (row.reminded, row.paid_7, row.paid_30)
            for row in Analysis.search([("reminder_id", "in", self.reminders[:3].ids)])
        }
        r1, r2, r3 = self.reminders[:3]
        self.assertEqual(rows[r1], (1100, 0, 400))
        self.assertEqual(rows[r2], (1400, 300, 300))
        self.assertEqual(rows[r3], (2700, 0, 2000))
        row = Analysis.search([("reminder_id", "=", r1.id)])
        self.assertEqual(row.channels, "Email + Letter")
        self.assertEqual(row.unpaid_30, 700)
        # by level, the level executions of March: what by_level says
        groups = Analysis._read_group(
            [
                ("partial", "=", False),
                ("date", ">=", MARCH[0]),
                ("date", "<=", MARCH[1]),
                ("company_id", "=", self.company.id),
            ],
            ["level_id"],
            ["reminded:sum", "paid_30:sum"],
        )
        self.assertEqual(
            {level: (reminded, paid) for level, reminded, paid in groups},
            {self.level(1): (2500, 700), self.level(15): (2700, 2000)},
        )

    # ------------------------------------------------------------------
    # The trend and the analysis form
    # ------------------------------------------------------------------

    def test_trend_matches_the_monthly_figures(self):
        Analysis = self.env["account.followup.analysis"]
        months = Analysis._last_months(date(2026, 4, 20), 12)
        self.assertEqual(months[0], (date(2025, 5, 1), date(2025, 5, 31)))
        self.assertEqual(months[-1], (date(2026, 4, 1), date(2026, 4, 30)))
        series = Analysis._kpis_series(self.company, months)
        for (start, end), figures in zip(months, series, strict=True):
            single = self.company._followup_kpis(start, end)
            for key in ("receivables", "sales", "dso", "best_possible_dso", "cei"):
                self.assertAlmostEqual(figures[key], single[key], msg=f"{start} {key}")
        action = self.env["account.followup.kpi.month"].action_open_trend(
            date(2026, 4, 20)
        )
        months = self.env["account.followup.kpi.month"].search(action["domain"])
        self.assertEqual(len(months), 12)
        march = months.filtered(lambda m: m.month == date(2026, 3, 1))
        self.assertAlmostEqual(march.dso, 47.12)
        self.assertAlmostEqual(march.reminded, 2500 + 2700)
        self.assertEqual(months[-1].date_to, date(2026, 4, 20))
        # from the menu: the 12 months before the current one
        action = self.env["account.followup.kpi.month"].action_open_trend()
        months = self.env["account.followup.kpi.month"].search(action["domain"])
        self.assertEqual(
            (months[0].month, months[-1].date_to), (date(2025, 4, 1), date(2026, 3, 31))
        )
        self.assertAlmostEqual(months[-1].dso, 47.12)

    def test_analysis_form(self):
        """Last month is March: the form shows March's figures."""
        form = Form(self.env["account.followup.analysis.wizard"])
        self.assertEqual(form.date_from, date(2026, 4, 1))
        self.assertEqual(form.date_to, date(2026, 4, 20))
        form.period = "last_month"
        self.assertEqual(
            (form.date_from, form.date_to), (date(2026, 3, 1), date(2026, 3, 31))
        )
        self.assertAlmostEqual(form.dso, 47.12)
        self.assertAlmostEqual(form.best_possible_dso, 24.8)
        self.assertAlmostEqual(form.cei, 18.18)  # 400 / 2,200, rounded to 2 digits
        self.assertEqual(form.receivables_start, 1700)
        self.assertEqual(form.collected, 400)
        self.assertEqual(form.aging_61_90, 600)
        self.assertEqual(form.aging_total, 3800)
        self.assertIn("First reminder", form.level_table)
        wizard = form.save()
        aging = wizard.action_open_aging()
        self.assertEqual(aging["context"]["followup_aging_date"], "2026-03-31")
        reminders = wizard.action_open_reminders()
        self.assertIn(("date", ">=", "2026-03-01"), reminders["domain"])
        # every figure explains its formula
        Wizard = self.env["account.followup.analysis.wizard"]
        for fname in ("dso", "best_possible_dso", "average_days_delinquent", "cei"):
            self.assertTrue(Wizard._fields[fname].help, fname)

    def test_menus_and_access(self):
        menu = self.env.ref("account_payment_followup.menu_account_followup_analysis")
        self.assertEqual(menu.parent_id, self.env.ref("account.menu_finance_reports"))
        self.assertEqual(len(menu.child_id), 4)
        auditor = new_test_user(
            self.env,
            login="kpi_auditor",
            groups="base.group_user,account.group_account_readonly",
            company_ids=[Command.set(self.company.ids)],
        )
        wizard = (
            self.env["account.followup.analysis.wizard"]
            .with_user(auditor)
            .create({"period": "last_month"})
        )
        self.assertAlmostEqual(wizard.dso, 47.12)
        employee = new_test_user(
            self.env, login="kpi_employee", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.env["account.followup.analysis.wizard"].with_user(employee).create({})
        with self.assertRaises(AccessError):
            self.env["account.followup.aging"].with_user(employee).search([])
