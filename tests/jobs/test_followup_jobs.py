# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily run and large batches as queue jobs (OCA queue_job installed).

Collected only on a database where queue_job is installed (scripts/test.sh runs
this folder in a second database); the main suite leaves it out.
"""

from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import errors as pg_errors

from odoo.tests import tagged

from odoo.addons.mail.models.mail_mail import MailMail
from odoo.addons.queue_job.job import Job

from ..common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupJobs(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Job = cls.env["queue.job"].sudo()
        cls.address = address = {"street": "1 Road", "city": "Mons", "zip": "7000"}
        cls.customers = cls.customer | cls.customer2
        cls.customers |= cls.env["res.partner"].create(
            [
                {"name": f"Job customer {i}", "email": f"job{i}@example.com", **address}
                for i in range(3)
            ]
        )

    def run_cron(self, **kwargs):
        def never_send(mails, *args, **kwargs):
            raise AssertionError("the daily run must queue the emails, not send them")

        with (
            patch.object(type(self.env["ir.cron"]), "_notify_progress"),
            patch.object(MailMail, "send", never_send),
        ):
            return self.env["res.partner"]._cron_execute_followups(**kwargs)

    def followup_jobs(self):
        return self.Job.search(
            [("channel", "=", "root.followup")], order="date_created, id"
        )

    def perform(self, jobs):
        """Run the jobs the way a queue_job worker does (the same code path:
        Job.load then perform), each in its own savepoint."""
        results = []
        for record in jobs:
            with self.env.cr.savepoint():
                job = Job.load(self.env, record.uuid)
                results.append(job.perform())
        return results

    def reminders(self, partners):
        return (
            self.env["account.followup.reminder"]
            .sudo()
            .search([("partner_id", "in", partners.ids)])
        )

    def assert_one_reminder_each(self, partners, level_delay=1):
        reminders = self.reminders(partners)
        self.assertEqual(
            sorted(reminders.partner_id.ids), sorted(partners.ids), "one each"
        )
        self.assertEqual(len(reminders), len(partners))
        self.assertEqual(reminders.level_id, self.level(level_delay))

    def test_daily_run_queues_jobs_per_company_and_batch(self):
        """5 customers due in the company and 1 in another one, batches of 2:
        jobs of 2, 2 and 1 customers for the first company and 1 job for the
        other, all on root.followup; nothing is sent before a worker runs them."""
        other = self.setup_other_company(name="Other Jobs Co")["company"]
        with freeze_time("2026-01-01"):
            self.post_receivables(self.customers, due="2026-01-10")
            other_customer = self.env["res.partner"].create(
                {
                    "name": "Other job customer",
                    "email": "other@example.com",
                    **self.address,
                }
            )
            self.env["account.move"].with_company(other).create(
                {
                    "move_type": "out_invoice",
                    "partner_id": other_customer.id,
                    "invoice_date": "2026-01-01",
                    "invoice_date_due": "2026-01-01",
                    "invoice_line_ids": [
                        (0, 0, {"name": "X", "quantity": 1, "price_unit": 50.0})
                    ],
                }
            ).action_post()
        with freeze_time("2026-01-11"):
            totals = self.run_cron(batch_size=2)
            self.assertEqual((totals["queued"], totals["jobs"]), (6, 4))
            jobs = self.followup_jobs()
            self.assertEqual(len(jobs), 4)
            self.assertEqual(set(jobs.mapped("state")), {"pending"})
            self.assertEqual(set(jobs.mapped("method_name")), {"_job_cron_batch"})
            sizes = sorted((job.args[0], len(job.args[1])) for job in jobs)
            self.assertEqual(
                sizes,
                sorted(
                    [(self.company.id, 2), (self.company.id, 2), (self.company.id, 1)]
                    + [(other.id, 1)]
                ),
            )
            # one identity key per company, day and batch
            keys = jobs.mapped("identity_key")
            self.assertEqual(len(set(keys)), 4)
            self.assertTrue(
                all(f":{job.args[0]}:2026-01-11:" in job.identity_key for job in jobs)
            )
            self.assertFalse(self.reminders(self.customers | other_customer))
            results = self.perform(jobs)
        self.assertEqual(sum(result["processed"] for result in results), 6, results)
        self.assert_one_reminder_each(self.customers)
        reminder = self.reminders(other_customer)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.company_id, other)

    def test_same_batch_twice_reminds_once(self):
        """A job run again (queue_job retries a failed or lost job) and a second
        job on the same customers remind each customer once: the level was marked
        done under the row lock, the second run finds nothing due."""
        with freeze_time("2026-01-01"):
            self.post_receivables(self.customers, due="2026-01-10")
        with freeze_time("2026-01-11"):
            self.run_cron(batch_size=50)
            job = self.followup_jobs()
            self.assertEqual(len(job), 1)
            first = self.perform(job)[0]
            self.assertEqual(first["processed"], 5)
            # the same job once more, then a second job on the same batch
            again = self.perform(job)[0]
            Execution = self.env["account.followup.execution"]
            second = Execution._job_cron_batch(self.company.id, self.customers.ids)
        self.assertEqual(again["processed"], 0)
        self.assertEqual(second["processed"], 0)
        self.assert_one_reminder_each(self.customers)
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "account.followup.reminder"),
                ("res_id", "in", self.reminders(self.customers).ids),
            ]
        )
        self.assertEqual(len(mails), 5)

    def test_failed_job_is_retried_without_sending_twice(self):
        """The first attempt fails at the third customer on a concurrent update
        (the job's transaction is rolled back whole: no reminder kept, queue_job
        retries such a job); the retry reminds all five, once each."""
        with freeze_time("2026-01-01"):
            self.post_receivables(self.customers, due="2026-01-10")
        Execution = type(self.env["account.followup.execution"])
        original = Execution._execute_one
        calls = []

        def fail_at_third(self, partner, **kwargs):
            calls.append(partner.id)
            if len(calls) == 3:
                # a concurrent update: the job's transaction is rolled back
                raise pg_errors.SerializationFailure("could not serialize access")
            return original(self, partner, **kwargs)

        with freeze_time("2026-01-11"):
            self.run_cron(batch_size=50)
            job = self.followup_jobs()
            with (
                patch.object(Execution, "_execute_one", fail_at_third),
                self.assertRaises(pg_errors.SerializationFailure),
            ):
                self.perform(job)
            self.env.invalidate_all()
            # rolled back with the job's transaction
            self.assertFalse(self.reminders(self.customers))
            result = self.perform(job)[0]
        self.assertEqual(result["processed"], 5)
        self.assert_one_reminder_each(self.customers)

    def test_identity_key_queues_a_batch_once_a_day(self):
        """The cron run twice before a worker picks the jobs up: the second run
        selects the same customers, its jobs carry the same keys and are not
        queued again. The next day's batch has its own key."""
        with freeze_time("2026-01-01"):
            self.post_receivables(self.customers, due="2026-01-10")
        with freeze_time("2026-01-11"):
            self.run_cron(batch_size=3)
            self.run_cron(batch_size=3)
            jobs = self.followup_jobs()
            self.assertEqual(len(jobs), 2)
        with freeze_time("2026-01-12"):
            self.run_cron(batch_size=3)
            self.assertEqual(len(self.followup_jobs()), 4)
            self.perform(self.followup_jobs())
        self.assert_one_reminder_each(self.customers)

    def test_classic_run_when_asked(self):
        """The context key ``followup_no_jobs`` keeps the classic cron."""
        with freeze_time("2026-01-01"):
            self.post_receivables(self.customers, due="2026-01-10")
        with freeze_time("2026-01-11"):
            totals = (
                self.env["res.partner"]
                .with_context(followup_no_jobs=True)
                ._cron_execute_followups(batch_size=2)
            )
        self.assertEqual(totals, {"processed": 5, "failed": 0, "skipped": 0})
        self.assertFalse(self.followup_jobs())
        self.assert_one_reminder_each(self.customers)

    def test_process_many_customers_queues_jobs(self):
        """Process from the list: 51 customers (more than a batch of 50) are
        queued in 2 jobs (50 + 1) authored by the user; 50 run at once."""
        partners = self.env["res.partner"].create(
            [
                {"name": f"Many {i}", "email": f"many{i}@example.com", **self.address}
                for i in range(51)
            ]
        )
        with freeze_time("2026-01-01"):
            self.post_receivables(partners, due="2026-01-10")
        with freeze_time("2026-01-11"):
            action = partners.action_followup_process()
            self.assertEqual(action["tag"], "display_notification")
            self.assertIn("51 customers", action["params"]["message"])
            jobs = self.followup_jobs()
            self.assertEqual(sorted(len(job.args[1]) for job in jobs), [1, 50])
            self.assertEqual(set(jobs.mapped("method_name")), {"_job_process_batch"})
            self.assertEqual(jobs.user_id, self.env.user)
            self.assertFalse(self.reminders(partners))
            results = self.perform(jobs)
            reminders = self.reminders(partners)
            self.assertEqual(len(reminders), 51, results)
            self.assertEqual(set(reminders.mapped("origin")), {"batch"})
            # 50 customers: the batch runs at once, as without queue_job
            fifty = self.env["res.partner"].create(
                [
                    {"name": f"Fifty {i}", "email": f"f{i}@example.com", **self.address}
                    for i in range(50)
                ]
            )
            self.post_receivables(fifty, due="2026-01-01")
            action = fifty.action_followup_process()
            self.assertNotEqual(action.get("tag"), "display_notification")
            self.assertEqual(len(self.followup_jobs()), 2)
            self.assertEqual(len(self.reminders(fifty)), 50)
