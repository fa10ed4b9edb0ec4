# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""No reminder twice, none to a payer: duplicates, retries and stale data (what is
not guaranteed is in readme/ROADMAP.md)."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FollowupCommon


class ReliabilityMixin:
    """Counting what customers actually received."""

    def emails(self, partner=None):
        """Reminder emails posted on the partner (one message per email)."""
        partner = partner or self.customer
        return self.env["mail.message"].search(
            [
                ("model", "=", "account.followup.reminder"),
                ("res_id", "in", self.reminder_ids(partner)),
                ("message_type", "=", "comment"),
                ("subtype_id.internal", "=", False),
            ]
        )

    def status(self, partner=None):
        partner = partner or self.customer
        partner.invalidate_recordset()
        return partner.followup_status, partner.followup_level_id

    def run_cron(self, **kwargs):
        kwargs.setdefault("auto_commit", False)
        return self.env["res.partner"]._cron_execute_followups(**kwargs)


@tagged("post_install", "-at_install")
class TestReliabilityDuplicates(ReliabilityMixin, FollowupCommon):
    """The same day twice, or missed days, never duplicate."""

    def test_cron_twice_same_day_acts_once(self):
        with freeze_time("2026-01-10"):
            invoice = self.make_invoice(due="2026-01-20")
        with freeze_time("2026-01-21 08:00:00"):
            first = self.run_cron()
            self.assertEqual(first["processed"], 1)
            self.assertEqual(len(self.emails()), 1)
        with freeze_time("2026-01-21 17:00:00"):
            second = self.run_cron()
            self.assertEqual(second, {"processed": 0, "failed": 0, "skipped": 0})
            self.assertEqual(len(self.emails()), 1, "the second run sent nothing")
        with freeze_time("2026-01-22 08:00:00"):
            self.assertEqual(self.run_cron()["processed"], 0)
            self.assertEqual(len(self.emails()), 1)
        line = self.receivable_lines(invoice)
        self.assertEqual(line.followup_level_id, self.level(1))
        self.assertEqual(line.followup_date, date(2026, 1, 21))

    def test_missed_days_send_only_the_highest_level_once(self):
        """No run between the 17th and the 25th: the friendly reminder (-3) is
        superseded, only the first reminder (1) goes out, once."""
        with freeze_time("2026-01-10"):
            invoice = self.make_invoice(due="2026-01-20")
        with freeze_time("2026-01-25"):
            self.assertEqual(self.status(), ("in_need_of_action", self.level(1)))
            self.assertEqual(self.run_cron()["processed"], 1)
            self.assertEqual(self.run_cron()["processed"], 0)
            emails = self.emails()
            self.assertEqual(len(emails), 1)
            self.assertIn("now overdue", emails.body, "the first reminder's text")
            self.assertNotIn("friendly reminder", emails.body)
            self.assertEqual(
                self.receivable_lines(invoice).followup_level_id, self.level(1)
            )
        with freeze_time("2026-03-25"):
            # two months without anyone looking: only the formal notice is due
            self.assertEqual(self.status(), ("in_need_of_action", self.level(60)))
            self.customer.action_followup_process()
            self.assertEqual(self.status()[0], "with_overdue_invoices")
            self.assertEqual(
                self.receivable_lines(invoice).followup_level_id, self.level(60)
            )
            with self.assertRaisesRegex(UserError, "no follow-up to do now"):
                # processing again the same day has nothing to do
                self.customer.action_followup_process()
        self.assertEqual(len(self.emails()), 1, "the formal notice sends no email")

    def test_new_invoice_does_not_resend_level_of_old_lines(self):
        """A level is stamped per line: a new invoice reaching the first reminder
        gets it, the old line already at that level does not count again."""
        with freeze_time("2026-01-10"):
            old = self.make_invoice(due="2026-01-20")
        with freeze_time("2026-01-21"):
            self.run_cron()
        with freeze_time("2026-01-22"):
            new = self.make_invoice(invoice_date="2026-01-22", due="2026-01-25")
        with freeze_time("2026-01-26"):
            self.assertEqual(self.run_cron()["processed"], 1)
            self.assertEqual(self.run_cron()["processed"], 0)
        self.assertEqual(len(self.emails()), 2)
        self.assertEqual(self.receivable_lines(old).followup_date, date(2026, 1, 21))
        self.assertEqual(self.receivable_lines(new).followup_date, date(2026, 1, 26))


@tagged("post_install", "-at_install")
class TestReliabilityPaid(ReliabilityMixin, FollowupCommon):
    """Already paid (or nearly) gives the right status and amounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_currency = cls.setup_other_currency(
            "EUR", rates=[("2026-01-01", 2.0), ("2026-02-01", 2.5)]
        )

    def test_payment_in_payment_not_yet_on_bank(self):
        with freeze_time("2026-01-25"):
            invoice = self.make_invoice(due="2026-01-20")
            self.assertEqual(self.status()[0], "in_need_of_action")
            self.pay(invoice, pay_date=date(2026, 1, 25))
            self.assertIn(invoice.payment_state, ("in_payment", "paid"))
            self.assertEqual(self.status(), ("no_action_needed", self.level(1)[:0]))
            self.assertEqual(self.customer.followup_total_due, 0)
            self.assertEqual(self.run_cron()["processed"], 0)
            self.assertFalse(self.emails())

    def test_unreconciled_credit_note_covers_the_overdue_amount(self):
        with freeze_time("2026-01-25"):
            self.make_invoice(amount=1000, due="2026-01-20")
            self.make_invoice(amount=1000, move_type="out_refund", due="2026-01-25")
            status, level = self.status()
            self.assertNotEqual(status, "in_need_of_action")
            self.assertEqual(self.customer.followup_total_due, 0)
            self.assertEqual(self.customer.followup_total_overdue, 0)
            self.assertEqual(self.run_cron()["processed"], 0)
            self.assertFalse(self.emails())

    def test_unreconciled_payment_covers_part_of_the_overdue_amount(self):
        with freeze_time("2026-01-25"):
            self.make_invoice(amount=1000, due="2026-01-20")
            payment = self.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.customer.id,
                    "amount": 1000,
                    "date": "2026-01-24",
                    "journal_id": self.company_data["default_journal_bank"].id,
                }
            )
            payment.action_post()
            self.assertEqual(self.status()[0], "no_action_needed")
            self.assertEqual(self.customer.followup_total_due, 0)
            payment.action_draft()
            payment.amount = 400
            payment.action_post()
            self.assertEqual(self.status()[0], "in_need_of_action")
            self.assertEqual(self.customer.followup_total_due, 600)
            self.assertEqual(self.customer.followup_total_overdue, 600)

    def test_partial_payment(self):
        with freeze_time("2026-01-25"):
            invoice = self.make_invoice(amount=1000, due="2026-01-20")
            self.pay(invoice, amount=300, pay_date=date(2026, 1, 22))
            self.assertEqual(self.status(), ("in_need_of_action", self.level(1)))
            self.assertEqual(self.customer.followup_total_due, 700)
            self.assertEqual(self.customer.followup_total_overdue, 700)
            self.run_cron()
            email = self.emails()
            self.assertEqual(len(email), 1)
            self.assertIn("700.00", email.body)

    def test_instalments_each_line_reminded_when_it_is_due(self):
        term = self.payment_term("30% now, 70% in 10 days", ((30, 0), (70, 10)))
        with freeze_time("2026-01-01"):
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": "2026-01-01",
                    "invoice_payment_term_id": term.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Consulting",
                                "quantity": 1,
                                "price_unit": 1000,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            invoice.action_post()
        first, second = self.receivable_lines(invoice).sorted("date_maturity")
        self.assertEqual(first.date_maturity, date(2026, 1, 1))
        with freeze_time("2026-01-05"):
            self.assertEqual(self.status(), ("in_need_of_action", self.level(1)))
            self.assertEqual(self.customer.followup_total_due, 1000)
            self.assertEqual(self.customer.followup_total_overdue, 300)
            self.assertEqual(self.run_cron()["processed"], 1)
            self.assertEqual(first.followup_level_id, self.level(1))
            self.assertFalse(second.followup_level_id, "not due yet: not stamped")
        with freeze_time("2026-01-08"):
            # the second instalment (due on the 11th) gets its own friendly reminder
            self.assertEqual(self.status(), ("in_need_of_action", self.level(-3)))
            self.run_cron()
            self.assertEqual(second.followup_level_id, self.level(-3))
            self.assertEqual(first.followup_level_id, self.level(1))
        self.assertEqual(len(self.emails()), 2)

    def test_foreign_currency_amounts_in_company_currency(self):
        with freeze_time("2026-01-25"):
            invoice = self.make_invoice(
                amount=1000, due="2026-01-20", currency=self.other_currency
            )
            self.status()
            self.assertEqual(self.customer.followup_total_due, 500)
            self.assertEqual(self.customer.followup_total_overdue, 500)
        with freeze_time("2026-02-05"):
            # paid in full in its currency at another rate: the exchange difference
            # never leaves a cent to remind
            self.pay(invoice, pay_date=date(2026, 2, 5))
            self.assertEqual(invoice.payment_state in ("in_payment", "paid"), True)
            self.assertEqual(self.status()[0], "no_action_needed")
            self.assertEqual(self.customer.followup_total_due, 0)
            self.assertEqual(self.run_cron()["processed"], 0)

    def test_rounding_residual_of_one_cent_in_foreign_currency(self):
        """Paid to the cent but one: the cent is still due and the status says it
        (never a negative or ghost amount)."""
        with freeze_time("2026-01-25"):
            invoice = self.make_invoice(
                amount=100.01, due="2026-01-20", currency=self.other_currency
            )
            self.pay(invoice, amount=100.0, pay_date=date(2026, 1, 25))
            line = self.receivable_lines(invoice)
            self.assertAlmostEqual(line.amount_residual_currency, 0.01)
            self.status()
            self.assertAlmostEqual(
                self.customer.followup_total_due, line.amount_residual
            )
            self.assertGreaterEqual(self.customer.followup_total_overdue, 0)


@tagged("post_install", "-at_install")
class TestReliabilityStale(ReliabilityMixin, FollowupCommon):
    """What changed between the selection and the action is seen by
    the re-check done with the lock held."""

    def select(self):
        company = self.env.company
        partners = self.env["account.followup.execution"]._cron_partners(company)
        self.assertIn(self.customer, partners)
        return partners

    def assert_skipped(self, summary, invoice):
        self.assertFalse(summary["processed"])
        self.assertFalse(summary["failed"])
        self.assertEqual(len(summary["skipped"]), 1)
        self.assertFalse(self.emails())
        self.assertFalse(self.receivable_lines(invoice).followup_level_id)

    def test_paid_between_selection_and_action(self):
        with freeze_time("2026-01-25"):
            invoice = self.make_invoice(due="2026-01-20")
            partners = self.select()
            self.pay(invoice, pay_date=date(2026, 1, 25))
            self.assert_skipped(self.execute(partners), invoice)

    def test_reset_to_draft_between_selection_and_action(self):
        with freeze_time("2026-01-25"):
            invoice = self.make_invoice(due="2026-01-20")
            partners = self.select()
            invoice.button_draft()
            self.assert_skipped(self.execute(partners), invoice)

    def test_cancelled_between_selection_and_action(self):
        with freeze_time("2026-01-25"):
            invoice = self.make_invoice(due="2026-01-20")
            partners = self.select()
            invoice.button_draft()
            invoice.button_cancel()
            self.assert_skipped(self.execute(partners), invoice)

    def test_one_of_two_invoices_paid_meanwhile(self):
        """The reminder still goes out for the unpaid invoice; the paid one is
        neither stamped nor listed in the email."""
        with freeze_time("2026-01-25"):
            paid = self.make_invoice(amount=111, due="2026-01-20")
            unpaid = self.make_invoice(amount=222, due="2026-01-20")
            partners = self.select()
            self.pay(paid, pay_date=date(2026, 1, 25))
            summary = self.execute(partners)
            self.assertEqual(summary["processed"], self.customer)
            email = self.emails()
            self.assertEqual(len(email), 1)
            self.assertIn(unpaid.name, email.body)
            self.assertNotIn(paid.name, email.body)
            self.assertEqual(
                self.receivable_lines(unpaid).followup_level_id, self.level(1)
            )

    def test_recheck_happens_after_the_lock(self):
        """The data is read again once the row lock is held: a change done while
        waiting for the lock is seen."""
        with freeze_time("2026-01-25"):
            invoice = self.make_invoice(due="2026-01-20")
            partners = self.select()
            Execution = type(self.env["account.followup.execution"])
            original = Execution._lock

            def lock_then_pay(execution, records):
                locked = original(execution, records)
                # the other transaction that held the lock paid the invoice
                self.pay(invoice, pay_date=date(2026, 1, 25))
                return locked

            with patch.object(Execution, "_lock", lock_then_pay):
                summary = self.execute(partners)
            self.assert_skipped(summary, invoice)
