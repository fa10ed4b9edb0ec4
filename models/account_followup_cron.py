# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading
import time
from collections import defaultdict

from psycopg2 import errors as pg_errors

from odoo import api, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# After this many runs that stopped (time or memory limit of the worker) while
# processing a customer, the daily run reports it and leaves it alone.
CRON_MAX_ATTEMPTS = 3


class AccountFollowupExecution(models.AbstractModel):
    """The daily run of ``account.followup.execution``: which customers, in which
    order, in batches committed one by one under a time budget, each customer
    locked and read again (``_cron_lock``) before its level executes."""

    _inherit = "account.followup.execution"

    @api.model
    def _cron_lock(self, partner):
        """Lock ``partner`` for the daily run and read again what decides whether
        the run may still remind it, in one query: a user may have archived the
        customer, made it Manual, unticked "Automatic" on a level, or an activity
        that pauses the daily run may have been scheduled since the run selected
        it (``_cron_pausing_activity_type_ids``). None when someone else holds the
        customer."""
        return self._cron_lock_many(partner).get(partner.id)

    @api.model
    def _cron_lock_many(self, partners):
        """``_cron_lock`` of many partners in one query: {partner id: state} of
        those locked now (the others are held by someone else)."""
        if not partners:
            return {}
        self.env["res.partner"].flush_model(["active", "followup_reminder_type"])
        self.env["account.followup.level"].flush_model(
            ["active", "auto_execute", "company_id"]
        )
        self.env["mail.activity"].flush_model(
            ["res_model", "res_id", "active", "activity_type_id"]
        )
        company = self.env.company
        rows = self.env.execute_query(
            SQL(
                """SELECT p.id, p.active, p.followup_reminder_type ->> %(company_key)s,
                          EXISTS (
                              SELECT 1 FROM mail_activity a
                               WHERE a.res_model = 'res.partner' AND a.res_id = p.id
                                 AND a.active AND a.activity_type_id = ANY(%(types)s)
                          ),
                          ARRAY(
                              SELECT lvl.id FROM account_followup_level lvl
                               WHERE lvl.company_id = %(company)s
                                 AND lvl.auto_execute AND lvl.active
                          )
                     FROM res_partner p
                    WHERE p.id = ANY(%(partners)s)
                      FOR NO KEY UPDATE OF p SKIP LOCKED""",
                company_key=str(company.id),
                company=company.id,
                partners=partners.ids,
                types=self._cron_pausing_activity_type_ids() or [0],
            )
        )
        field = partners._fields["followup_reminder_type"]
        states = {}
        for partner_id, active, reminder_type, paused, auto_level_ids in rows:
            if reminder_type is None:
                # no value for this company: the default (ir.default, else
                # automatic)
                reminder_type = field.get_company_dependent_fallback(
                    partners.browse(partner_id)
                )
            states[partner_id] = {
                "active": active,
                "automatic": (reminder_type or "automatic") == "automatic",
                "paused": paused,
                "auto_level_ids": set(auto_level_ids),
            }
        return states

    @api.model
    def _cron_still_automatic(self, partner, level, state):
        """Whether the daily run may still execute ``level`` for ``partner``, from
        what ``_cron_lock`` read under the lock."""
        return bool(
            state["active"]
            and state["automatic"]
            and not state["paused"]
            and level.id in state["auto_level_ids"]
        )

    @api.model
    def _cron_pausing_activity_type_ids(self):
        """Ids of the activity types that, open on a customer, pause the daily run
        for it (none here; see the delivery settings)."""
        return []

    # ------------------------------------------------------------------
    # The daily run
    # ------------------------------------------------------------------

    @api.model
    def _cron_settings(self):
        """Batch size and time budget of the daily run (system parameters)."""
        # sudo: system parameters are readable by administrators only; these two
        # are plain numbers, read by the cron whoever runs it
        params = self.env["ir.config_parameter"].sudo()
        return {
            "batch_size": int(
                params.get_param("account_payment_followup.cron_batch_size", 50)
            ),
            "time_budget": int(
                params.get_param("account_payment_followup.cron_time_budget", 300)
            ),
        }

    @api.model
    def _cron_partners(self, company):
        """The customers of ``company`` the daily run executes now: commercial
        partners (a contact never stands for its customer), active, on automatic
        reminders, whose current level executes itself; those a run stopped on go
        last (see ``_cron_run``). Those it stopped on ``CRON_MAX_ATTEMPTS`` times
        are reported once and left out."""
        data = self.env["account.followup.status"]._get_data(company=company)
        auto_levels = set(
            self.env["account.followup.level"]
            .search([("company_id", "=", company.id), ("auto_execute", "=", True)])
            .ids
        )
        due_ids = [
            partner_id
            for partner_id, row in data.items()
            if row["status"] == "in_need_of_action" and row["level_id"] in auto_levels
        ]
        # archived customers are left out by the search itself
        partners = (
            self.env["res.partner"]
            .with_company(company)
            .search([("id", "in", due_ids)], order="id")
            .filtered(lambda p: p._followup_get_reminder_type() == "automatic")
        )
        poison = partners.filtered(
            lambda p: p.followup_cron_attempts >= CRON_MAX_ATTEMPTS
        )
        for partner in poison.filtered(
            lambda p: p.followup_cron_attempts == CRON_MAX_ATTEMPTS
        ):
            self.with_company(company)._report_failure(
                partner.sudo(),
                self.env._(
                    "The daily run stopped %(count)s times while processing this "
                    "customer (the server's time or memory limit): it leaves the "
                    "customer alone until its follow-up is processed by hand.",
                    count=CRON_MAX_ATTEMPTS,
                ),
            )
            # reported: not again
            partner.sudo().followup_cron_attempts = CRON_MAX_ATTEMPTS + 1
        return (partners - poison).sorted(lambda p: (p.followup_cron_attempts, p.id))

    @api.model
    def _cron_run(self, batch_size=None, time_budget=None, auto_commit=None):
        """The daily run: execute the automatic levels of automatic partners, company
        by company, in batches committed one by one. One partner's failure is
        reported on it and never stops the others; when the time budget is spent,
        the cron reports the remaining partners and Odoo runs it again soon.

        A batch that hits a concurrent update (serialization failure, deadlock) is
        rolled back whole, mails included, and tried once more at the end of the run;
        its partners are selected again by the next run if it fails twice. A crash
        loses at most the batch in progress: the next run selects again what is
        still due, so nothing is sent twice."""
        if auto_commit is None:
            auto_commit = not getattr(threading.current_thread(), "testing", False)
        # promises first: kept ones are done with, broken ones escalate today
        self.env["account.followup.promise"]._check_promises()
        settings = self._cron_settings()
        batch_size = max(
            batch_size if batch_size is not None else settings["batch_size"], 1
        )
        if time_budget is None:
            time_budget = settings["time_budget"]
        started = time.monotonic()
        totals = {"processed": 0, "failed": 0, "skipped": 0}
        todo = []
        attempts = {}
        for company in self.env["res.company"].search([]):
            if not self.env["account.followup.level"].search_count(
                [("company_id", "=", company.id), ("auto_execute", "=", True)], limit=1
            ):
                continue
            for partner in self._cron_partners(company):
                attempts[company, partner.id] = partner.followup_cron_attempts
                todo.append((company, partner.id))
        # the customers a run stopped on go last, whatever their company
        todo.sort(key=lambda item: attempts[item] > 0)
        if auto_commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        if self._jobs_enabled():
            # queue_job installed: the batches run as jobs (account_followup_jobs)
            return self._cron_enqueue(todo, attempts, batch_size)
        total = len(todo)
        done = 0
        retried = set()
        while todo:
            if time.monotonic() - started > time_budget:
                break
            batch, todo = self._cron_next_batch(todo, attempts, batch_size)
            if auto_commit:
                # kept even if the worker dies in the batch (see _cron_count_attempt)
                self._cron_count_attempt(batch)
                self.env.cr.commit()  # pylint: disable=invalid-commit
            try:
                batch_totals = self._cron_batch(batch)
                self._cron_clear_attempts(batch)
            except pg_errors.TransactionRollbackError:
                if not auto_commit:
                    raise
                # a concurrent transaction changed what this batch read: nothing
                # of it is kept (the queued mails are rolled back with it)
                self.env.cr.rollback()
                again = [item for item in batch if item not in retried]
                retried.update(again)
                todo.extend(again)
                total += len(again)
                batch_totals = {"skipped": len(batch) - len(again)}
                _logger.info(
                    "Payment follow-ups: concurrent update, %s partners retried",
                    len(again),
                )
            for key, value in batch_totals.items():
                totals[key] += value
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if todo and not done:
            # out of time before the first batch: say what remains, so that Odoo
            # runs the cron again soon instead of tomorrow
            self.env["ir.cron"]._notify_progress(done=0, remaining=len(todo))
        _logger.info(
            "Payment follow-ups: %(processed)s processed, %(failed)s failed, "
            "%(skipped)s skipped",
            totals,
        )
        return totals

    @api.model
    def _cron_batch(self, batch):
        """Execute one batch of the daily run: [(company, partner_id)]."""
        totals = {"processed": 0, "failed": 0, "skipped": 0}
        by_company = defaultdict(list)
        for company, partner_id in batch:
            by_company[company].append(partner_id)
        for company, partner_ids in by_company.items():
            execution = self.with_company(company).with_context(
                allowed_company_ids=[company.id]
            )
            summary = execution._execute(
                execution.env["res.partner"].browse(partner_ids),
                origin="cron",
                defer_letters=True,
            )
            for key in totals:
                totals[key] += len(summary[key])
        return totals

    @api.model
    def _cron_next_batch(self, todo, attempts, batch_size):
        """The next batch of ``todo`` and the rest. A customer a run stopped on
        is processed alone: a worker that dies again costs nobody else their
        reminder, and counts the attempt against that customer only."""
        if attempts.get(todo[0]):
            return todo[:1], todo[1:]
        size = 0
        while size < min(batch_size, len(todo)) and not attempts.get(todo[size]):
            size += 1
        return todo[:size], todo[size:]

    @api.model
    def _cron_count_attempt(self, batch):
        """Count one attempt of the daily run on the customers of ``batch``, before
        processing them; the caller commits it. A worker killed by its time or
        memory limit while processing them leaves the count behind: the next runs
        do these customers last, one by one, and give up after
        ``CRON_MAX_ATTEMPTS`` (``_cron_partners``). The count is cleared when the
        batch ends normally."""
        self._cron_write_attempts(batch, increment=True)

    @api.model
    def _cron_clear_attempts(self, batch):
        """The batch ended normally: clear the attempts counted on its customers."""
        self._cron_write_attempts(batch, increment=False)

    @api.model
    def _cron_write_attempts(self, batch, increment):
        by_company = defaultdict(list)
        for company, partner_id in batch:
            by_company[company].append(partner_id)
        for company, partner_ids in by_company.items():
            # sudo: the cron's own bookkeeping on the customers it processes
            partners = self.env["res.partner"].sudo().with_company(company)
            partners = partners.browse(partner_ids)
            if not increment:
                partners = partners.filtered("followup_cron_attempts")
            if not partners:
                continue
            try:
                # customers being processed by someone else are not counted; a
                # customer changed since this transaction began neither
                with self.env.cr.savepoint(flush=False):
                    locked = self._lock(partners)
            except pg_errors.TransactionRollbackError:
                continue
            by_count = defaultdict(list)
            for partner in locked:
                count = partner.followup_cron_attempts + 1 if increment else 0
                by_count[count].append(partner.id)
            for count, ids in by_count.items():
                locked.browse(ids).followup_cron_attempts = count
            locked.flush_recordset(["followup_cron_attempts"])
