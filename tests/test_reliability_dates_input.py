# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Dates (the company's today, boundaries, leap days, levels edited while in use)
and bad input (no due date, odd residuals, contacts, archived partners)."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestReliabilityDates(FollowupCommon):
    def test_today_is_the_company_day_not_the_user_day(self):
        """Due on the 20th. At 23:30 UTC on the 20th it is already the 21st in
        Brisbane (UTC+10) but still the 20th in Bogotá (UTC-5); the user's own zone
        changes nothing."""
        with freeze_time("2026-01-10"):
            self.make_invoice(due="2026-01-20")
        cases = [
            ("Australia/Brisbane", "America/Bogota", "2026-01-20 23:30:00", 21),
            ("Australia/Brisbane", "America/Bogota", "2026-01-20 00:30:00", 20),
            ("America/Bogota", "Australia/Brisbane", "2026-01-20 23:30:00", 20),
            ("America/Bogota", "Australia/Brisbane", "2026-01-21 00:30:00", 20),
        ]
        for company_tz, user_tz, moment, day in cases:
            with self.subTest(company=company_tz, moment=moment):
                self.company.partner_id.tz = company_tz
                self.env.user.tz = user_tz
                with freeze_time(moment):
                    self.assertEqual(self.company._followup_today(), date(2026, 1, day))
                    status, level = self.status()
                    if day == 20:
                        # due today is not overdue: only the friendly reminder
                        self.assertEqual(level, self.level(-3))
                        self.assertEqual(self.customer.followup_total_overdue, 0)
                    else:
                        self.assertEqual(level, self.level(1))
                        self.assertEqual(self.customer.followup_total_overdue, 1000)

    def test_today_without_company_time_zone(self):
        """A company whose contact has no time zone counts in its country's main
        zone (Belgium: Brussels, UTC+1 in January), else in UTC, never in the zone of
        whoever is looking (here Bogotá, UTC-5)."""
        self.company.partner_id.tz = False
        self.company.country_id = self.env.ref("base.be")
        self.env.user.tz = "America/Bogota"
        with freeze_time("2026-01-20 23:30:00"):
            self.assertEqual(self.company._followup_today(), date(2026, 1, 21))
            self.company.country_id = False
            self.assertEqual(self.company._followup_today(), date(2026, 1, 20))

    def test_boundaries_at_exactly_n_days(self):
        with freeze_time("2026-01-10"):
            self.make_invoice(due="2026-01-20")
        expected = {
            "2026-01-16": False,
            "2026-01-17": -3,
            "2026-01-20": -3,
            "2026-01-21": 1,
            "2026-02-03": 1,
            "2026-02-04": 15,
        }
        for day, delay in expected.items():
            with self.subTest(day=day), freeze_time(day):
                level = self.status()[1]
                self.assertEqual(
                    level, self.level(delay) if delay is not False else level.browse()
                )

    def test_29_february(self):
        with freeze_time("2028-02-01"):
            invoice = self.make_invoice(invoice_date="2028-02-01", due="2028-02-29")
        with freeze_time("2028-02-26"):
            self.assertEqual(self.status(), ("in_need_of_action", self.level(-3)))
        with freeze_time("2028-02-29"):
            self.assertEqual(self.customer.with_context(a=1).followup_total_overdue, 0)
        with freeze_time("2028-03-01"):
            self.assertEqual(self.status(), ("in_need_of_action", self.level(1)))
            self.customer.action_followup_process()
            self.assertEqual(
                self.receivable_lines(invoice).followup_date, date(2028, 3, 1)
            )

    def test_level_edited_archived_or_deleted_while_referenced(self):
        with freeze_time("2026-01-10"):
            invoice = self.make_invoice(due="2026-01-20")
        with freeze_time("2026-01-21"):
            self.customer.action_followup_process()
        line = self.receivable_lines(invoice)
        first = self.level(1)
        self.assertEqual(line.followup_level_id, self.level(1))
        with freeze_time("2026-01-22"):
            # edited: moved later, the line keeps its stamp, nothing is resent
            first.delay = 2
            self.assertNotEqual(self.status()[0], "in_need_of_action")
            # archived: the memory of what was sent stays, no resend either
            first.active = False
            self.assertNotEqual(self.status()[0], "in_need_of_action")
            self.assertEqual(line.followup_level_id, first)
            # deleted: refused with a clear message
            with self.assertRaisesRegex(UserError, "Archive it instead"):
                first.unlink()


@tagged("post_install", "-at_install")
class TestReliabilityBadInput(FollowupCommon):
    def test_line_without_due_date_uses_the_invoice_date(self):
        with freeze_time("2026-01-10"):
            invoice = self.make_invoice(invoice_date="2026-01-10", due=None)
        line = self.receivable_lines(invoice)
        self.assertEqual(
            line.followup_reference_date, line.date_maturity or date(2026, 1, 10)
        )
        with freeze_time("2026-01-12"):
            self.assertEqual(self.status(), ("in_need_of_action", self.level(1)))

    def test_credit_alone_is_never_reminded(self):
        with freeze_time("2026-01-25"):
            self.make_invoice(move_type="out_refund", due="2026-01-01")
            self.assertEqual(self.status()[0], "no_action_needed")
            self.assertLess(self.customer.followup_total_due, 0)
            with self.assertRaisesRegex(UserError, "owes nothing"):
                self.customer.action_followup_send_email()

    def test_receivable_line_without_partner_is_ignored(self):
        data = self.company_data
        with freeze_time("2026-01-25"):
            move = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "date": "2026-01-01",
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": data["default_account_receivable"].id,
                                "debit": 50.0,
                                "date_maturity": "2026-01-01",
                            }
                        ),
                        Command.create(
                            {
                                "account_id": data["default_account_revenue"].id,
                                "credit": 50.0,
                            }
                        ),
                    ],
                }
            )
            move.action_post()
            totals = self.env["res.partner"]._cron_execute_followups(auto_commit=False)
            self.assertEqual(totals, {"processed": 0, "failed": 0, "skipped": 0})

    def test_archived_partner_is_left_alone_by_the_cron(self):
        with freeze_time("2026-01-10"):
            self.make_invoice(due="2026-01-20")
        self.customer.active = False
        with freeze_time("2026-01-25"):
            totals = self.env["res.partner"]._cron_execute_followups(auto_commit=False)
            self.assertEqual(totals["processed"], 0)
            # and a user opening it gets its status without error
            self.assertEqual(self.status()[0], "in_need_of_action")

    def test_contact_invoice_address_and_commercial_partner(self):
        company = self.env["res.partner"].create(
            {"name": "ACME", "is_company": True, "email": "main@acme.example"}
        )
        buyer = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": company.id, "email": "buyer@acme.example"}
        )
        accounts = self.env["res.partner"].create(
            {
                "name": "Accounts payable",
                "parent_id": company.id,
                "type": "invoice",
                "email": "ap@acme.example",
                "street": "1 Invoice Road",
                "city": "Namur",
            }
        )
        with freeze_time("2026-01-10"):
            self.make_invoice(partner=buyer, amount=100, due="2026-01-20")
            self.make_invoice(partner=company, amount=200, due="2026-01-20")
        with freeze_time("2026-01-25"):
            self.assertEqual(self.status(buyer), self.status(company))
            self.assertEqual(company.followup_total_due, 300)
            company.action_followup_process()
            message = self.env["mail.message"].search(
                [
                    ("model", "=", "account.followup.reminder"),
                    ("res_id", "in", self.reminder_ids(company)),
                    ("message_type", "=", "comment"),
                    ("subtype_id.internal", "=", False),
                ]
            )
            self.assertEqual(len(message), 1, "one reminder for the whole company")
            self.assertEqual(message.partner_ids, accounts)

    def test_partner_without_language(self):
        self.customer.lang = False
        with freeze_time("2026-01-10"):
            self.make_invoice(due="2026-01-20")
        with freeze_time("2026-01-25"):
            self.customer.action_followup_process()
        self.assertTrue(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "account.followup.reminder"),
                    ("res_id", "in", self.reminder_ids(self.customer)),
                    ("subject", "!=", False),
                ]
            )
        )

    def test_statement_of_500_lines_and_mixed_currencies(self):
        other = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        data = self.company_data
        with freeze_time("2026-01-10"):
            move = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "date": "2026-01-01",
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": data["default_account_receivable"].id,
                                "partner_id": self.customer.id,
                                "debit": 1.0,
                                "date_maturity": "2026-01-05",
                            }
                        )
                        for _index in range(500)
                    ]
                    + [
                        Command.create(
                            {
                                "account_id": data["default_account_revenue"].id,
                                "credit": 500.0,
                            }
                        )
                    ],
                }
            )
            move.action_post()
            self.make_invoice(amount=100, due="2026-01-05", currency=other)
        with freeze_time("2026-01-10"):
            self.assertEqual(self.customer.followup_total_due, 550)
            html = self.customer._followup_render_statement()
            self.assertEqual(str(html).count("o_followup_overdue"), 501)
            self.customer.action_followup_process()
        self.assertEqual(
            len(self.customer.followup_line_ids.filtered("followup_level_id")), 501
        )
