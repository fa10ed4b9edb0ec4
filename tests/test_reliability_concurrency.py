# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Crashes, retries and concurrent transactions, with real commits.

A failure after some partners, a serialization failure, a user and the cron on the
same partner, and a failing partner in the real cron: a ``TransactionCase`` cannot commit,
so these tests create their data in separate cursors (``registry.cursor()``),
commit it, drive the real cron job machinery (``ir.cron._acquire_one_job`` /
``_process_job``) and delete everything they created afterwards. Every cursor has
a lock timeout so that a regression shows as a failure, never as a hung test."""

import secrets
import threading
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

import psycopg2
from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase
from odoo.tools import SQL

from odoo.addons.account_payment_followup.models.account_followup_execution import (
    AccountFollowupExecution as Execution,
)

MAIL_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}


class WorkerKilled(BaseException):
    """What a worker killed by its time limit looks like from inside: nothing
    catches it."""


@tagged("post_install", "-at_install")
class TestReliabilityConcurrency(TransactionCase):
    partner_count = 5

    @contextmanager
    def new_env(self, uid=SUPERUSER_ID, context=None):
        """A transaction of its own, committed on exit (rolled back on error)."""
        with self.registry.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '10s'")
            yield api.Environment(cr, uid, dict(MAIL_CONTEXT, **(context or {})))

    def setUp(self):
        super().setUp()
        self.token = secrets.token_hex(4)
        self.created = {"move": [], "partner": [], "user": []}
        self.addCleanup(self._cleanup)
        with self.new_env() as env:
            company = env.ref("base.main_company")
            self.company_id = company.id
            cron = env.ref("account_payment_followup.ir_cron_followup")
            self.cron_id = cron.id
            self.cron_state = cron.read(
                ["nextcall", "lastcall", "failure_count", "first_failure_date"],
                load=None,
            )[0]
            cron.nextcall = fields.Datetime.now() - timedelta(hours=1)
            self.today = company._followup_today()
            partners = env["res.partner"].create(
                [
                    {
                        "name": f"Reliability {self.token} {index}",
                        "email": f"rel{index}.{self.token}@example.com",
                        "street": f"{index} Rue Haute",
                        "city": "Liège",
                        "zip": "4000",
                        "country_id": env.ref("base.be").id,
                    }
                    for index in range(self.partner_count)
                ]
            )
            self.created["partner"] = partners.ids
            self.partner_ids = partners.ids
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "invoice_date": self.today - timedelta(days=20),
                        "invoice_date_due": self.today - timedelta(days=5),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Consulting",
                                    "quantity": 1,
                                    "price_unit": 100.0 + index,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for index, partner in enumerate(partners)
                ]
            )
            moves.action_post()
            self.created["move"] = moves.ids
            user = new_test_user(
                env,
                login=f"billing_{self.token}",
                groups="base.group_user,account.group_account_invoice",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
            self.created["user"] = user.ids
            self.billing_uid = user.id

    def _cleanup(self):
        with self.new_env() as env:
            moves = env["account.move"].browse(self.created["move"]).exists()
            moves.filtered(lambda m: m.state == "posted").button_draft()
            moves.with_context(force_delete=True).unlink()
            partner_ids = self.created["partner"]
            reminders = env["account.followup.reminder"].search(
                [("partner_id", "in", partner_ids)]
            )
            env["mail.mail"].search(
                [
                    ("model", "in", ("res.partner", "account.followup.reminder")),
                    ("res_id", "in", partner_ids + reminders.ids),
                ]
            ).unlink()
            reminders.unlink()
            env["res.partner"].browse(partner_ids).exists().unlink()
            users = env["res.users"].browse(self.created["user"]).exists()
            user_partners = users.partner_id
            users.unlink()
            user_partners.unlink()
            cron = env["ir.cron"].browse(self.cron_id)
            cron.write({key: self.cron_state[key] for key in self.cron_state})
            env["ir.cron.progress"].search([("cron_id", "=", self.cron_id)]).unlink()
            env["ir.config_parameter"].set_param(
                "account_payment_followup.cron_batch_size", False
            )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def run_cron_job(self):
        """One sitting of the real cron worker: acquire the job, run it, commit
        (the thread is not flagged as testing, so the run commits its batches)."""
        with (
            self.registry.cursor() as cron_cr,
            patch.object(threading.current_thread(), "testing", False),
        ):
            job = self.registry["ir.cron"]._acquire_one_job(cron_cr, self.cron_id)
            self.assertTrue(job, "the follow-up job is ready")
            self.registry["ir.cron"]._process_job(self.registry.db_name, cron_cr, job)

    def set_batch_size(self, size):
        with self.new_env() as env:
            env["ir.config_parameter"].set_param(
                "account_payment_followup.cron_batch_size", size
            )

    def reminders(self):
        """{partner_id: (reminder emails, queued mails, level stamps)} as committed."""
        with self.new_env() as env:
            result = {}
            for partner_id in self.partner_ids:
                reminder_ids = (
                    env["account.followup.reminder"]
                    .search([("partner_id", "=", partner_id)])
                    .ids
                )
                messages = env["mail.message"].search(
                    [
                        ("model", "=", "account.followup.reminder"),
                        ("res_id", "in", reminder_ids),
                        ("message_type", "=", "comment"),
                        ("subtype_id.internal", "=", False),
                    ]
                )
                mails = env["mail.mail"].search_count(
                    [("mail_message_id", "in", messages.ids)]
                )
                lines = env["account.move.line"].search(
                    [
                        ("partner_id", "=", partner_id),
                        ("account_id.account_type", "=", "asset_receivable"),
                    ]
                )
                result[partner_id] = (
                    len(messages),
                    mails,
                    len(lines.filtered("followup_level_id")),
                )
            return result

    def cron_record(self):
        with self.new_env() as env:
            return (
                env["ir.cron"]
                .browse(self.cron_id)
                .read(["failure_count", "nextcall"], load=None)[0]
            )

    def kill_at_partner(self, number, how):
        """Patch the execution so that the run dies when it reaches the partner
        ``number`` (1-based) of the run."""
        original = Execution._execute_one
        calls = []
        test = self

        def execute_one(execution, partner, *args, **kwargs):
            calls.append(partner.id)
            if len(calls) == number:
                if how == "connection":
                    # the server loses the worker's connection: PostgreSQL rolls
                    # back everything not committed yet
                    pid = partner.env.execute_query(SQL("SELECT pg_backend_pid()"))[0][
                        0
                    ]
                    with test.registry.cursor() as other:
                        other.execute("SELECT pg_terminate_backend(%s)", [pid])
                raise WorkerKilled()
            return original(execution, partner, *args, **kwargs)

        return patch.object(Execution, "_execute_one", execute_one)

    # ------------------------------------------------------------------
    # 2. A failure after k partners, the rerun does exactly the rest
    # ------------------------------------------------------------------

    def _assert_crash_and_rerun(self, kill_at, how, committed):
        self.set_batch_size(2)
        died = None
        with self.kill_at_partner(kill_at, how):
            try:
                self.run_cron_job()
            except (WorkerKilled, psycopg2.Error) as error:
                died = error
        self.assertTrue(died, "the worker died")
        after_crash = self.reminders()
        done = [pid for pid, (emails, _m, _s) in after_crash.items() if emails]
        self.assertEqual(done, self.partner_ids[:committed], "committed work kept")
        for emails, mails, stamps in after_crash.values():
            self.assertIn((emails, mails, stamps), [(0, 0, 0), (1, 1, 1)])
        self.assertEqual(self.cron_record()["failure_count"], 0)
        # the next sitting of the worker
        self.run_cron_job()
        final = self.reminders()
        self.assertEqual(
            final, dict.fromkeys(self.partner_ids, (1, 1, 1)), "each exactly once"
        )
        with self.new_env() as env:
            progress = env["ir.cron.progress"].search(
                [("cron_id", "=", self.cron_id)], order="id desc", limit=1
            )
            self.assertEqual(progress.done, self.partner_count - committed)
        # and a third run has nothing left to do
        with self.new_env() as env:
            env["ir.cron"].browse(self.cron_id).nextcall = fields.Datetime.now()
        self.run_cron_job()
        self.assertEqual(self.reminders(), final)

    def test_crash_after_a_commit(self):
        """Killed on the first partner of the second batch: the first batch was
        committed, the rerun does the three others."""
        self._assert_crash_and_rerun(kill_at=3, how="raise", committed=2)

    def test_crash_before_a_commit(self):
        """Connection lost on the second partner of the second batch: the third
        partner's reminder, queued but not committed, is gone with its stamp; the
        rerun sends it once."""
        self._assert_crash_and_rerun(kill_at=4, how="connection", committed=2)

    def test_bad_data_does_not_fail_the_cron(self):
        """Cron side: a partner without email is reported, the others
        are processed, the job is not counted as failed."""
        with self.new_env() as env:
            env["res.partner"].browse(self.partner_ids[1]).email = False
        self.run_cron_job()
        result = self.reminders()
        self.assertEqual(result.pop(self.partner_ids[1]), (0, 0, 0))
        self.assertEqual(set(result.values()), {(1, 1, 1)})
        cron = self.cron_record()
        self.assertEqual(cron["failure_count"], 0)
        self.assertGreater(cron["nextcall"], fields.Datetime.now(), "fully done")
        with self.new_env() as env:
            failed = env["res.partner"].browse(self.partner_ids[1])
            self.assertIn(
                "Follow-up failed", failed.activity_ids.mapped("summary"), "to fix"
            )

    # ------------------------------------------------------------------
    # 3. A serialization failure after the mail is prepared
    # ------------------------------------------------------------------

    def test_serialization_failure_after_mail_prepared(self):
        """Another transaction updates the invoice line after this one read it:
        writing the stamp fails once the email is queued; the batch is rolled
        back with its mail and retried: one mail in the end."""
        target = self.partner_ids[2]
        original = Execution._mark_done
        injected = []
        test = self

        def mark_done(execution, partner, level, *args, **kwargs):
            if partner.id == target and not injected:
                injected.append(
                    partner.env["mail.mail"].search_count(
                        [("model", "=", "account.followup.reminder")]
                        + [
                            (
                                "res_id",
                                "in",
                                partner.env["account.followup.reminder"]
                                .search([("partner_id", "=", target)])
                                .ids,
                            )
                        ]
                    )
                )
                with test.registry.cursor() as other:
                    other.execute(
                        "UPDATE account_move_line SET followup_note = 'concurrent' "
                        "WHERE partner_id = %s",
                        [target],
                    )
            return original(execution, partner, level, *args, **kwargs)

        self.set_batch_size(2)
        with patch.object(Execution, "_mark_done", mark_done):
            self.run_cron_job()
        self.assertEqual(injected, [1], "the mail was prepared when it failed")
        self.assertEqual(self.reminders(), dict.fromkeys(self.partner_ids, (1, 1, 1)))
        self.assertEqual(self.cron_record()["failure_count"], 0)

    def test_serialization_failure_without_auto_commit_propagates(self):
        """Without its own commits (called from a user's request), the run lets the
        serialization failure go up: Odoo retries the whole request."""
        target = self.partner_ids[0]

        def mark_done(execution, partner, level, *args, **kwargs):
            raise pg_errors.SerializationFailure("concurrent update")

        with (
            patch.object(Execution, "_mark_done", mark_done),
            self.assertRaises(pg_errors.SerializationFailure),
            self.new_env() as env,
        ):
            env["res.partner"]._cron_execute_followups(auto_commit=False)
        self.assertEqual(self.reminders()[target], (0, 0, 0))

    # ------------------------------------------------------------------
    # 4. A user and the cron on the same partner
    # ------------------------------------------------------------------

    def test_user_while_cron_holds_the_partner(self):
        target = self.partner_ids[0]
        with self.new_env() as cron_env:
            partner = cron_env["res.partner"].browse(target)
            self.assertEqual(
                partner.env["account.followup.execution"]._lock(partner), partner
            )
            # meanwhile the credit controller clicks "Process follow-ups"
            with (
                self.assertRaisesRegex(UserError, "being processed by someone else"),
                self.new_env(uid=self.billing_uid) as user_env,
            ):
                user_env["res.partner"].browse(target).action_followup_process()
            summary = cron_env["account.followup.execution"]._execute(partner)
            self.assertEqual(summary["processed"], partner)
        with (
            self.assertRaisesRegex(UserError, "no follow-up to do now"),
            self.new_env(uid=self.billing_uid) as user_env,
        ):
            user_env["res.partner"].browse(target).action_followup_process()
        self.assertEqual(self.reminders()[target], (1, 1, 1))

    def test_cron_while_user_holds_the_partner(self):
        target = self.partner_ids[0]
        with self.new_env(uid=self.billing_uid) as user_env:
            partner = user_env["res.partner"].browse(target)
            self.assertEqual(
                partner.env["account.followup.execution"]._lock(partner), partner
            )
            with (
                self.new_env() as cron_env,
                patch.object(threading.current_thread(), "testing", False),
            ):
                totals = cron_env["res.partner"]._cron_execute_followups()
            self.assertEqual(totals["skipped"], 1)
            self.assertEqual(totals["processed"], self.partner_count - 1)
            partner.action_followup_process()
        result = self.reminders()
        self.assertEqual(result, dict.fromkeys(self.partner_ids, (1, 1, 1)))

    def test_user_with_an_older_snapshot(self):
        """The user's transaction read the partner before the cron processed and
        committed it: taking the lock afterwards must not send a second reminder
        (the re-check would read the old snapshot)."""
        target = self.partner_ids[0]
        refused = None
        try:
            with self.new_env(uid=self.billing_uid) as user_env:
                partner = user_env["res.partner"].browse(target)
                self.assertEqual(partner.followup_status, "in_need_of_action")
                with self.new_env() as cron_env:
                    cron_env["account.followup.execution"]._execute(
                        cron_env["res.partner"].browse(target)
                    )
                partner.action_followup_process()
        except (UserError, pg_errors.TransactionRollbackError) as error:
            # a serialization failure makes Odoo retry the request, which then
            # finds nothing to do
            refused = error
        self.assertTrue(refused, "the user's click did not send anything")
        self.assertEqual(self.reminders()[target], (1, 1, 1))
