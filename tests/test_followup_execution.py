# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupExecution(FollowupCommon):
    """What executing a level does: email, activity, chatter, dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.responsible = cls.env["res.users"].create(
            {
                "name": "Credit Controller",
                "login": "credit_controller",
                "email": "cc@example.com",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "groups_id": [(6, 0, cls.env.ref("account.group_account_invoice").ids)],
            }
        )
        cls.customer.followup_responsible_id = cls.responsible

    def mails(self, partner=None):
        partner = partner or self.customer
        # reminders only, not the notifications of activities to their users
        return self.env["mail.mail"].search(
            [
                ("model", "=", "account.followup.reminder"),
                ("res_id", "in", self.reminder_ids(partner)),
                ("message_type", "=", "comment"),
            ]
        )

    def activities(self, partner=None):
        partner = partner or self.customer
        return self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )

    def status(self, partner=None):
        partner = partner or self.customer
        partner.invalidate_recordset()
        return partner.followup_status

    # ------------------------------------------------------------------
    # The email channel
    # ------------------------------------------------------------------

    @freeze_time("2026-01-21")
    def test_email_queued_with_statement(self):
        invoice = self.make_invoice(amount=1234)
        self.customer.action_followup_process()
        mail = self.mails()
        self.assertEqual(len(mail), 1)
        # queued, never sent inline: the mail queue sends it
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn("Payment reminder", mail.subject)
        # the statement is in the body, with the level's text
        self.assertIn(invoice.name, mail.body_html)
        self.assertIn("1,234.00", mail.body_html)
        self.assertIn("are now overdue", mail.body_html)
        self.assertFalse(mail.attachment_ids)

    @freeze_time("2026-01-21")
    def test_email_attaches_invoices(self):
        self.level(1).attach_invoices = True
        invoices = self.make_invoice() | self.make_invoice(amount=50)
        paid = self.make_invoice(amount=70)
        self.pay(paid)
        self.customer.action_followup_process()
        mail = self.mails()
        self.assertEqual(len(mail), 1)
        names = sorted(mail.attachment_ids.mapped("name"))
        self.assertEqual(len(names), 2, names)
        for invoice in invoices:
            self.assertTrue(
                any(invoice.name.replace("/", "_") in name for name in names), names
            )
        self.assertNotIn(paid.name.replace("/", "_"), " ".join(names))

    @freeze_time("2026-01-21")
    def test_email_to_invoice_address(self):
        billing = self.env["res.partner"].create(
            {
                "name": "Billing",
                "type": "invoice",
                "parent_id": self.customer.id,
                "email": "billing@example.com",
                "street": "1 Billing Street",
                "city": "Liège",
            }
        )
        self.make_invoice()
        self.customer.action_followup_process()
        self.assertEqual(self.mails().recipient_ids, billing)

    # ------------------------------------------------------------------
    # The activity channel and the chatter
    # ------------------------------------------------------------------

    @freeze_time("2026-02-04")
    def test_activity_for_responsible(self):
        self.make_invoice()
        self.assertEqual(self.customer.followup_level_id, self.level(15))
        self.customer.action_followup_process()
        activity = self.activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.responsible)
        self.assertEqual(activity.activity_type_id, self.level(15).activity_type_id)
        self.assertEqual(activity.summary, self.level(15).activity_summary)
        self.assertEqual(activity.date_deadline, date(2026, 2, 4))
        self.assertFalse(self.mails(), "level 15 sends no email")

    def test_activity_levels_35_and_60_for_responsible(self):
        with freeze_time("2026-01-01"):
            self.make_invoice()
        for day, delay in (("2026-02-24", 35), ("2026-03-21", 60)):
            with freeze_time(day):
                self.assertEqual(self.customer.followup_level_id, self.level(delay))
                self.customer.action_followup_process()
                activity = self.activities().filtered(
                    lambda a, d=delay: a.summary == self.level(d).activity_summary
                )
                self.assertEqual(activity.user_id, self.responsible, day)

    @freeze_time("2026-02-04")
    def test_activity_for_level_user(self):
        other_user = self.responsible.copy({"login": "other_cc", "name": "Other"})
        self.level(15).activity_user_id = other_user
        self.make_invoice()
        self.customer.action_followup_process()
        self.assertEqual(self.activities().user_id, other_user)

    @freeze_time("2026-02-04")
    def test_activity_without_responsible(self):
        """No responsible: the salesperson, else the user running it."""
        self.customer.followup_responsible_id = False
        self.make_invoice()
        self.customer.action_followup_process()
        self.assertEqual(self.activities().user_id, self.env.user)

    @freeze_time("2026-01-21")
    def test_chatter_notes(self):
        """One note on the partner naming level, channels and amounts; a note on
        each invoice concerned; nothing on an invoice not yet due."""
        invoice1 = self.make_invoice(amount=1000)
        invoice2 = self.make_invoice(amount=500, due="2026-01-19")
        later = self.make_invoice(amount=80, due="2026-03-31")
        partner_notes = self.notes(self.customer)
        self.customer.action_followup_process()
        new_notes = self.notes(self.customer) - partner_notes
        self.assertEqual(len(new_notes), 1)
        body = new_notes.body
        self.assertIn(self.level(1).name, body)
        self.assertIn("email to one@example.com", body)
        self.assertIn("letter", body)
        self.assertIn("1,580.00", body)  # total due
        self.assertIn("1,500.00", body)  # overdue
        for invoice in invoice1 | invoice2:
            note = self.notes(invoice)[:1]
            self.assertIn(self.level(1).name, note.body)
            self.assertIn("email", note.body)
        self.assertFalse(
            self.notes(later).filtered(lambda m: "Payment reminder" in m.body)
        )

    def test_next_action_date_is_next_level(self):
        with freeze_time("2026-01-21"):
            self.make_invoice()
            self.customer.action_followup_process()
            self.assertEqual(self.customer.followup_next_action_date, date(2026, 2, 4))
            self.assertEqual(self.status(), "with_overdue_invoices")
        with freeze_time("2026-02-03"):
            self.assertEqual(self.status(), "with_overdue_invoices")
        with freeze_time("2026-02-04"):
            self.assertEqual(self.status(), "in_need_of_action")

    @freeze_time("2026-01-21")
    def test_process_returns_letters(self):
        self.company.external_report_layout_id = self.env.ref(
            "web.external_layout_standard"
        )
        self.make_invoice()
        action = self.customer.action_followup_process()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "account_payment_followup.report_followup_letter"
        )

    @freeze_time("2026-01-21")
    def test_nothing_to_do_is_refused(self):
        self.make_invoice(due="2026-03-31")
        with self.assertRaisesRegex(UserError, "no follow-up to do now"):
            self.customer.action_followup_process()
        self.assertFalse(self.mails())

    # ------------------------------------------------------------------
    # One action alone, Done and Do it later
    # ------------------------------------------------------------------

    @freeze_time("2026-02-04")
    def test_done_refused_before_any_action(self):
        invoice = self.make_invoice()
        with self.assertRaisesRegex(UserError, "before marking it as done"):
            self.customer.action_followup_done()
        self.assertFalse(self.receivable_lines(invoice).followup_level_id)
        self.assertEqual(self.status(), "in_need_of_action")

    @freeze_time("2026-02-04")
    def test_done_after_one_action(self):
        """Level 15 is a call: email the statement by hand, then Done."""
        invoice = self.make_invoice()
        self.customer.action_followup_send_email()
        self.assertEqual(len(self.mails()), 1)
        # sending alone does not mark the level as done
        self.assertEqual(self.status(), "in_need_of_action")
        self.assertFalse(self.receivable_lines(invoice).followup_level_id)
        self.customer.action_followup_done()
        self.assertEqual(
            self.receivable_lines(invoice).followup_level_id, self.level(15)
        )
        self.assertEqual(self.customer.followup_next_action_date, date(2026, 2, 24))
        self.assertEqual(self.status(), "with_overdue_invoices")
        self.assertIn("marked as done", self.notes(self.customer)[:1].body)
        # the flag is consumed: the next level needs its own action
        with freeze_time("2026-02-24"):
            self.assertEqual(self.status(), "in_need_of_action")
            with self.assertRaisesRegex(UserError, "before marking it as done"):
                self.customer.action_followup_done()

    @freeze_time("2026-02-04")
    def test_done_without_level(self):
        self.make_invoice(due="2026-03-31")
        with self.assertRaisesRegex(UserError, "no follow-up level to mark as done"):
            self.customer.action_followup_done()

    @freeze_time("2026-02-04")
    def test_do_it_later(self):
        invoice = self.make_invoice()
        self.customer.action_followup_later()
        self.assertEqual(self.customer.followup_next_action_date, date(2026, 2, 5))
        self.assertEqual(self.status(), "with_overdue_invoices")
        self.assertFalse(self.receivable_lines(invoice).followup_level_id)
        self.assertIn("postponed", self.notes(self.customer)[:1].body)
        with freeze_time("2026-02-05"):
            self.assertEqual(self.status(), "in_need_of_action")
            self.assertEqual(self.customer.followup_level_id, self.level(15))

    # ------------------------------------------------------------------
    # Manual mode and the snooze wizard
    # ------------------------------------------------------------------

    def snooze(self, delay, reminder_type="manual", when=None, partners=None):
        partners = partners or self.customer
        action = partners.action_followup_snooze()
        self.assertEqual(action["res_model"], "account.followup.snooze")
        wizard_form = Form(
            self.env["account.followup.snooze"].with_context(**action["context"])
        )
        wizard_form.delay = delay
        if when:
            wizard_form.date = when
        wizard_form.reminder_type = reminder_type
        return wizard_form.save().action_apply()

    @freeze_time("2026-02-04")
    def test_snooze_delays(self):
        self.make_invoice()
        expected = {
            "1w": date(2026, 2, 11),
            "2w": date(2026, 2, 18),
            "1m": date(2026, 3, 4),
            "2m": date(2026, 4, 4),
        }
        for delay, when in expected.items():
            self.snooze(delay)
            self.assertEqual(self.customer.followup_next_action_date, when, delay)
            self.assertEqual(self.customer.followup_reminder_type, "manual")
            self.assertEqual(self.status(), "with_overdue_invoices", delay)
        self.snooze("date", when=date(2026, 2, 20))
        self.assertEqual(self.customer.followup_next_action_date, date(2026, 2, 20))
        self.assertIn("Next follow-up on", self.notes(self.customer)[:1].body)

    @freeze_time("2026-02-04")
    def test_snooze_created_from_code_defaults_to_one_week(self):
        """The Reminder wizard created by a server action or RPC without a date
        proposes one week, manual, like the form does."""
        self.make_invoice()
        wizard = self.env["account.followup.snooze"].create(
            {"partner_ids": [Command.set(self.customer.ids)]}
        )
        self.assertEqual(wizard.date, date(2026, 2, 11))
        wizard.action_apply()
        self.assertEqual(self.customer.followup_next_action_date, date(2026, 2, 11))
        self.assertEqual(self.customer.followup_reminder_type, "manual")

    def test_manual_mode_shows_up_on_chosen_date_only(self):
        """Manual: the partner shows up on the chosen date, the cron leaves it
        alone; switching back to automatic lets the cron work again."""
        with freeze_time("2026-01-21"):
            invoice = self.make_invoice()
            self.snooze("1w")
            self.assertEqual(self.customer.followup_reminder_type, "manual")
            self.assertEqual(self.status(), "with_overdue_invoices")
        with freeze_time("2026-01-28"):
            self.assertEqual(self.status(), "in_need_of_action")
            self.assertEqual(self.customer.followup_level_id, self.level(1))
            self.env["res.partner"]._cron_execute_followups()
            self.assertFalse(self.mails(), "the cron leaves manual partners alone")
            self.assertFalse(self.receivable_lines(invoice).followup_level_id)
            # the user processes it by hand
            self.customer.action_followup_process()
            self.assertEqual(len(self.mails()), 1)
            self.assertEqual(self.customer.followup_reminder_type, "manual")
        with freeze_time("2026-01-29"):
            # a new invoice does not bring a manual partner forward
            self.make_invoice(invoice_date="2026-01-29", due="2026-01-30")
            self.assertEqual(self.customer.followup_next_action_date, date(2026, 2, 4))
            # back to automatic, from tomorrow
            self.snooze("date", reminder_type="automatic", when=date(2026, 1, 30))
            self.assertEqual(self.customer.followup_reminder_type, "automatic")
        with freeze_time("2026-01-30"):
            self.assertEqual(self.customer.followup_level_id, self.level(-3))
            self.env["res.partner"]._cron_execute_followups()
            self.assertEqual(len(self.mails()), 2)

    @freeze_time("2026-02-04")
    def test_snooze_several_partners(self):
        self.make_invoice()
        self.make_invoice(partner=self.customer2)
        contact = self.env["res.partner"].create(
            {"name": "Contact", "parent_id": self.customer2.id}
        )
        self.snooze("2w", partners=self.customer | contact)
        for partner in self.customer | self.customer2:
            self.assertEqual(partner.followup_next_action_date, date(2026, 2, 18))
            self.assertEqual(partner.followup_reminder_type, "manual")

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------

    @freeze_time("2026-01-21")
    def test_no_email_clear_message(self):
        self.customer.email = False
        invoice = self.make_invoice()
        with self.assertRaisesRegex(UserError, "Customer One has no valid email"):
            self.customer.action_followup_process()
        self.assertFalse(self.receivable_lines(invoice).followup_level_id)
        with self.assertRaisesRegex(UserError, "no valid email"):
            self.customer.action_followup_send_email()

    @freeze_time("2026-01-21")
    def test_missing_template_clear_message(self):
        """A level whose template went missing (data from an older version)."""
        self.env.cr.execute(
            "UPDATE account_followup_level SET mail_template_id = NULL WHERE id = %s",
            [self.level(1).id],
        )
        self.level(1).invalidate_recordset()
        invoice = self.make_invoice()
        with self.assertRaisesRegex(UserError, "has no email template"):
            self.customer.action_followup_process()
        self.assertFalse(self.receivable_lines(invoice).followup_level_id)

    @freeze_time("2026-01-21")
    def test_partner_of_another_company(self):
        other = self.setup_other_company(name="Other Co")["company"]
        self.customer2.company_id = other
        self.make_invoice()
        with self.assertRaisesRegex(UserError, "belongs to the company Other Co"):
            self.customer2.action_followup_process()
        with self.assertRaisesRegex(UserError, "belongs to the company Other Co"):
            self.customer2.action_followup_send_email()
        with self.assertRaisesRegex(UserError, "belongs to the company Other Co"):
            self.customer2.action_followup_done()
        # in a batch: reported, the others go on
        action = (self.customer | self.customer2).action_followup_process()
        wizard = self.env["account.followup.process"].browse(action["res_id"])
        self.assertEqual(wizard.processed_count, 1)
        self.assertEqual(wizard.failed_count, 1)
        self.assertIn("Other Co", wizard.failure_html)

    @freeze_time("2026-01-21")
    def test_batch_with_one_failing_partner(self):
        """Process follow-ups on several partners: the one without email is
        reported on it (note + activity for its responsible) and in the summary;
        the others are processed."""
        third = self.env["res.partner"].create(
            {
                "name": "Customer Three",
                "email": "three@example.com",
                "street": "5 Rue Neuve",
                "city": "Namur",
            }
        )
        self.customer2.write(
            {"email": False, "followup_responsible_id": self.responsible}
        )
        invoices = {
            partner: self.make_invoice(partner=partner)
            for partner in self.customer | self.customer2 | third
        }
        action = (self.customer | self.customer2 | third).action_followup_process()
        self.assertEqual(action["res_model"], "account.followup.process")
        wizard = self.env["account.followup.process"].browse(action["res_id"])
        self.assertEqual(wizard.processed_count, 2)
        self.assertEqual(wizard.failed_count, 1)
        self.assertEqual(wizard.email_count, 2)
        self.assertEqual(wizard.letter_count, 2)
        self.assertEqual(wizard.partner_ids, self.customer | third)
        self.assertIn("Customer Two has no valid email", wizard.failure_html)
        for partner in self.customer | third:
            self.assertEqual(len(self.mails(partner)), 1)
            self.assertEqual(
                self.receivable_lines(invoices[partner]).followup_level_id,
                self.level(1),
            )
        # the failing partner: nothing stamped, the failure on it
        self.assertFalse(
            self.receivable_lines(invoices[self.customer2]).followup_level_id
        )
        self.assertEqual(self.status(self.customer2), "in_need_of_action")
        self.assertIn("Follow-up failed", self.notes(self.customer2)[0].body)
        self.assertIn("no valid email", self.notes(self.customer2)[0].body)
        activity = self.activities(self.customer2)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.responsible)
        # a second failed run does not pile up activities
        (self.customer2).invalidate_recordset()
        self.execute(self.customer2)
        self.assertEqual(len(self.activities(self.customer2)), 1)
