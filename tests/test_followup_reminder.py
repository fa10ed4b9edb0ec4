# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reminder as a document: one record per execution of a level for a customer,
carrying what it covered; the email is posted on it and goes to the recipient
only."""

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupReminder(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(
            cls.env,
            login="fu_reminder_billing",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )

    def reminders(self, partner=None):
        return self.env["account.followup.reminder"].search(
            [("partner_id", "=", (partner or self.customer).id)]
        )

    def test_button_creates_a_reminder_with_its_lines_and_amounts(self):
        with freeze_time("2026-01-10"):
            late = self.make_invoice(amount=300, due="2026-01-20")
            later = self.make_invoice(amount=200, due="2026-02-20")
        with freeze_time("2026-01-21"):
            self.customer.with_user(self.billing).action_followup_process()
        reminder = self.reminders()
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.level_id, self.level(1))
        self.assertEqual(reminder.company_id, self.company)
        self.assertEqual(str(reminder.date), "2026-01-21")
        self.assertEqual(reminder.user_id, self.billing)
        self.assertEqual(reminder.origin, "statement")
        self.assertFalse(reminder.partial)
        self.assertEqual(
            reminder.line_ids,
            self.receivable_lines(late) | self.receivable_lines(later),
        )
        self.assertEqual(reminder.move_ids, late | later)
        self.assertEqual(reminder.amount_due, 500)
        self.assertEqual(reminder.amount_overdue, 300)
        # the first reminder emails and prints a letter
        self.assertTrue(reminder.channel_email)
        self.assertTrue(reminder.channel_letter)
        self.assertFalse(reminder.channel_sms)
        self.assertEqual(reminder.email_to, "one@example.com")
        self.assertEqual(reminder.email_state, "queued")
        # the letter is generated once its PDF is rendered (the download)
        self.assertEqual(reminder.letter_state, "to_print")
        self.env["ir.actions.report"]._render_qweb_pdf(
            "account_payment_followup.report_followup_letter", self.customer.ids
        )
        self.assertEqual(reminder.letter_state, "generated")
        # the email is posted on the reminder; the customer's chatter links to it
        self.assertEqual(reminder.email_message_id.model, reminder._name)
        self.assertEqual(reminder.email_message_id.res_id, reminder.id)
        note = self.customer.message_ids.filtered(
            lambda m: f'data-oe-id="{reminder.id}"' in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertIn("account.followup.reminder", note.body)
        # each invoice concerned shows it
        # (what opening the invoice in a new request reads)
        late.invalidate_recordset(["followup_reminder_ids", "followup_reminder_count"])
        self.assertEqual(late.followup_reminder_ids, reminder)
        self.assertEqual(late.followup_reminder_count, 1)

    def test_batch_and_daily_run_create_reminders(self):
        with freeze_time("2026-01-10"):
            self.make_invoice(due="2026-01-20")
            self.make_invoice(partner=self.customer2, due="2026-01-20")
        with freeze_time("2026-01-21"):
            (self.customer | self.customer2).action_followup_process()
        batch = self.reminders() | self.reminders(self.customer2)
        self.assertEqual(len(batch), 2)
        self.assertEqual(set(batch.mapped("origin")), {"batch"})
        with freeze_time("2026-02-05"):
            self.env["res.partner"]._cron_execute_followups(auto_commit=False)
        # 15 days late: a call, which the daily run does not execute (not automatic)
        self.assertEqual(len(self.reminders()), 1)
        with freeze_time("2026-01-10"):
            third = self.env["res.partner"].create(
                {"name": "Third", "email": "third@example.com"}
            )
            self.make_invoice(partner=third, due="2026-01-20")
        with freeze_time("2026-01-17"):
            self.env["res.partner"]._cron_execute_followups(auto_commit=False)
        cron = self.reminders(third)
        self.assertEqual(len(cron), 1)
        self.assertEqual(cron.origin, "cron")
        self.assertFalse(cron.user_id, "no user ran the daily run")
        self.assertEqual(cron.level_id, self.level(-3))

    @freeze_time("2026-01-21")
    def test_single_action_is_a_partial_reminder(self):
        self.make_invoice(due="2026-01-20")
        self.customer.action_followup_send_email()
        reminder = self.reminders()
        self.assertTrue(reminder.partial)
        self.assertTrue(reminder.channel_email)
        self.assertFalse(reminder.channel_letter)
        # the level is not done by a single action
        self.assertFalse(self.receivable_lines(reminder.move_ids).followup_level_id)

    @freeze_time("2026-01-21")
    def test_followers_of_the_customer_receive_no_copy(self):
        """The reminder goes to its recipient only: not to the followers of the
        contact (a colleague, another company's own address on a shared contact)."""
        follower = self.env["res.partner"].create(
            {"name": "Watcher", "email": "watcher@example.com"}
        )
        self.customer.message_subscribe(partner_ids=follower.ids)
        self.make_invoice(due="2026-01-20")
        self.customer.action_followup_process()
        reminder = self.reminders()
        message = reminder.email_message_id
        notified = message.notification_ids.res_partner_id
        self.assertEqual(notified, self.customer)
        mails = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertFalse(
            self.env["mail.mail"].search_count([("recipient_ids", "in", follower.ids)]),
            "no email to the follower",
        )

    def test_other_company_cannot_read_it(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        user_b = new_test_user(
            self.env,
            login="fu_reminder_b",
            groups="base.group_user,account.group_account_invoice",
            company_id=company_b.id,
            company_ids=company_b.ids,
        )
        with freeze_time("2026-01-10"):
            self.make_invoice(due="2026-01-20")
        with freeze_time("2026-01-21"):
            self.customer.action_followup_process()
        reminder = self.reminders()
        self.assertTrue(reminder)
        Reminder = self.env["account.followup.reminder"].with_user(user_b)
        self.assertFalse(Reminder.search([]))
        with self.assertRaises(AccessError):
            reminder.with_user(user_b).read(["amount_due"])
        # and nobody edits what was sent
        with self.assertRaises(AccessError):
            reminder.with_user(self.billing).write({"amount_due": 1})
        self.assertEqual(
            reminder.with_user(self.billing).read(["amount_due"])[0]["amount_due"],
            1000,
        )
