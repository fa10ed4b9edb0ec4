# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sending in bulk (models/account_followup_bulk.py): a batch of customers on an
email level executed together leaves exactly what executing them one by one
leaves, in fewer queries; a batch that fails together is executed one by one."""

import re
from contextlib import suppress
from unittest.mock import patch

from freezegun import freeze_time
from markupsafe import Markup

from odoo.tests import TransactionCase, tagged
from odoo.tools import mail as mail_tools

from odoo.addons.account_payment_followup import tools as followup_tools
from odoo.addons.account_payment_followup.models import (
    account_followup_bulk as bulk_module,
)
from odoo.addons.mail.models import mail_followers

from .common import FollowupCommon

PDF = b"%PDF-1.4\n%%EOF\n"


class Rollback(Exception):
    """Undo a run inside the test, after reading what it left."""


@tagged("post_install", "-at_install")
@freeze_time("2026-01-25")
class TestFollowupBulk(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer3 = Partner.create(
            {"name": "Customer Three", "email": "three@example.com", "lang": "fr_FR"}
        )
        cls.env["res.lang"]._activate_lang("fr_FR")
        # the reminders of this one go to its invoice address
        cls.customer4 = Partner.create({"name": "Customer Four Ltd"})
        cls.accounting = Partner.create(
            {
                "name": "Accounts payable",
                "type": "invoice",
                "parent_id": cls.customer4.id,
                "email": "ap@four.example.com",
            }
        )
        cls.customers = cls.customer | cls.customer2 | cls.customer3 | cls.customer4
        # every level sends an email, the first one attaches the invoices
        cls.levels.write(
            {
                "auto_execute": True,
                "send_email": True,
                "send_letter": False,
                "send_sms": False,
                "send_post": False,
                "manual_action": False,
                "mail_template_id": cls.env.ref(
                    "account_payment_followup.mail_template_followup"
                ).id,
            }
        )
        cls.level(1).attach_invoices = True
        cls.level(1).fee_amount = 0.0

    def setUp(self):
        super().setUp()
        self.invoices = self.env["account.move"]
        for index, partner in enumerate(self.customers):
            for days in range(index + 1):
                self.invoices |= self.make_invoice(
                    partner,
                    amount=100.0 * (index + 1) + days,
                    due=f"2026-01-{20 - days * 2:02d}",
                )
        # a stored PDF for some invoices (the others are attached without one:
        # the PDF rendering itself is not what is compared here)
        for invoice in self.invoices[::2]:
            self.env["ir.attachment"].create(
                {
                    "name": f"{invoice.name.replace('/', '_')}.pdf",
                    "raw": PDF,
                    "mimetype": "application/pdf",
                    "res_model": "account.move",
                    "res_id": invoice.id,
                    "res_field": "invoice_pdf_report_file",
                }
            )
        self.invoices.invalidate_recordset(["invoice_pdf_report_id"])
        # no PDF rendering in this test: the invoices without a stored PDF get a
        # small one, the same for both runs
        Send = type(self.env["account.followup.send"])
        original = Send._invoice_attachments

        def invoice_attachments(send, partner, *args, **kwargs):
            moves = partner._followup_open_lines().move_id
            missing = moves.filtered(lambda m: not m.invoice_pdf_report_id)
            for move in missing:
                self.env["ir.attachment"].create(
                    {
                        "name": f"{move.name.replace('/', '_')}.pdf",
                        "raw": PDF,
                        "mimetype": "application/pdf",
                        "res_model": "account.move",
                        "res_id": move.id,
                        "res_field": "invoice_pdf_report_file",
                    }
                )
            missing.invalidate_recordset(["invoice_pdf_report_id"])
            return original(send, partner, *args, **kwargs)

        attachments = patch.object(Send, "_invoice_attachments", invoice_attachments)
        attachments.start()
        self.addCleanup(attachments.stop)
        # the customers' page links exist before both runs (the same tokens)
        self.env["account.followup.portal.access"]._ensure(self.customers)

    def run_cron(self, one_by_one):
        Partner = self.env["res.partner"]
        if one_by_one:
            Partner = Partner.with_context(followup_one_by_one=True)
        return Partner._cron_execute_followups(auto_commit=False)

    def snapshot(self):
        """What the run left, per customer, without ids and times: reminders,
        their email, the queued mail and its notifications, the notes on the
        customer and on the invoices, the stamps, the customer's next date."""
        Reminder = self.env["account.followup.reminder"].sudo()
        Message = self.env["mail.message"].sudo()
        self.env.invalidate_all()
        result = {}
        for partner in self.customers:
            reminders = Reminder.search([("partner_id", "=", partner.id)])
            ids = {reminder.id: f"R{index}" for index, reminder in enumerate(reminders)}

            def clean(text, ids=ids):
                text = str(text or "")
                for reminder_id, name in ids.items():
                    text = re.sub(rf"\b{reminder_id}\b", name, text)
                return re.sub(r"<[^<>@]+@[^<>]+>", "<message-id>", text)

            reminder_rows = []
            for reminder in reminders:
                message = reminder.email_message_id
                mails = (
                    self.env["mail.mail"]
                    .sudo()
                    .search([("mail_message_id", "=", message.id)])
                )
                reminder_rows.append(
                    {
                        "reminder": {
                            name: clean(reminder[name])
                            if name in ("actions", "display_name")
                            else reminder[name]
                            for name in (
                                "display_name",
                                "level_id",
                                "date",
                                "user_id",
                                "origin",
                                "partial",
                                "line_ids",
                                "amount_due",
                                "amount_overdue",
                                "fee_amount",
                                "channel_email",
                                "email_to",
                                "email_state",
                                "actions",
                            )
                        },
                        "message": {
                            name: clean(message[name])
                            if name in ("body", "record_name", "reply_to", "subject")
                            else sorted(message[name].mapped("name"))
                            if name == "attachment_ids"
                            else message[name]
                            for name in (
                                "body",
                                "subject",
                                "author_id",
                                "email_from",
                                "reply_to",
                                "partner_ids",
                                "attachment_ids",
                                "subtype_id",
                                "message_type",
                                "record_name",
                                "record_alias_domain_id",
                                "record_company_id",
                                "parent_id",
                                "email_layout_xmlid",
                                "email_add_signature",
                                "is_internal",
                                "mail_server_id",
                            )
                        },
                        "followers": reminder.message_follower_ids.partner_id,
                        "notifications": sorted(
                            (
                                n.res_partner_id.id,
                                n.notification_type,
                                n.notification_status,
                                n.is_read,
                                n.author_id.id,
                            )
                            for n in message.notification_ids
                        ),
                        "mails": [
                            {
                                "body_html": clean(mail.body_html),
                                "subject": clean(mail.subject),
                                "email_from": mail.email_from,
                                "reply_to": clean(mail.reply_to),
                                "recipient_ids": mail.recipient_ids,
                                "email_to": mail.email_to,
                                "email_cc": mail.email_cc,
                                "auto_delete": mail.auto_delete,
                                "state": mail.state,
                                "is_notification": mail.is_notification,
                                "mail_server_id": mail.mail_server_id,
                                "references": clean(mail.references),
                                "headers": clean(mail.headers),
                                "attachment_ids": sorted(
                                    mail.attachment_ids.mapped("name")
                                ),
                            }
                            for mail in mails
                        ],
                    }
                )
            notes = Message.search(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", partner.id),
                    ("message_type", "=", "notification"),
                ],
                order="id",
            )
            invoices = self.invoices.filtered(lambda m, p=partner: m.partner_id == p)
            invoice_notes = Message.search(
                [
                    ("model", "=", "account.move"),
                    ("res_id", "in", invoices.ids),
                    ("body", "ilike", "Payment reminder"),
                ],
                order="res_id, id",
            )
            result[partner.name] = {
                "reminders": reminder_rows,
                "notes": [
                    (clean(note.body), note.author_id, note.subtype_id)
                    for note in notes
                ],
                "invoice_notes": [
                    (note.res_id, clean(note.body), note.author_id)
                    for note in invoice_notes
                ],
                "stamps": [
                    (line.id, line.followup_level_id, line.followup_date)
                    for line in self.receivable_lines(invoices).sorted("id")
                ],
                "next_date": partner.followup_next_action_date,
                "actions_done": partner.followup_actions_done,
            }
        return result

    def run_and_snapshot(self, one_by_one):
        """(totals, snapshot) of a daily run, undone afterwards."""
        with suppress(Rollback), self.env.cr.savepoint():
            totals = self.run_cron(one_by_one)
            snapshot = self.snapshot()
            raise Rollback
        self.env.invalidate_all()
        return totals, snapshot

    def test_batch_leaves_what_one_by_one_leaves(self):
        posted = []
        Send = type(self.env["account.followup.send"])
        original = Send._post_messages_bulk

        def post_messages_bulk(send, posts):
            posted.append(len(posts))
            return original(send, posts)

        with patch.object(Send, "_post_messages_bulk", post_messages_bulk):
            one_totals, one = self.run_and_snapshot(one_by_one=True)
            self.assertFalse(posted, "one by one: message_post for each customer")
            bulk_totals, batch = self.run_and_snapshot(one_by_one=False)
        self.assertEqual(posted, [4], "the four customers together")
        self.assertTrue(
            self.env["account.followup.send"]._bulk_post_safe(
                self.env["account.followup.reminder"]
            )
        )
        # with another module changing how messages are posted, the batch posts
        # through message_post: the same again
        with patch.object(Send, "_bulk_post_safe", lambda send, model: False):
            _totals, through_post = self.run_and_snapshot(one_by_one=False)
        self.assertEqual(through_post, one)
        self.assertEqual(one_totals, bulk_totals)
        self.assertEqual(bulk_totals["processed"], 4)
        for name in one:
            with self.subTest(customer=name):
                self.assertEqual(batch[name], one[name])
        # what is compared is what was sent
        four = batch["Customer Four Ltd"]["reminders"][0]
        self.assertEqual(four["message"]["partner_ids"], self.accounting)
        self.assertEqual(four["reminder"]["email_to"], "ap@four.example.com")
        self.assertEqual(four["mails"][0]["recipient_ids"], self.accounting)
        self.assertEqual(len(four["reminder"]["line_ids"]), 4)
        self.assertEqual(
            four["message"]["attachment_ids"],
            sorted(
                f"{move.name.replace('/', '_')}.pdf"
                for move in self.invoices.filtered(
                    lambda m: m.partner_id == self.customer4
                )
            ),
        )
        three = batch["Customer Three"]["reminders"][0]
        self.assertIn("Customer Three", three["mails"][0]["body_html"])
        self.assertTrue(all(batch[name]["notes"] for name in batch))
        self.assertTrue(
            all(level for _line, level, _date in batch["Customer Two"]["stamps"])
        )

    def test_followers_of_a_reminder_are_notified_as_one_by_one(self):
        """A reminder that has followers of its messages (a module subscribing
        someone, here an internal user and a contact) notifies them as
        message_post does; the others get the recipients found for the batch."""
        follower_user = self.env["res.users"].create(
            {
                "name": "Credit controller",
                "login": "credit.controller",
                "email": "controller@example.com",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
                "notification_type": "email",
            }
        )
        follower_contact = self.env["res.partner"].create(
            {"name": "Collection agency", "email": "agency@example.com"}
        )
        note = self.env.ref("mail.mt_note")
        Execution = type(self.env["account.followup.execution"])
        original = Execution._create_reminders

        def create_reminders(execution, values_list):
            reminders = original(execution, values_list)
            for reminder in reminders:
                if reminder.partner_id == self.customer2:
                    reminder.message_subscribe(
                        (follower_user.partner_id | follower_contact).ids
                    )
                if reminder.partner_id == self.customer3:
                    # its recipient follows it, but not its messages
                    reminder.message_subscribe(
                        self.customer3.ids, subtype_ids=[note.id]
                    )
            return reminders

        # what reaches mail's query (through the batch's answers, or not)
        Followers = mail_followers.Followers
        original_data = Followers._get_recipient_data
        asked = []

        def recipient_data(followers, records, message_type, subtype_id, pids=None):
            asked.append((records._name, len(records), tuple(pids or ())))
            return original_data(followers, records, message_type, subtype_id, pids)

        with (
            patch.object(Execution, "_create_reminders", create_reminders),
            patch.object(Followers, "_get_recipient_data", recipient_data),
        ):
            _totals, one = self.run_and_snapshot(one_by_one=True)
            one_by_one_queries = len(asked)
            asked.clear()
            _totals, batch = self.run_and_snapshot(one_by_one=False)
        for name in one:
            with self.subTest(customer=name):
                self.assertEqual(batch[name], one[name])
        notified = {
            partner_id
            for partner_id, *_rest in batch["Customer Two"]["reminders"][0][
                "notifications"
            ]
        }
        self.assertEqual(
            notified,
            {
                self.customer2.id,
                follower_user.partner_id.id,
                follower_contact.id,
            },
        )
        self.assertEqual(one_by_one_queries, 4, "one by one: one query a message")
        # the batch: the recipients of all, then the own query of the reminders
        # of customers two and three (they have followers)
        self.assertEqual(
            [(count, len(pids)) for _model, count, pids in asked],
            [(0, 4), (1, 1), (1, 1)],
        )

    def test_batch_costs_fewer_queries(self):
        def run(one_by_one):
            with suppress(Rollback), self.env.cr.savepoint():
                before = self.env.cr.sql_log_count
                totals = self.run_cron(one_by_one)
                count = self.env.cr.sql_log_count - before
                raise Rollback
            self.env.invalidate_all()
            self.assertEqual(totals["processed"], 4)
            return count

        one = run(one_by_one=True)
        batch = run(one_by_one=False)
        # the batch's steps are done once for the four customers: at least ten
        # queries fewer per customer
        self.assertGreaterEqual(
            one - batch, 4 * 10, f"batch {batch} vs one by one {one}"
        )

    def test_a_failing_batch_is_executed_one_by_one(self):
        """An unexpected error in the batch (here: the notification of the third
        customer) rolls the batch back; each customer is then executed on its
        own: the failing one is reported, the others get one reminder each."""
        Send = type(self.env["account.followup.send"])
        original = Send._notify_prepare
        Mail = type(self.env["mail.thread"])
        original_notify = Mail._notify_thread
        failing = self.customer3

        def notify_prepare(send, record, message, msg_values):
            if record.partner_id == failing:
                raise RuntimeError("notification broken")
            return original(send, record, message, msg_values)

        def notify_thread(record, message, msg_vals=False, **kwargs):
            if record._name == "account.followup.reminder" and (
                record.partner_id == failing
            ):
                raise RuntimeError("notification broken")
            return original_notify(record, message, msg_vals=msg_vals, **kwargs)

        with (
            patch.object(Send, "_notify_prepare", notify_prepare),
            patch.object(Mail, "_notify_thread", notify_thread),
            patch.object(bulk_module._logger, "info") as logged,
        ):
            totals = self.run_cron(one_by_one=False)
        self.assertTrue(logged.called, "the batch failure is logged")
        self.assertEqual(totals["processed"], 3)
        self.assertEqual(totals["failed"], 1)
        Reminder = self.env["account.followup.reminder"].sudo()
        for partner in self.customers - failing:
            reminders = Reminder.search([("partner_id", "=", partner.id)])
            self.assertEqual(len(reminders), 1, partner.name)
            self.assertEqual(len(reminders.email_message_id), 1)
        self.assertFalse(Reminder.search([("partner_id", "=", failing.id)]))
        self.assertIn(
            "unexpected error",
            str(self.notes(failing)[:1].body),
        )
        # the next run sends the failing customer's, once
        with freeze_time("2026-01-26"):
            self.assertEqual(self.run_cron(one_by_one=False)["processed"], 1)
        self.assertEqual(len(Reminder.search([("partner_id", "=", failing.id)])), 1)

    def test_customers_not_on_an_email_level_go_one_by_one(self):
        """A level that also prints a letter or plans a call, a customer without
        an address: executed one by one, as always, beside the batch."""
        self.level(-3).write({"manual_action": True})
        self.customer2.email = False
        # customer2's invoice is due in 5 days: level -3 (email + call)
        self.make_invoice(self.customer2, amount=50.0, due="2026-01-28")
        posted = []
        Send = type(self.env["account.followup.send"])
        original = Send._post_messages_bulk

        def post_messages_bulk(send, posts):
            posted.append(sorted(record.partner_id.name for record, _v in posts))
            return original(send, posts)

        with patch.object(Send, "_post_messages_bulk", post_messages_bulk):
            totals = self.run_cron(one_by_one=False)
        self.assertEqual(
            posted, [["Customer Four Ltd", "Customer One", "Customer Three"]]
        )
        self.assertEqual(totals["processed"], 3)
        self.assertEqual(totals["failed"], 1)
        self.assertIn(
            "no valid email address", str(self.notes(self.customer2)[:1].body)
        )

    def test_a_customer_locked_elsewhere_is_left_for_later(self):
        """Another transaction holds one customer: the batch sends the others,
        the held one is skipped as one by one skips it."""
        Execution = type(self.env["account.followup.execution"])
        original = Execution._cron_lock_many

        def cron_lock_many(execution, partners):
            states = original(execution, partners)
            states.pop(self.customer2.id, None)
            return states

        original_lock = Execution._cron_lock

        def cron_lock(execution, partner):
            if partner == self.customer2:
                return None
            return original_lock(execution, partner)

        with (
            patch.object(Execution, "_cron_lock_many", cron_lock_many),
            patch.object(Execution, "_cron_lock", cron_lock),
        ):
            totals = self.run_cron(one_by_one=False)
        self.assertEqual(totals["processed"], 3)
        self.assertFalse(self.reminder_ids(self.customer2))
        self.assertEqual(
            self.customer2.followup_status, "in_need_of_action", "still to do"
        )


@tagged("post_install", "-at_install")
class TestSanitizeOnce(TransactionCase):
    """``tools.sanitize_once``: the HTML a batch writes sanitized once per block,
    with the result html_sanitize gives."""

    def test_same_result_computed_once_in_the_block(self):
        html = Markup(
            '<p onclick="steal()">Dear <b>customer</b><script>x()</script></p>'
        )
        expected = mail_tools.html_sanitize(html)
        partner = self.env["res.partner"].create({"name": "Customer"})
        calls = []

        def counting(src, **kwargs):
            if "Dear" in src:
                calls.append(kwargs)
            return mail_tools.html_sanitize(src, **kwargs)

        memoized = followup_tools._memoized_html_sanitize(counting)

        def log():
            return partner._message_log_batch(bodies={partner.id: html})

        with patch("odoo.fields.html_sanitize", memoized):
            outside = log()
            self.assertEqual(len(calls), 2, "Odoo: for the column and the cache")
            with followup_tools.sanitize_once():
                with followup_tools.sanitize_once():  # nested: the outer one keeps
                    inside = log() | log()
                self.assertEqual(len(calls), 3, "two messages of one body: once")
                # other options: computed again, once
                memoized(html, strip_style=True)
                memoized(html, strip_style=True)
                self.assertEqual(len(calls), 4)
            log()
            self.assertEqual(len(calls), 6, "after the block: as Odoo")
        self.assertEqual(
            {str(body) for body in (outside | inside).mapped("body")}, {expected}
        )
        self.assertIn("Dear <b>customer</b>", expected)
        self.assertNotIn("script", expected)
        self.assertNotIn("onclick", expected)

    def test_installed_by_a_block(self):
        import odoo.fields

        with followup_tools.sanitize_once():
            self.assertTrue(
                getattr(odoo.fields.html_sanitize, "followup_memoized", False)
            )
            self.assertEqual(
                odoo.fields.html_sanitize("<p>a<script>b</script></p>"),
                mail_tools.html_sanitize("<p>a<script>b</script></p>"),
            )
