# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One partner's failure never stops the others, and a run cut
by its time budget resumes where it stopped."""

from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.account_payment_followup.models import (
    account_followup_cron as cron_module,
)

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestReliabilityIsolation(FollowupCommon):
    def setUp(self):
        super().setUp()
        with freeze_time("2026-01-10"):
            self.invoice = self.make_invoice(due="2026-01-20")
            self.invoice2 = self.make_invoice(partner=self.customer2, due="2026-01-20")

    def emails(self, partner):
        return self.env["mail.message"].search(
            [
                ("model", "=", "account.followup.reminder"),
                ("res_id", "in", self.reminder_ids(partner)),
                ("message_type", "=", "comment"),
                ("subtype_id.internal", "=", False),
            ]
        )

    def run_cron(self, **kwargs):
        kwargs.setdefault("auto_commit", False)
        return self.env["res.partner"]._cron_execute_followups(**kwargs)

    def assert_isolated(self, totals, reason):
        """customer failed with ``reason`` on record, customer2 was processed."""
        self.assertEqual(totals["processed"], 1)
        self.assertEqual(totals["failed"], 1)
        self.assertFalse(self.emails(self.customer))
        self.assertFalse(self.receivable_lines(self.invoice).followup_level_id)
        self.assertEqual(len(self.emails(self.customer2)), 1)
        notes = self.customer.message_ids.filtered(
            lambda m: "Follow-up failed" in (m.body or "")
        )
        self.assertTrue(notes, "the failure is written on the customer")
        self.assertRegex(str(notes[0].body), reason)
        activity = self.customer.activity_ids.filtered(
            lambda a: a.summary == "Follow-up failed"
        )
        self.assertEqual(len(activity), 1, "one activity for the responsible")
        return activity

    def test_template_raises_for_one_partner(self):
        Template = type(self.env["mail.template"])
        original = Template._render_field
        customer = self.customer

        def render_field(template, field, res_ids, *args, **kwargs):
            if customer.id in res_ids:
                raise ValueError("broken placeholder {{ object.nope }}")
            return original(template, field, res_ids, *args, **kwargs)

        with (
            freeze_time("2026-01-25"),
            patch.object(Template, "_render_field", render_field),
        ):
            totals = self.run_cron()
        activity = self.assert_isolated(totals, "template .* could not be rendered")
        # the error itself is for the server log, not for the chatter
        for text in (activity.note, self.customer.message_ids[:1].body):
            self.assertNotIn("object.nope", str(text))
        with freeze_time("2026-01-26"):
            # fixed: the next run sends it, once; the failure activity is not
            # duplicated by a second failure either
            self.assertEqual(self.run_cron()["processed"], 1)
            self.assertEqual(self.run_cron()["processed"], 0)
        self.assertEqual(len(self.emails(self.customer)), 1)

    def test_blacklisted_email(self):
        self.env["mail.blacklist"].sudo()._add(self.customer.email)
        with freeze_time("2026-01-25"):
            totals = self.run_cron()
        self.assert_isolated(totals, "blacklisted")

    def test_invalid_email(self):
        self.customer.email = "not an email"
        with freeze_time("2026-01-25"):
            totals = self.run_cron()
        self.assert_isolated(totals, "no valid email")

    def test_failure_reported_once_while_open(self):
        self.customer.email = False
        for day in ("2026-01-25", "2026-01-26"):
            with freeze_time(day):
                self.run_cron()
        self.assertEqual(
            len(
                self.customer.activity_ids.filtered(
                    lambda a: a.summary == "Follow-up failed"
                )
            ),
            1,
        )

    def test_wkhtmltopdf_fails(self):
        """The invoices attached to the email cannot be rendered for one partner."""
        self.level(1).attach_invoices = True
        Report = type(self.env["ir.actions.report"])
        original = Report._pre_render_qweb_pdf
        invoice = self.invoice

        def render_pdf(report, report_ref, res_ids=None, data=None):
            if res_ids and invoice.id in list(res_ids):
                raise OSError("Wkhtmltopdf failed (error code: -11)")
            return original(report, report_ref, res_ids=res_ids, data=data)

        with (
            freeze_time("2026-01-25"),
            patch.object(Report, "_pre_render_qweb_pdf", render_pdf),
        ):
            totals = self.run_cron()
        activity = self.assert_isolated(
            totals, f"PDF of the invoice {invoice.name} could not be rendered"
        )
        self.assertNotIn("error code", str(activity.note))

    def test_smtp_down_no_queue_forever_no_storm(self):
        """The reminders are queued; the mail queue meets a dead SMTP server: the
        mails end in exception (visible, re-sendable from the chatter), never stay
        outgoing, and the next run does not queue them again."""
        with freeze_time("2026-01-25"):
            self.assertEqual(self.run_cron()["processed"], 2)
            mails = self.env["mail.mail"].search(
                [("mail_message_id", "in", self.emails(self.customer).ids)]
            )
            self.assertEqual(mails.mapped("state"), ["outgoing"])
            with patch.object(
                type(self.env["ir.mail_server"]),
                "send_email",
                side_effect=ConnectionRefusedError("SMTP down"),
            ):
                mails.send(raise_exception=False)
            self.assertEqual(mails.state, "exception")
            self.assertTrue(mails.failure_reason)
        with freeze_time("2026-01-26"):
            self.assertEqual(self.run_cron()["processed"], 0, "no storm")
        self.assertEqual(len(self.emails(self.customer)), 1)

    def test_time_budget_stops_and_next_sitting_resumes(self):
        """Budget spent after the first batch: the cron reports one partner left;
        the next sitting does it, and only it."""
        clock = iter([0, 0, 1000, 1000, 1000])
        progress = []

        def notify(cron, *, done, remaining, deactivate=False):
            progress.append((done, remaining))

        Cron = type(self.env["ir.cron"])
        with (
            freeze_time("2026-01-25"),
            patch.object(Cron, "_notify_progress", notify),
        ):
            with patch.object(cron_module.time, "monotonic", lambda: next(clock)):
                first = self.run_cron(batch_size=1, time_budget=10)
            self.assertEqual(first["processed"], 1)
            self.assertEqual(progress, [(1, 1)], "one partner left: run again")
            done_first = self.customer if self.emails(self.customer) else self.customer2
            second = self.run_cron(batch_size=1, time_budget=10)
            self.assertEqual(second["processed"], 1)
        self.assertEqual(len(self.emails(self.customer)), 1)
        self.assertEqual(len(self.emails(self.customer2)), 1)
        self.assertEqual(done_first, self.customer, "by id, the first one first")
