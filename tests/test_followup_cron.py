# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.mail.models.mail_mail import MailMail

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupCron(FollowupCommon):
    """The daily run: automatic partners, automatic levels, per company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.responsible = cls.env["res.users"].create(
            {
                "name": "Credit Controller",
                "login": "cron_cc",
                "email": "cc@example.com",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [
                    Command.set(cls.env.ref("account.group_account_invoice").ids)
                ],
            }
        )
        Partner = cls.env["res.partner"]
        address = {"street": "1 Road", "city": "Mons", "zip": "7000"}
        cls.manual = Partner.create(
            {"name": "Manual customer", "email": "manual@example.com", **address}
        )
        cls.late = Partner.create(
            {"name": "Late customer", "email": "late@example.com", **address}
        )
        cls.no_email = Partner.create(
            {
                "name": "Customer without email",
                "followup_responsible_id": cls.responsible.id,
                **address,
            }
        )

    def run_cron(self, **kwargs):
        calls = []

        def notify(cron, *, done, remaining, deactivate=False):
            calls.append((done, remaining))

        def never_send(mails, *args, **kwargs):
            raise AssertionError("the daily run must queue the emails, not send them")

        with (
            patch.object(type(self.env["ir.cron"]), "_notify_progress", notify),
            patch.object(MailMail, "send", never_send),
        ):
            totals = self.env["res.partner"]._cron_execute_followups(**kwargs)
        return totals, calls

    def level_of(self, invoice):
        return self.receivable_lines(invoice).followup_level_id

    def mails(self, partner):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "account.followup.reminder"),
                ("res_id", "in", self.reminder_ids(partner)),
                ("message_type", "=", "comment"),
            ]
        )

    def test_cron_record(self):
        cron = self.env.ref("account_payment_followup.ir_cron_followup")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertEqual(cron.model_id.model, "res.partner")
        self.assertIn("_cron_execute_followups()", cron.code)

    def test_cron_runs_only_automatic_levels_of_automatic_partners(self):
        with freeze_time("2026-01-01"):
            auto = self.make_invoice()  # level 1 (automatic) on 21 Jan
            manual = self.make_invoice(partner=self.manual)
            late = self.make_invoice(partner=self.late, due="2026-01-05")  # level 15
        self.manual.followup_reminder_type = "manual"
        with freeze_time("2026-01-21"):
            totals, calls = self.run_cron()
            self.assertEqual(totals, {"processed": 1, "failed": 0, "skipped": 0})
            self.assertEqual(calls, [(1, 0)])
            self.assertEqual(self.level_of(auto), self.level(1))
            self.assertEqual(self.mails(self.customer).state, "outgoing")
            self.assertIn(auto.name, self.mails(self.customer).body_html)
            # manual partner and manual level: left for a person to do
            self.assertFalse(self.level_of(manual))
            self.assertFalse(self.mails(self.manual))
            self.assertFalse(self.level_of(late))
            self.assertEqual(self.late.followup_status, "in_need_of_action")
            self.assertEqual(self.late.followup_level_id, self.level(15))
            # a second run the same day does nothing
            totals, _calls = self.run_cron()
            self.assertEqual(totals["processed"], 0)
            self.assertEqual(len(self.mails(self.customer)), 1)
        # an automatic level becomes manual: the cron leaves it alone
        self.level(-3).auto_execute = False
        with freeze_time("2026-02-15"):
            self.make_invoice(invoice_date="2026-02-15", due="2026-02-17")
            totals, _calls = self.run_cron()
            self.assertEqual(totals["processed"], 0)
            # the customer's highest pending level is now 15 (the old invoice),
            # "late" is at 35: both manual
            (self.customer | self.late).invalidate_recordset()
            self.assertEqual(self.customer.followup_level_id, self.level(15))
            self.assertEqual(self.late.followup_level_id, self.level(35))
        # a manual level made automatic is run
        self.level(15).auto_execute = True
        with freeze_time("2026-02-15"):
            totals, _calls = self.run_cron()
            self.assertEqual(totals["processed"], 1)
            self.assertEqual(self.level_of(auto), self.level(15))
            self.assertFalse(self.level_of(late))

    def test_cron_failing_partner_reported_others_go_on(self):
        with freeze_time("2026-01-01"):
            invoices = {
                partner: self.make_invoice(partner=partner)
                for partner in self.customer | self.no_email | self.late
            }
        with freeze_time("2026-01-21"):
            totals, calls = self.run_cron(batch_size=1)
        self.assertEqual(totals, {"processed": 2, "failed": 1, "skipped": 0})
        # progress after each batch
        self.assertEqual(calls, [(1, 2), (2, 1), (3, 0)])
        for partner in self.customer | self.late:
            self.assertEqual(self.level_of(invoices[partner]), self.level(1))
            self.assertEqual(self.mails(partner).state, "outgoing")
        self.assertFalse(self.level_of(invoices[self.no_email]))
        note = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.no_email.id),
                ("body", "ilike", "Follow-up failed"),
                ("message_type", "=", "notification"),
            ]
        )
        self.assertEqual(len(note), 1)
        self.assertIn("no valid email", note.body)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.no_email.id)]
        )
        self.assertEqual(activity.user_id, self.responsible)
        self.assertEqual(activity.summary, "Follow-up failed")

    def test_cron_per_company(self):
        """Each company's partners are run with that company's plan and lines."""
        other = self.setup_other_company(name="Other Co")["company"]
        other_levels = self.env["account.followup.level"].search(
            [("company_id", "=", other.id)]
        )
        other_first = other_levels.filtered(lambda lvl: lvl.delay == 1)
        other_first.name = "Other Co first reminder"
        with freeze_time("2026-01-01"):
            mine = self.make_invoice()
            theirs = (
                self.env["account.move"]
                .with_company(other)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.late.id,
                        "invoice_date": "2026-01-01",
                        "invoice_date_due": "2026-01-20",
                        "invoice_line_ids": [
                            Command.create(
                                {"name": "Work", "price_unit": 100, "tax_ids": []}
                            )
                        ],
                    }
                )
            )
            theirs.action_post()
        with freeze_time("2026-01-21"):
            totals, _calls = self.run_cron()
        self.assertEqual(totals["processed"], 2)
        self.assertEqual(self.level_of(mine), self.level(1))
        self.assertEqual(self.level_of(theirs), other_first)
        self.assertEqual(
            self.late.with_company(other).followup_next_action_date.isoformat(),
            "2026-02-04",
        )
        self.assertFalse(self.late.followup_next_action_date)
        note = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.late.id),
                ("body", "ilike", "Other Co first reminder"),
            ]
        )
        self.assertEqual(len(note), 1)

    def test_cron_out_of_time_reports_what_remains(self):
        """When the time budget is spent the cron says how many partners remain,
        so that Odoo runs it again soon."""
        with freeze_time("2026-01-01"):
            self.make_invoice()
            self.make_invoice(partner=self.late)
        with freeze_time("2026-01-21"):
            totals, calls = self.run_cron(time_budget=-1)
        self.assertEqual(totals["processed"], 0)
        self.assertEqual(calls, [(0, 2)])
        with freeze_time("2026-01-21"):
            totals, calls = self.run_cron()
        self.assertEqual(totals["processed"], 2)
        self.assertEqual(calls, [(2, 0)])

    def test_cron_leaves_the_letters_to_print(self):
        """The first reminder (email + letter) run by the cron leaves its letter to
        print: the customer shows up under "Letters to print", and printing the
        letters from the list clears it; an email-only level leaves no letter."""
        with freeze_time("2026-01-01"):
            self.make_invoice(self.late, due="2026-01-20")
            self.make_invoice(self.customer2, due="2026-01-30")
        with freeze_time("2026-01-21"):
            self.run_cron()
            Partner = self.env["res.partner"]
            to_print = Partner.search([("followup_letter_to_print", "=", True)])
            self.assertEqual(to_print, self.late)
            note = self.env["mail.message"].search(
                [("model", "=", "res.partner"), ("res_id", "=", self.late.id)],
                order="id desc",
                limit=1,
            )
            self.assertIn("letter to print", note.body)
            # the credit controller prints them from the list, in one go
            action = to_print.action_followup_print_letter()
            # (Odoo asks for the document layout first when it is not configured)
            report = action.get("context", {}).get("report_action", action)
            self.assertEqual(
                report["report_name"], "account_payment_followup.report_followup_letter"
            )
            self.assertEqual(report["context"]["active_ids"], self.late.ids)
            # still to print until the PDF exists (the download renders it)
            self.assertEqual(
                Partner.search([("followup_letter_to_print", "=", True)]), self.late
            )
            self.env["ir.actions.report"]._render_qweb_pdf(
                report["report_name"], report["context"]["active_ids"]
            )
            self.assertFalse(
                Partner.search_count([("followup_letter_to_print", "=", True)])
            )

    @freeze_time("2026-01-21")
    def test_print_letters_of_several_customers_from_the_list(self):
        """Actions ▸ Print follow-up letters on several customers: one summary with
        one PDF of all letters; a customer without postal address is reported and
        does not stop the others."""
        self.make_invoice(self.late, invoice_date="2026-01-01", due="2026-01-20")
        self.make_invoice(self.customer2, invoice_date="2026-01-01", due="2026-01-20")
        nowhere = self.env["res.partner"].create({"name": "No address"})
        self.make_invoice(nowhere, invoice_date="2026-01-01", due="2026-01-20")
        partners = self.late | self.customer2 | nowhere
        action = partners.action_followup_print_letter()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(wizard.letter_count, 2)
        self.assertEqual(wizard.failed_count, 1)
        self.assertIn("No address", wizard.failure_html)
        self.assertEqual(wizard.letter_partner_ids, self.late | self.customer2)
        report = wizard.action_print_letters()
        report = report.get("context", {}).get("report_action", report)
        self.assertEqual(
            sorted(report["context"]["active_ids"]), sorted(partners[:2].ids)
        )
