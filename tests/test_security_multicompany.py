# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One company's follow-ups are invisible from another, and each
company is followed up with its own plan."""

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestSecurityMultiCompany(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data_2 = cls.setup_other_company(name="Company B")
        cls.company_b = cls.company_data_2["company"]
        cls.company_b.email = "credit@company-b.example"
        cls.company_b.partner_id.tz = "UTC"
        cls.levels_b = cls.env["account.followup.level"].search(
            [("company_id", "=", cls.company_b.id)], order="delay"
        )
        cls.user_a = new_test_user(
            cls.env,
            login="fu_user_a",
            groups="base.group_user,base.group_partner_manager,"
            "account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )

    def setUp(self):
        super().setUp()
        with freeze_time("2026-01-10"):
            self.invoice_a = self.make_invoice(amount=100, due="2026-01-28")
            self.invoice_b = (
                self.env["account.move"]
                .with_company(self.company_b)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.customer.id,
                        "invoice_date": "2026-01-01",
                        "invoice_date_due": "2026-01-20",
                        "invoice_line_ids": [
                            (0, 0, {"name": "B work", "price_unit": 700, "tax_ids": []})
                        ],
                    }
                )
            )
            self.invoice_b.action_post()

    def as_a(self, records):
        return records.with_user(self.user_a).with_context(
            allowed_company_ids=self.company.ids
        )

    def test_one_status_per_company(self):
        with freeze_time("2026-01-21"):
            in_a = self.customer.with_company(self.company)
            in_b = self.customer.with_company(self.company_b)
            self.assertEqual(in_a.followup_status, "no_action_needed")
            self.assertEqual(in_a.followup_total_due, 100)
            self.assertEqual(in_b.followup_status, "in_need_of_action")
            self.assertEqual(in_b.followup_total_due, 700)
            self.assertEqual(in_b.followup_level_id.company_id, self.company_b)

    def test_user_of_a_sees_nothing_of_b(self):
        with freeze_time("2026-01-21"):
            self.customer.with_company(self.company_b).with_context(
                allowed_company_ids=self.company_b.ids
            ).action_followup_process()
            partner = self.as_a(self.customer)
            self.assertEqual(
                self.as_a(self.env["account.followup.level"]).search([]).company_id,
                self.company,
            )
            with self.assertRaises(AccessError):
                self.as_a(self.levels_b[:1]).read(["name"])
            self.assertEqual(partner.followup_total_due, 100)
            self.assertEqual(partner.followup_line_ids.move_id, self.invoice_a)
            found = self.as_a(self.env["res.partner"]).search(
                [("followup_status", "=", "in_need_of_action")]
            )
            self.assertNotIn(self.customer, found, "B's status is not A's")
            # B's invoice and its follow-up note are out of reach
            with self.assertRaises(AccessError):
                self.as_a(self.invoice_b).read(["name"])
            # the letter printed from A shows A's lines only
            report = (
                self.env.ref(
                    "account_payment_followup.res_partner_action_report_followup_letter"
                )
                .with_user(self.user_a)
                .with_context(allowed_company_ids=self.company.ids)
            )
            html = report._render_qweb_html(report.report_name, self.customer.ids)[
                0
            ].decode()
            self.assertIn("100.00", html)
            self.assertNotIn("700.00", html)
            with self.assertRaises(AccessError):
                self.customer.with_user(self.user_a).with_context(
                    allowed_company_ids=self.company_b.ids
                ).read(["followup_status"])

    def test_cron_runs_each_company_with_its_plan_and_sender(self):
        # B's first reminder: its own template
        template_b = self.level(1).mail_template_id.copy(
            {"subject": "Company B reminder", "email_from": "credit@company-b.example"}
        )
        level_b = self.levels_b.filtered(lambda lvl: lvl.delay == 1)
        level_b.mail_template_id = template_b
        with freeze_time("2026-01-25"):
            totals = self.env["res.partner"]._cron_execute_followups(auto_commit=False)
        self.assertEqual(totals["processed"], 2, "once per company")
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "account.followup.reminder"),
                ("res_id", "in", self.reminder_ids(self.customer)),
                ("message_type", "=", "comment"),
                ("subtype_id.internal", "=", False),
            ]
        )
        self.assertEqual(len(messages), 2)
        by_subject = {message.subject: message for message in messages}
        message_b = by_subject["Company B reminder"]
        self.assertIn("company-b.example", message_b.email_from)
        self.assertIn("700.00", message_b.body)
        self.assertNotIn("100.00", message_b.body)
        message_a = (messages - message_b)[0]
        self.assertIn("100.00", message_a.body)
        self.assertNotIn("700.00", message_a.body)
        self.assertEqual(
            self.receivable_lines(self.invoice_b).followup_level_id, level_b
        )
        self.assertEqual(
            self.receivable_lines(self.invoice_a).followup_level_id, self.level(-3)
        )
