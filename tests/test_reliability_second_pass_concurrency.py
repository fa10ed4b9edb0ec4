# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Security and reliability, second pass: the items about concurrent transactions
and crashed workers (2, 7 and 10), with real commits.

As in ``test_reliability_concurrency``: the data is created and committed in
separate cursors (``registry.cursor()``) and deleted afterwards; every cursor has
a lock timeout, so that a regression shows as a failure, never as a hung test."""

import secrets
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase

from odoo.addons.account_payment_followup.models.account_followup_cron import (
    AccountFollowupExecution as AccountFollowupCron,
)
from odoo.addons.account_payment_followup.models.account_followup_execution import (
    AccountFollowupExecution,
)

MAIL_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}


class WorkerKilled(BaseException):
    """What a worker killed by its time or memory limit looks like from inside:
    nothing catches it."""


@tagged("post_install", "-at_install")
class TestReliabilitySecondPassConcurrency(TransactionCase):
    partner_count = 5

    @contextmanager
    def new_env(self, uid=SUPERUSER_ID, context=None, lock_timeout="10s"):
        """A transaction of its own, committed on exit (rolled back on error)."""
        with self.registry.cursor() as cr:
            cr.execute(f"SET LOCAL lock_timeout = '{lock_timeout}'")
            yield api.Environment(cr, uid, dict(MAIL_CONTEXT, **(context or {})))

    def setUp(self):
        super().setUp()
        self.token = secrets.token_hex(4)
        self.created = {"move": [], "partner": [], "user": [], "level": {}}
        self.addCleanup(self._cleanup)
        with self.new_env() as env:
            company = env.ref("base.main_company")
            self.company_id = company.id
            self.today = company._followup_today()
            partners = env["res.partner"].create(
                [
                    {
                        "name": f"Second pass {self.token} {index}",
                        "email": f"sp{index}.{self.token}@example.com",
                        "street": f"{index} Rue Haute",
                        "city": "Liège",
                        "zip": "4000",
                        "country_id": env.ref("base.be").id,
                    }
                    for index in range(self.partner_count)
                ]
            )
            self.partner_ids = partners.ids
            self.created["partner"] = partners.ids
            moves = self._invoices(env, partners)
            self.level_id = (
                env["account.followup.level"]
                .search(
                    [("company_id", "=", company.id), ("delay", "<=", 5)],
                    order="delay desc",
                    limit=1,
                )
                .id
            )
            level = env["account.followup.level"].browse(self.level_id)
            self.created["level"] = {"auto_execute": level.auto_execute}
            level.auto_execute = True
            self.created["move"] = moves.ids
            user = new_test_user(
                env,
                login=f"sp_billing_{self.token}",
                groups="base.group_user,account.group_account_invoice",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
            self.created["user"] = user.ids
            self.billing_uid = user.id

    def _invoices(self, env, partners, days_late=5):
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": self.company_id,
                    "invoice_date": self.today - timedelta(days=20),
                    "invoice_date_due": self.today - timedelta(days=days_late),
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
        return moves

    def _cleanup(self):
        with self.new_env() as env:
            partner_ids = self.created["partner"]
            moves = (
                env["account.move"].search([("partner_id", "in", partner_ids)])
                | env["account.move"].browse(self.created["move"]).exists()
            )
            moves.filtered(lambda m: m.state == "posted").button_draft()
            moves.with_context(force_delete=True).unlink()
            reminders = env["account.followup.reminder"].search(
                [("partner_id", "in", partner_ids)]
            )
            env["mail.mail"].search(
                [
                    "|",
                    "&",
                    ("model", "=", "res.partner"),
                    ("res_id", "in", partner_ids),
                    "&",
                    ("model", "=", "account.followup.reminder"),
                    ("res_id", "in", reminders.ids),
                ]
            ).unlink()
            reminders.unlink()
            env["res.partner"].with_context(active_test=False).browse(
                partner_ids
            ).exists().unlink()
            users = env["res.users"].browse(self.created["user"]).exists()
            user_partners = users.partner_id
            users.unlink()
            user_partners.unlink()
            if self.created["level"]:
                env["account.followup.level"].browse(self.level_id).write(
                    self.created["level"]
                )
            env["ir.config_parameter"].set_param(
                "account_payment_followup.cron_batch_size", False
            )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def run_cron(self, batch_size=1):
        """The daily run as the cron worker runs it: committing batch by batch."""
        with (
            self.new_env() as env,
            patch.object(threading.current_thread(), "testing", False),
        ):
            return env["res.partner"]._cron_execute_followups(batch_size=batch_size)

    def reminded(self):
        """{partner_id: number of reminders} as committed."""
        with self.new_env() as env:
            groups = env["account.followup.reminder"]._read_group(
                [("partner_id", "in", self.partner_ids)], ["partner_id"], ["__count"]
            )
            counts = {partner.id: count for partner, count in groups}
            return {pid: counts.get(pid, 0) for pid in self.partner_ids}

    # ------------------------------------------------------------------
    # 2. What changes during the run is seen after the lock
    # ------------------------------------------------------------------

    def test_02_unticked_during_the_run(self):
        """While the daily run works its way through the customers, a user makes
        one customer Manual, archives another and, later, unticks "Automatic" on
        the level: none of them is reminded by the batches that follow."""
        manual, archived, after_level = (
            self.partner_ids[1],
            self.partner_ids[2],
            self.partner_ids[4],
        )
        original = AccountFollowupCron._cron_batch
        test = self

        def cron_batch(execution, batch):
            partner_id = batch[0][1]
            with test.new_env() as env:
                if partner_id == manual:
                    env["res.partner"].browse(manual).followup_reminder_type = "manual"
                elif partner_id == archived:
                    env["res.partner"].browse(archived).action_archive()
                elif partner_id == after_level:
                    env["account.followup.level"].browse(
                        test.level_id
                    ).auto_execute = False
            return original(execution, batch)

        with patch.object(AccountFollowupCron, "_cron_batch", cron_batch):
            totals = self.run_cron(batch_size=1)
        self.assertEqual(
            self.reminded(),
            {
                self.partner_ids[0]: 1,
                manual: 0,
                archived: 0,
                self.partner_ids[3]: 1,
                after_level: 0,
            },
        )
        self.assertEqual(totals["processed"], 2)

    # ------------------------------------------------------------------
    # 7. A poison customer
    # ------------------------------------------------------------------

    def test_07_poison_customer_goes_last_then_is_skipped(self):
        """The first customer crashes the worker (time or memory limit) whenever
        it is processed: the next run does the others first, and after three
        crashes it is reported and skipped."""
        poison = self.partner_ids[0]
        original = AccountFollowupExecution._execute_one

        def execute_one(execution, partner, *args, **kwargs):
            if partner.id == poison:
                raise WorkerKilled()
            return original(execution, partner, *args, **kwargs)

        with patch.object(AccountFollowupExecution, "_execute_one", execute_one):
            # 1st run: dies on the first customer, nobody is reminded
            with self.assertRaises(WorkerKilled):
                self.run_cron(batch_size=2)
            self.assertEqual(set(self.reminded().values()), {0})
            # 2nd run: the customers of other batches first, then those of the
            # killed batch, alone: the poison first (same count, lower id)
            with self.assertRaises(WorkerKilled):
                self.run_cron(batch_size=2)
            reminded = self.reminded()
            self.assertEqual(reminded.pop(poison), 0)
            self.assertEqual(reminded.pop(self.partner_ids[1]), 0)
            self.assertEqual(set(reminded.values()), {1}, "nobody else is blocked")
            # 3rd run: its batch-mate goes first now (fewer crashes), then the
            # poison, alone
            with self.assertRaises(WorkerKilled):
                self.run_cron(batch_size=2)
            reminded = self.reminded()
            self.assertEqual(reminded.pop(poison), 0)
            self.assertEqual(set(reminded.values()), {1})
            # 4th run: reported and skipped, the run ends normally
            totals = self.run_cron(batch_size=2)
        self.assertEqual(totals["processed"], 0)
        with self.new_env() as env:
            partner = env["res.partner"].browse(poison)
            self.assertIn(
                "Follow-up failed", partner.activity_ids.mapped("summary"), "to fix"
            )
            body = " ".join(
                env["mail.message"]
                .search([("model", "=", "res.partner"), ("res_id", "=", poison)])
                .mapped("body")
            )
            self.assertIn("stopped", body)
        # a 5th run neither crashes nor reports it again
        with patch.object(AccountFollowupExecution, "_execute_one", execute_one):
            self.run_cron(batch_size=2)
        with self.new_env() as env:
            self.assertEqual(
                env["mail.message"].search_count(
                    [
                        ("model", "=", "res.partner"),
                        ("res_id", "=", poison),
                        ("body", "ilike", "stopped"),
                    ]
                ),
                1,
            )
        # the customer processed by hand is back in the daily run
        with self.new_env(uid=self.billing_uid) as env:
            env["res.partner"].browse(poison).action_followup_process()
        with self.new_env() as env:
            partner = env["res.partner"].with_company(self.company_id).browse(poison)
            self.assertFalse(partner.followup_cron_attempts)

    # ------------------------------------------------------------------
    # 10. Invoicing never waits on the follow-ups
    # ------------------------------------------------------------------

    def _set_next_date(self, partner_id, days):
        with self.new_env() as env:
            env["res.partner"].browse(partner_id).followup_next_action_date = (
                self.today + timedelta(days=days)
            )

    def _post_invoice(self, env, partner_id):
        return self._invoices(env, env["res.partner"].browse(partner_id), days_late=-30)

    def test_10_posting_while_the_run_holds_the_customer(self):
        """The daily run holds the customer's row lock for its batch: posting an
        invoice for that customer does not wait for it."""
        target = self.partner_ids[0]
        self._set_next_date(target, 60)
        with self.new_env() as run_env:
            partner = run_env["res.partner"].browse(target)
            Execution = run_env["account.followup.execution"]
            self.assertEqual(Execution._lock(partner), partner)
            started = time.monotonic()
            with self.new_env(uid=self.billing_uid, lock_timeout="3s") as user_env:
                moves = self._post_invoice(user_env, target)
                self.created["move"] += moves.ids
                self.assertEqual(moves.state, "posted")
            self.assertLess(time.monotonic() - started, 3, "did not wait")

    def test_10_posting_after_the_run_changed_the_customer(self):
        """The run commits a new follow-up date on the customer after the posting
        transaction started: no serialization failure for the invoice."""
        target = self.partner_ids[0]
        self._set_next_date(target, 60)
        with self.new_env(uid=self.billing_uid) as user_env:
            # the posting transaction has its snapshot
            user_env["res.partner"].browse(target).read(["name"])
            self._set_next_date(target, 50)
            moves = self._post_invoice(user_env, target)
            self.created["move"] += moves.ids
            self.assertEqual(moves.state, "posted")
