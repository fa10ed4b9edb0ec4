# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delivery you can trust: bounces, fallbacks, the contact cap, working days, the
send window and replies that pause the daily run."""

from datetime import date, datetime
from unittest.mock import MagicMock, patch

from freezegun import freeze_time

from odoo.tests import tagged

from ..models import account_followup_schedule as schedule
from .common import FollowupCommon

BOUNCE = """\
Return-Path: <>
Date: Wed, 21 Jan 2026 10:00:00 +0000
From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="BOUNDARY-DSN"
Message-Id: <dsn-{uid}@mx.example.com>

--BOUNDARY-DSN
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered to one or more recipients.

<{recipient}>: 550 5.1.1 No such user here

--BOUNDARY-DSN
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 No such user here

--BOUNDARY-DSN
Content-Description: Undelivered Message
Content-Type: message/rfc822

Message-Id: {message_id}
Subject: {subject}
From: {email_from}
To: {recipient}
Date: Wed, 21 Jan 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Payment reminder

--BOUNDARY-DSN--
"""

REPLY = """\
From: Customer One <one@example.com>
To: {to}
Subject: Re: {subject}
Date: Thu, 22 Jan 2026 09:00:00 +0000
Message-Id: <reply-{uid}@example.com>
In-Reply-To: {message_id}
References: {message_id}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

We paid the invoice yesterday, please check your bank account.
"""


@tagged("post_install", "-at_install")
class TestFollowupDelivery(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "country_id": cls.env.ref("base.be").id,
                "paperformat_id": cls.env.ref("base.paperformat_euro").id,
            }
        )
        cls.company.partner_id.tz = "UTC"
        cls.Reminder = cls.env["account.followup.reminder"]
        cls.replied_type = cls.env.ref(
            "account_payment_followup.mail_activity_type_followup_replied"
        )

    # helpers -----------------------------------------------------------

    def reminders(self, partner=None):
        return self.Reminder.search(
            [("partner_id", "=", (partner or self.customer).id)], order="id"
        )

    def cron(self):
        self.env["res.partner"]._cron_execute_followups(auto_commit=False)
        self.env.invalidate_all()

    def send_queued_mails(self, reminder):
        mails = self.env["mail.mail"].search(
            [("mail_message_id", "=", reminder.email_message_id.id)]
        )
        self.assertTrue(mails)
        IrMailServer = type(self.env["ir.mail_server"])
        with (
            patch.object(IrMailServer, "connect", lambda *a, **k: MagicMock()),
            patch.object(
                IrMailServer,
                "send_email",
                lambda s, message, *a, **k: message["Message-Id"],
            ),
        ):
            mails.send()
        self.env.invalidate_all()

    def process(self, raw):
        return self.env["mail.thread"].message_process(None, raw)

    def bounce(self, reminder):
        message = reminder.email_message_id
        self.process(
            BOUNCE.format(
                to="bounce@example.com",
                uid=reminder.id,
                recipient=reminder.email_to,
                message_id=message.message_id,
                subject=message.subject,
                email_from=message.email_from,
            )
        )
        self.env.invalidate_all()

    def customer_without_email(self, **values):
        return self.env["res.partner"].create(
            {
                "name": "Customer Without Email",
                "street": "8 Rue Neuve",
                "city": "Namur",
                "zip": "5000",
                "country_id": self.env.ref("base.be").id,
                "mobile": "+32 470 99 88 77",
                **values,
            }
        )

    # bounces -----------------------------------------------------------

    def test_bounce_marks_the_address_and_the_next_email_clears_it(self):
        with freeze_time("2026-01-10"):
            self.make_invoice()
        with freeze_time("2026-01-21"):
            self.execute(self.customer)
            reminder = self.reminders()
            self.assertEqual(reminder.email_state, "queued")
            self.send_queued_mails(reminder)
            self.assertEqual(reminder.email_state, "sent")
            self.assertFalse(self.customer.followup_email_bounced)

            self.bounce(reminder)
            self.assertEqual(reminder.email_state, "bounced")
            self.assertTrue(self.customer.followup_email_bounced)
            self.assertIn(
                self.customer,
                self.env["res.partner"].search([("followup_email_bounced", "=", True)]),
            )
            self.assertIn(
                "bounced",
                self.customer.message_ids[:1].body,
                "the customer's chatter says the reminder bounced",
            )
        with freeze_time("2026-01-22"):
            # no fallback: the email is tried again, and it goes through
            self.customer.action_followup_send_email()
            second = self.reminders()[-1]
            self.assertNotEqual(second, reminder)
            self.send_queued_mails(second)
            self.assertEqual(second.email_state, "sent")
            self.assertFalse(self.customer.followup_email_bounced)

    def test_a_new_address_clears_the_bounce(self):
        self.customer.followup_email_bounced = True
        self.customer.email = "new-address@example.com"
        self.assertFalse(self.customer.followup_email_bounced)

    # fallbacks ---------------------------------------------------------

    def test_no_fallback_reports_the_failure(self):
        customer = self.customer_without_email()
        with freeze_time("2026-01-10"):
            self.make_invoice(partner=customer)
        with freeze_time("2026-01-17"):
            summary = self.execute(customer)
        self.assertFalse(summary["processed"])
        self.assertIn("no valid email address", summary["failed"][0][1])
        self.assertFalse(self.reminders(customer))

    def test_fallback_per_channel(self):
        """The friendly reminder is an email only: each fallback replaces it."""
        expected = {
            "letter": "letter to print",
            "sms": "SMS to",
            "post": "letter queued for the post",
            "activity": "Find a valid email address",
        }
        for fallback, description in expected.items():
            with self.subTest(fallback=fallback):
                self.company.followup_email_fallback = fallback
                customer = self.customer_without_email(name=f"No email {fallback}")
                with freeze_time("2026-01-10"):
                    self.make_invoice(partner=customer)
                with freeze_time("2026-01-17"):
                    summary = self.execute(customer)
                self.assertEqual(summary["processed"], customer, summary["failed"])
                reminder = self.reminders(customer)
                self.assertFalse(reminder.channel_email)
                self.assertEqual(reminder.email_fallback, fallback)
                self.assertIn("no valid email address", reminder.email_fallback_reason)
                self.assertIn("email replaced by", reminder.actions)
                self.assertIn(description, reminder.actions)
                note = customer.message_ids.filtered(
                    lambda m: "email replaced by" in (m.body or "")
                )
                self.assertTrue(note, "the chatter says the email was replaced")
                if fallback == "letter":
                    self.assertTrue(reminder.channel_letter)
                    self.assertTrue(customer.followup_letter_to_print)
                elif fallback == "sms":
                    self.assertTrue(reminder.channel_sms)
                    self.assertEqual(reminder.sms_state, "queued")
                elif fallback == "post":
                    self.assertTrue(reminder.snailmail_letter_id)
                else:
                    activity = customer.activity_ids.filtered(
                        lambda a: a.activity_type_id
                        == self.env.ref(
                            "account_payment_followup.mail_activity_type_followup_find_email"
                        )
                    )
                    self.assertEqual(len(activity), 1)
                    self.assertIn("no valid email address", activity.note)

    def test_fallback_after_a_bounce(self):
        self.company.followup_email_fallback = "letter"
        self.customer.followup_email_bounced = True
        with freeze_time("2026-01-10"):
            self.make_invoice()
        with freeze_time("2026-01-17"):
            self.execute(self.customer)
        reminder = self.reminders()
        self.assertFalse(reminder.channel_email)
        self.assertTrue(reminder.channel_letter)
        self.assertIn("bounced", reminder.email_fallback_reason)

    def test_fallback_already_in_the_level_is_not_done_twice(self):
        """The first reminder is an email and a letter: the letter replaces the
        email, once."""
        self.company.followup_email_fallback = "letter"
        customer = self.customer_without_email()
        with freeze_time("2026-01-10"):
            self.make_invoice(partner=customer)
        with freeze_time("2026-01-21"):
            self.execute(customer)
        reminder = self.reminders(customer)
        self.assertEqual(reminder.level_id, self.level(1))
        self.assertEqual(reminder.email_fallback, "letter")
        self.assertEqual(reminder.actions.count("letter to print"), 1)

    def test_fallback_that_cannot_go_either_fails(self):
        self.company.followup_email_fallback = "sms"
        customer = self.customer_without_email(mobile=False)
        with freeze_time("2026-01-10"):
            self.make_invoice(partner=customer)
        with freeze_time("2026-01-17"):
            summary = self.execute(customer)
        self.assertFalse(summary["processed"])
        self.assertIn("no valid mobile number", summary["failed"][0][1])

    # the contact cap -----------------------------------------------------

    def test_cap_across_levels_and_the_button(self):
        self.company.followup_min_days_between = 10
        with freeze_time("2026-01-10"):
            self.make_invoice()
        with freeze_time("2026-01-17"):
            self.cron()
        self.assertEqual(self.reminders().level_id, self.level(-3))
        with freeze_time("2026-01-21"):
            # the first reminder is due, but the friendly one went 4 days ago
            self.cron()
            self.assertEqual(len(self.reminders()), 1)
            self.assertEqual(self.customer.followup_next_action_date, date(2026, 1, 27))
            self.assertNotEqual(self.customer.followup_status, "in_need_of_action")
        with freeze_time("2026-01-22"):
            # the send wizard and the statement's buttons warn, and send
            wizard = (
                self.env["account.followup.send.wizard"]
                .with_context(active_model="res.partner", active_ids=self.customer.ids)
                .create({})
            )
            self.assertIn("less than 10 days", wizard.cap_warning)
            action = self.customer.action_followup_send_email()
            self.assertEqual(action["params"]["type"], "warning")
            self.assertIn("less than 10 days", action["params"]["message"])
            self.assertEqual(len(self.reminders()), 2)
        with freeze_time("2026-01-27"):
            # the button's reminder counts too
            self.cron()
            self.assertEqual(len(self.reminders()), 2)
            self.assertEqual(self.customer.followup_next_action_date, date(2026, 2, 1))
        with freeze_time("2026-02-01"):
            self.cron()
            self.assertEqual(len(self.reminders()), 3)
            self.assertEqual(self.reminders()[-1].level_id, self.level(1))

    def test_no_cap_no_warning(self):
        with freeze_time("2026-01-10"):
            self.make_invoice()
        with freeze_time("2026-01-17"):
            self.cron()
        with freeze_time("2026-01-21"):
            action = self.customer.action_followup_send_email()
        self.assertEqual(action["params"]["type"], "success")

    # working days ----------------------------------------------------------

    def test_weekend_then_catch_up_once(self):
        self.company.followup_working_days_only = True
        with freeze_time("2026-01-10"):
            self.make_invoice()
        # the friendly reminder is due on Saturday 17 January 2026
        for day in ("2026-01-17", "2026-01-18"):
            with freeze_time(day):
                self.cron()
            self.assertFalse(self.reminders(), day)
        with freeze_time("2026-01-19"):
            self.cron()
            self.cron()
        self.assertEqual(len(self.reminders()), 1)
        self.assertEqual(self.reminders().level_id, self.level(-3))
        with freeze_time("2026-01-20"):
            self.cron()
        self.assertEqual(len(self.reminders()), 1, "caught up once, never twice")

    def test_public_holiday_of_the_country(self):
        """1 May 2026 (Labour Day in Belgium) is a Friday."""
        self.company.followup_working_days_only = True
        with freeze_time("2026-04-20"):
            self.make_invoice(invoice_date="2026-04-20", due="2026-05-04")
        with freeze_time("2026-05-01"):
            self.assertTrue(self.company._followup_day_off(date(2026, 5, 1)))
            self.cron()
        self.assertFalse(self.reminders())
        with freeze_time("2026-05-04"):
            self.cron()
        self.assertEqual(len(self.reminders()), 1)

    def test_days_added_and_removed_by_the_company(self):
        Holiday = self.env["account.followup.holiday"]
        self.company.followup_working_days_only = True
        Holiday.create({"date": "2026-01-21", "name": "Inventory", "kind": "add"})
        Holiday.create({"date": "2026-05-01", "kind": "remove"})
        self.assertEqual(self.company._followup_day_off(date(2026, 1, 21)), "Inventory")
        self.assertFalse(self.company._followup_day_off(date(2026, 5, 1)))
        self.assertFalse(self.company._followup_day_off(date(2026, 1, 22)))
        with freeze_time("2026-01-10"):
            self.make_invoice(due="2026-01-24")
        with freeze_time("2026-01-21"):
            self.cron()
        self.assertFalse(self.reminders())
        with freeze_time("2026-01-22"):
            self.cron()
        self.assertEqual(len(self.reminders()), 1)

    def test_working_days_off_by_default(self):
        with freeze_time("2026-01-10"):
            self.make_invoice()
        with freeze_time("2026-01-17"):
            self.cron()
        self.assertEqual(len(self.reminders()), 1)

    # the send window -------------------------------------------------------

    def test_send_window(self):
        self.company.write(
            {
                "followup_send_window": True,
                "followup_send_hour_from": 8.0,
                "followup_send_hour_to": 12.0,
            }
        )
        cron = self.env.ref("account_payment_followup.ir_cron_followup")
        with freeze_time("2026-01-10"):
            self.make_invoice()
        with freeze_time("2026-01-17 06:30:00"):
            with patch.object(schedule._logger, "info") as log:
                self.cron()
            self.assertIn("outside the send window", str(log.call_args_list))
            self.assertFalse(self.reminders())
            trigger = self.env["ir.cron.trigger"].search(
                [("cron_id", "=", cron.id)], order="id desc", limit=1
            )
            self.assertEqual(trigger.call_at, datetime(2026, 1, 17, 8, 0))
        with freeze_time("2026-01-17 09:00:00"):
            self.cron()
        self.assertEqual(len(self.reminders()), 1)

    # replies ---------------------------------------------------------------

    def test_reply_pauses_until_the_activity_is_done(self):
        with freeze_time("2026-01-10"):
            self.make_invoice()
        with freeze_time("2026-01-17"):
            self.cron()
        reminder = self.reminders()
        self.send_queued_mails(reminder)
        message = reminder.email_message_id
        with freeze_time("2026-01-18"):
            self.process(
                REPLY.format(
                    to="catchall@example.com",
                    subject=message.subject,
                    uid=reminder.id,
                    message_id=message.message_id,
                )
            )
        self.env.invalidate_all()
        reply = reminder.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(reply), 1, "routed to the reminder")
        self.assertTrue(reminder.replied)
        copy = self.customer.message_ids.filtered(
            lambda m: "We paid the invoice yesterday" in (m.body or "")
        )
        self.assertTrue(copy, "the reply is in the customer's chatter")
        activity = self.customer.activity_ids.filtered(
            lambda a: a.activity_type_id == self.replied_type
        )
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id)
        self.assertTrue(self.customer.followup_replied)
        self.assertIn(
            self.customer,
            self.env["res.partner"].search([("followup_replied", "=", True)]),
        )
        with freeze_time("2026-01-21"):
            self.cron()
            self.assertEqual(len(self.reminders()), 1, "the daily run waits")
            activity.action_feedback(feedback="Called: pays on Friday")
            self.env.invalidate_all()
            self.assertFalse(self.customer.followup_replied)
            self.cron()
        self.assertEqual(len(self.reminders()), 2, "and resumes")
        self.assertEqual(self.reminders()[-1].level_id, self.level(1))

    def test_public_holidays_of_the_state(self):
        """César Chávez Day (31 March) is a holiday in California, not in New
        York; a country without public holidays has weekends only."""
        us = self.env.ref("base.us")
        california = self.env["res.country.state"].search(
            [("country_id", "=", us.id), ("code", "=", "CA")]
        )
        new_york = self.env["res.country.state"].search(
            [("country_id", "=", us.id), ("code", "=", "NY")]
        )
        chavez_day = date(2026, 3, 31)
        self.company.write({"country_id": us.id, "state_id": california.id})
        self.assertTrue(self.company._followup_day_off(chavez_day))
        self.company.state_id = new_york
        self.assertFalse(self.company._followup_day_off(chavez_day))
        self.assertTrue(self.company._followup_day_off(date(2026, 7, 3)))
        self.company.write(
            {"country_id": self.env.ref("base.bv").id, "state_id": False}
        )
        self.assertFalse(self.company._followup_day_off(date(2026, 12, 25)))
        self.assertTrue(self.company._followup_day_off(date(2026, 12, 26)))
