# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily run and large batches as queue jobs, when OCA's queue_job is installed.

Without queue_job nothing here changes what happens: the cron runs the batches
itself, one after another (``account.followup.execution._cron_run``). With it, the
cron selects the customers as before and leaves one job per company and batch on
the channel ``root.followup``: any number of workers, on any number of servers,
run them side by side. A job runs the same code as a batch of the cron (a row
lock and a savepoint per customer, what is due read again under the lock), so a
job run twice, or two jobs on the same customers, remind each customer once.
"""

import hashlib
import logging

from odoo import api, models

_logger = logging.getLogger(__name__)

JOB_CHANNEL = "root.followup"


class AccountFollowupExecution(models.AbstractModel):
    _inherit = "account.followup.execution"

    @api.model
    def _jobs_enabled(self):
        """Whether the daily run and large batches go to queue jobs: queue_job is
        installed (its model is in the registry and ``with_delay`` exists) and the
        context does not ask for the classic run (``followup_no_jobs``)."""
        return (
            "queue.job" in self.env
            and hasattr(self, "with_delay")
            and not self.env.context.get("followup_no_jobs")
        )

    @api.model
    def _jobs_identity_key(self, kind, company, partner_ids):
        """One key per company, day and batch: the same batch of the same day is
        queued once while its job waits (queue_job skips a job whose key is
        already pending or enqueued)."""
        today = company._followup_today()
        digest = hashlib.sha1(
            ",".join(str(pid) for pid in sorted(partner_ids)).encode()
        ).hexdigest()[:16]
        return f"account_payment_followup.{kind}:{company.id}:{today}:{digest}"

    @api.model
    def _jobs_batches(self, todo, attempts, batch_size):
        """``todo`` [(company, partner_id)] cut in batches of one company each
        (a customer a run stopped on stays alone, see ``_cron_next_batch``)."""
        batches = []
        while todo:
            batch, todo = self._cron_next_batch(todo, attempts, batch_size)
            by_company = {}
            for company, partner_id in batch:
                by_company.setdefault(company, []).append(partner_id)
            batches.extend(by_company.items())
        return batches

    @api.model
    def _cron_enqueue(self, todo, attempts, batch_size):
        """The daily run with queue_job: one job per company and batch on the
        channel ``root.followup``; return the totals of what was queued."""
        jobs = 0
        for company, partner_ids in self._jobs_batches(todo, attempts, batch_size):
            self.with_company(company).with_delay(
                channel=JOB_CHANNEL,
                identity_key=self._jobs_identity_key("cron", company, partner_ids),
                description=self.env._(
                    "Payment follow-ups of %(company)s: daily run of %(count)s "
                    "customers",
                    company=company.name,
                    count=len(partner_ids),
                ),
            )._job_cron_batch(company.id, partner_ids)
            jobs += 1
        _logger.info(
            "Payment follow-ups: %s partners queued in %s jobs", len(todo), jobs
        )
        return {
            "processed": 0,
            "failed": 0,
            "skipped": 0,
            "queued": len(todo),
            "jobs": jobs,
        }

    @api.model
    def _job_cron_batch(self, company_id, partner_ids):
        """A job of the daily run: the customers ``partner_ids`` of the company,
        exactly as a batch of the classic run. Run again by queue_job after a
        failure, it reminds only those still due (each one locked, then read
        again)."""
        company = self.env["res.company"].browse(company_id)
        execution = self.with_company(company)
        batch = [(company, partner_id) for partner_id in partner_ids]
        totals = execution._cron_batch(batch)
        execution._cron_clear_attempts(batch)
        return totals

    @api.model
    def _jobs_enqueue_process(self, partners):
        """Process from the list on many customers with queue_job: one job per
        batch, as the user who asked (the author of the reminders); letters go
        to Letters to print. Return the number of jobs."""
        company = self.env.company
        batch_size = max(self._cron_settings()["batch_size"], 1)
        ids = partners.commercial_partner_id.ids
        jobs = 0
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            self.with_delay(
                channel=JOB_CHANNEL,
                identity_key=self._jobs_identity_key("process", company, chunk),
                description=self.env._(
                    "Payment follow-ups of %(company)s: %(count)s customers "
                    "processed from the list",
                    company=company.name,
                    count=len(chunk),
                ),
            )._job_process_batch(company.id, chunk)
            jobs += 1
        return jobs

    @api.model
    def _job_process_batch(self, company_id, partner_ids):
        """A job of Process on many customers: each customer's current level, as
        the batch of the list does (failures reported on the customer)."""
        company = self.env["res.company"].browse(company_id)
        execution = self.with_company(company).with_context(
            allowed_company_ids=[company.id]
        )
        summary = execution._execute(
            execution.env["res.partner"].browse(partner_ids),
            origin="batch",
            defer_letters=True,
        )
        return {key: len(summary[key]) for key in ("processed", "failed", "skipped")}


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_followup_process(self):
        """Process on more customers than a batch of the daily run: queued as
        jobs when queue_job is installed (the list says so at once)."""
        Execution = self.env["account.followup.execution"]
        many = len(self.commercial_partner_id) > max(
            Execution._cron_settings()["batch_size"], 1
        )
        if not many or not Execution._jobs_enabled():
            return super().action_followup_process()
        self._followup_check_access()
        jobs = Execution._jobs_enqueue_process(self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "The follow-ups of %(count)s customers are queued in %(jobs)s "
                    "jobs: each customer's chatter says what was done; letters wait "
                    "in Letters to print.",
                    count=len(self.commercial_partner_id),
                    jobs=jobs,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
