# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading
import time
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup, escape
from psycopg2 import errors as pg_errors

from odoo import Command, api, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date

from ..tools import CHANNELS
from .account_followup_status import FOLLOWUP_COMPUTED_FIELDS

_logger = logging.getLogger(__name__)

FAILED_ACTIVITY_TYPE = "account_payment_followup.mail_activity_type_followup_failed"


class AccountFollowupExecution(models.AbstractModel):
    """Doing it: executing a level for customers under a row lock, in a savepoint
    each, creating the reminder record, stamping the lines, writing the chatter,
    reporting failures; Done and Do it later by the same rules; the daily run.

    Every method takes the partners it works on as an argument and runs as
    superuser on them: the public actions of res.partner checked the user first
    (``_followup_check_access``), or the caller is the daily run. Billing users
    need not be allowed to edit contacts to post the reminder, stamp the lines and
    plan a call: the user stays the author (sudo keeps the uid) and every query is
    limited to the environment's company, already checked for this user.
    """

    _name = "account.followup.execution"
    _description = "Payment follow-ups: how it is done"

    # ------------------------------------------------------------------
    # Executing levels
    # ------------------------------------------------------------------

    @api.model
    def _lock(self, partners):
        """Lock ``partners`` for the rest of the transaction; return the ones locked
        (the others are being processed by someone else)."""
        if not partners:
            return partners
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s) "
                "FOR NO KEY UPDATE SKIP LOCKED",
                partners.ids,
            )
        )
        return partners.browse([row[0] for row in rows])

    @api.model
    def _sudo_partners(self, partners):
        """The commercial partners of ``partners`` as superuser, every email queued
        (a batch or the daily run never waits on the mail server)."""
        # sudo: see the class docstring (callers checked the user, or are the cron)
        return partners.commercial_partner_id.sudo().with_context(
            mail_notify_force_send=False
        )

    @api.model
    def _execute(
        self, partners, channels=None, raise_errors=False, origin="statement", **batch
    ):
        """Execute the follow-up of each partner of ``partners``.

        :param channels: the channels to run (default: those of the partner's
            current level); running a subset from the statement does not mark the
            level as done.
        :param raise_errors: raise the first failure (a user clicking on one
            partner) instead of reporting it on the partner (batch, cron).
        :param origin: what ran it, kept on the reminder (statement, batch, cron)
        :param batch: passed on to the channels (``defer_letters``...)
        :return: a summary dict (counts, failures, skipped partners, letters).
        """
        summary = {
            "processed": partners.browse(),
            "letters": partners.browse(),
            "failed": [],
            "skipped": [],
            "counts": dict.fromkeys(CHANNELS, 0),
            "reminders": self.env["account.followup.reminder"],
        }
        # the author of the reminders, found once per sender address of the batch
        # rather than by each message_post (see account.followup.send._send_email)
        batch.setdefault("authors", {})
        for partner in self._sudo_partners(partners):
            try:
                with self.env.cr.savepoint():
                    outcome = self._execute_one(
                        partner, channels=channels, origin=origin, **batch
                    )
            except (UserError, AccessError, ValidationError) as error:
                if raise_errors:
                    raise
                message = error.args[0]
                summary["failed"].append((partner, message))
                self._report_failure(partner, message)
                continue
            except pg_errors.TransactionRollbackError:
                # serialization failure or deadlock: the transaction must be retried
                # whole (the caller does), never reported as this partner's fault
                raise
            except Exception as error:
                if raise_errors:
                    raise
                _logger.exception("Follow-up of partner %s failed", partner.id)
                message = self.env._(
                    "Unexpected error: %(error)s", error=str(error) or repr(error)
                )
                summary["failed"].append((partner, message))
                self._report_failure(partner, message)
                continue
            if outcome == "locked":
                message = self.env._(
                    "%(partner)s is being processed by someone else: skipped.",
                    partner=partner.display_name,
                )
                summary["skipped"].append((partner, message))
                continue
            if outcome == "nothing":
                message = self.env._(
                    "%(partner)s has no follow-up to do now.",
                    partner=partner.display_name,
                )
                summary["skipped"].append((partner, message))
                continue
            reminder, done = outcome
            summary["processed"] |= partner
            summary["reminders"] |= reminder
            for channel in done:
                summary["counts"][channel] += 1
            if "letter" in done:
                summary["letters"] |= partner
        return summary

    @api.model
    def _execute_one(self, partner, channels=None, origin="statement", **batch):
        """Execute one partner's follow-up under a row lock, after checking again
        what is due (an invoice may have been paid since the list was shown).

        :return: ``"locked"`` when someone else is processing the partner,
            ``"nothing"`` when there is nothing to do, else ``(reminder, channels
            done)``.
        """
        partner._followup_check_company()
        if not self._lock(partner):
            return "locked"
        # channels chosen on the statement run alone: the level is not marked done
        partial = channels is not None
        data = self._reload(partner)
        level, channels = self._resolve_level(partner, data, channels)
        if not level:
            return "nothing"
        Send = self.env["account.followup.send"]
        # check everything first: a level is executed whole or not at all
        checked = Send._check(partner, level, channels)
        rows = self.env["account.followup.status"]._get_lines(partner)
        reminder = self._create_reminder(partner, level, data, rows, origin, partial)
        descriptions = Send._send(partner, level, checked, reminder, **batch)
        if partial:
            partner.followup_actions_done = True
            self._log(partner, level, descriptions, data, reminder, partial=True)
        else:
            self._mark_done(partner, level, descriptions, data, reminder, rows)
        # what the caller reads next (status, level) reflects what was just done
        partner.invalidate_recordset(FOLLOWUP_COMPUTED_FIELDS)
        return reminder, tuple(channels)

    @api.model
    def _reload(self, partner):
        """The partner's status read again under the lock; kept in the cache, where
        the channels read it (the statement's totals)."""
        partner.invalidate_recordset(FOLLOWUP_COMPUTED_FIELDS)
        data = self.env["account.followup.status"]._get_data(partner_ids=partner.ids)
        data = data.get(partner.id)
        fields_to_cache = [partner._fields[fname] for fname in FOLLOWUP_COMPUTED_FIELDS]
        with self.env.protecting(fields_to_cache, partner):
            partner._followup_assign_data(data)
        return data

    @api.model
    def _resolve_level(self, partner, data, channels):
        """The level to execute and its channels: the partner's current level with
        all its channels, or, for channels chosen on the statement, the level the
        statement speaks of (the current one, else the last one done, else the
        first of the plan). ``(empty level, [])`` when there is nothing to do."""
        Level = self.env["account.followup.level"]
        level = Level.browse(data["level_id"] if data else False)
        if channels is None:
            if not data or data["status"] != "in_need_of_action" or not level:
                return Level, []
            return level, level._get_channels()
        if not data or (data["total_due"] or 0) <= 0:
            raise UserError(
                self.env._(
                    "%(partner)s owes nothing: no reminder to send.",
                    partner=partner.display_name,
                )
            )
        level = level or self.env["account.followup.send"]._document_level(partner)
        if not level:
            level = Level.search([("company_id", "=", self.env.company.id)], limit=1)
        if not level:
            raise UserError(
                self.env._(
                    "The company %(company)s has no follow-up level: create one "
                    "in Invoicing ▸ Configuration ▸ Follow-up Levels.",
                    company=self.env.company.name,
                )
            )
        return level, list(channels)

    @api.model
    def _create_reminder(self, partner, level, data, rows, origin, partial):
        """The reminder record of this execution: what it covered, who ran it."""
        line_ids = [row["line_id"] for row in rows]
        move_ids = list({row["move_id"] for row in rows})
        # sudo: nobody writes a reminder but the execution (billing users only read
        # them); see the class docstring for who gets here
        return (
            self.env["account.followup.reminder"]
            .sudo()
            .with_context(
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                tracking_disable=True,
            )
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": self.env.company.id,
                    "level_id": level.id,
                    "date": self.env.company._followup_today(),
                    "user_id": False if origin == "cron" else self.env.uid,
                    "origin": origin,
                    "partial": bool(partial),
                    "line_ids": [Command.set(line_ids)],
                    "move_ids": [Command.set(move_ids)],
                    "amount_due": (data or {}).get("total_due") or 0.0,
                    "amount_overdue": (data or {}).get("total_overdue") or 0.0,
                }
            )
        )

    @api.model
    def _mark_done(self, partner, level, descriptions, data, reminder, rows=None):
        """Stamp each pending line with the highest level it reached, set the next
        follow-up date and log what was done."""
        Status = self.env["account.followup.status"]
        if rows is None:
            rows = Status._get_lines(partner)
        by_level = Status._pending_lines_by_level(rows)
        Line = self.env["account.move.line"]
        today = self.env.company._followup_today()
        stamped = Line
        for level_id, line_ids in by_level.items():
            lines = Line.browse(line_ids)
            lines._followup_stamp(level_id, today)
            stamped |= lines
        # a broken promise has escalated once the next level is executed
        self.env["account.followup.promise"]._clear_escalation(stamped)
        partner.followup_next_action_date = Status._next_action_date(rows, by_level)
        partner.followup_actions_done = False
        self._log(partner, level, descriptions, data, reminder, lines=stamped)

    @api.model
    def _mark_done_by_hand(self, partners):
        """Done: the current level of each partner was handled by hand (after at
        least one action from the statement); stamp its lines and move on. Same
        company check and lock as an execution."""
        for partner in self._sudo_partners(partners):
            partner._followup_check_company()
            if not self._lock(partner):
                raise UserError(
                    self.env._(
                        "%(partner)s is being processed by someone else.",
                        partner=partner.display_name,
                    )
                )
            data = self._reload(partner)
            level = self.env["account.followup.level"].browse(
                data["level_id"] if data else False
            )
            if not level:
                raise UserError(
                    self.env._(
                        "%(partner)s has no follow-up level to mark as done.",
                        partner=partner.display_name,
                    )
                )
            if not partner.followup_actions_done:
                raise UserError(
                    self.env._(
                        "Send a reminder, print a letter or process the follow-up of "
                        "%(partner)s before marking it as done.",
                        partner=partner.display_name,
                    )
                )
            rows = self.env["account.followup.status"]._get_lines(partner)
            reminder = self._create_reminder(
                partner, level, data, rows, "statement", partial=False
            )
            descriptions = [
                self.env._("marked as done by %(user)s", user=self.env.user.name)
            ]
            self._mark_done(partner, level, descriptions, data, reminder, rows)
            partner.invalidate_recordset(FOLLOWUP_COMPUTED_FIELDS)

    @api.model
    def _postpone(self, partners, date):
        """Do it later: hide the partners from the list until ``date``, without
        marking anything as done. Same company check and lock as an execution."""
        for partner in self._sudo_partners(partners):
            partner._followup_check_company()
            if not self._lock(partner):
                raise UserError(
                    self.env._(
                        "%(partner)s is being processed by someone else.",
                        partner=partner.display_name,
                    )
                )
            partner.followup_next_action_date = date
            partner._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Follow-up postponed to %(date)s.",
                    date=format_date(self.env, date),
                )
            )

    # ------------------------------------------------------------------
    # Chatter
    # ------------------------------------------------------------------

    @api.model
    def _log(
        self, partner, level, descriptions, data, reminder, lines=None, partial=False
    ):
        """One note on the partner saying what was done, linking to the reminder,
        and one on each invoice concerned."""
        currency = self.env.company.currency_id
        total_due = format_amount(
            self.env, (data or {}).get("total_due") or 0, currency
        )
        total_overdue = format_amount(
            self.env, (data or {}).get("total_overdue") or 0, currency
        )
        actions = Markup("").join(
            Markup("<li>%s</li>") % description for description in descriptions
        )
        if partial:
            title = self.env._("Follow-up action (%(level)s)", level=level.name)
        else:
            title = self.env._("Follow-up level “%(level)s” done", level=level.name)
        link = Markup(
            '<a href="#" data-oe-model="account.followup.reminder" data-oe-id="%s">%s</a>'
        ) % (reminder.id, self.env._("View the reminder"))
        body = Markup(
            "<p><strong>%(title)s</strong></p><ul>%(actions)s</ul>"
            "<p>%(due_label)s %(due)s, %(overdue_label)s %(overdue)s</p><p>%(link)s</p>"
        ) % {
            "title": title,
            "actions": actions,
            "due_label": self.env._("Total due:"),
            "due": total_due,
            "overdue_label": self.env._("overdue:"),
            "overdue": total_overdue,
            "link": link,
        }
        partner._message_log(body=body)
        reminder.actions = Markup("<ul>%s</ul>") % actions
        moves = (lines or self.env["account.move.line"]).move_id
        if moves:
            channels = ", ".join(str(d) for d in descriptions)
            invoice_body = Markup("<p>%s</p>") % self.env._(
                "Payment reminder “%(level)s” sent to the customer (%(actions)s).",
                level=level.name,
                actions=channels,
            )
            moves._message_log_batch(bodies=dict.fromkeys(moves.ids, invoice_body))

    @api.model
    def _report_failure(self, partner, message):
        """Record a failed follow-up on the partner (note + an activity for the
        responsible, once while it is open) so that someone fixes it."""
        try:
            with self.env.cr.savepoint():
                partner._message_log(
                    body=Markup("<p><strong>%s</strong></p><p>%s</p>")
                    % (self.env._("Follow-up failed"), message)
                )
                activity_type = self.env.ref(FAILED_ACTIVITY_TYPE)
                existing = partner.activity_ids.filtered(
                    lambda a: a.activity_type_id == activity_type
                )
                if not existing:
                    partner.activity_schedule(
                        activity_type_id=activity_type.id,
                        summary=self.env._("Follow-up failed"),
                        note=escape(message),
                        user_id=partner._followup_get_responsible().id,
                        date_deadline=self.env.company._followup_today(),
                    )
        except Exception:
            _logger.exception(
                "Could not report the follow-up failure of %s", partner.id
            )

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
        """Automatic partners of ``company`` whose current level executes itself."""
        partners = (
            self.env["res.partner"]
            .with_company(company)
            .search([("followup_status", "=", "in_need_of_action")], order="id")
        )
        # the figures are not stored: drop what an earlier run of the same
        # transaction left in the cache before reading the level
        partners.invalidate_recordset(FOLLOWUP_COMPUTED_FIELDS)
        return partners.filtered(
            lambda p: p._followup_get_reminder_type() == "automatic"
            and p.followup_level_id.auto_execute
        )

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
        for company in self.env["res.company"].search([]):
            if not self.env["account.followup.level"].search_count(
                [("company_id", "=", company.id), ("auto_execute", "=", True)], limit=1
            ):
                continue
            partners = self._cron_partners(company)
            todo.extend((company, partner_id) for partner_id in partners.ids)
        total = len(todo)
        done = 0
        retried = set()
        while todo:
            if time.monotonic() - started > time_budget:
                break
            batch, todo = todo[:batch_size], todo[batch_size:]
            try:
                batch_totals = self._cron_batch(batch)
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
    def _postpone_date(self):
        """Tomorrow, in the company's calendar (Do it later)."""
        return self.env.company._followup_today() + timedelta(days=1)
