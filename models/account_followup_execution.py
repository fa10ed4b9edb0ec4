# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from markupsafe import Markup, escape
from psycopg2 import errors as pg_errors

from odoo import Command, api, models
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date, html2plaintext

from ..tools import CHANNELS
from .account_followup_status import FOLLOWUP_COMPUTED_FIELDS

_logger = logging.getLogger(__name__)

FAILED_ACTIVITY_TYPE = "account_payment_followup.mail_activity_type_followup_failed"
# The channels that cost money (IAP credits): run again the same day only when the
# user confirms. {channel: the server action that confirms it}
PAID_CHANNELS = {
    "post": "account_payment_followup.res_partner_action_server_followup_send_post",
    "sms": "account_payment_followup.res_partner_action_server_followup_send_sms",
}


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
        self,
        partners,
        channels=None,
        raise_errors=False,
        origin="statement",
        mark_done=False,
        **batch,
    ):
        """Execute the follow-up of each partner of ``partners``.

        :param channels: the channels to run (default: those of the partner's
            current level); running a subset from the statement does not mark the
            level as done.
        :param raise_errors: raise the first failure (a user clicking on one
            partner) instead of reporting it on the partner (batch, cron).
        :param origin: what ran it, kept on the reminder (statement, batch, cron)
        :param mark_done: the chosen ``channels`` are the whole current level (the
            send wizard): mark it as done, as Process does
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
        # found once for the batch rather than for each reminder (see
        # account.followup.send._send_email): the author of each sender address,
        # the catchall address of each company, the delays of each plan
        batch.setdefault("authors", {})
        batch.setdefault("catchalls", {})
        batch.setdefault("plans", {})
        batch.setdefault("escalations", {})
        batch.setdefault("disputes", {})
        todo = self._sudo_partners(partners)
        if self._bulk_wanted(todo, channels, raise_errors, batch):
            # the customers whose level only sends an email, together
            # (account_followup_bulk.py); the others one by one
            todo = self._execute_bulk(todo, summary, origin, **batch)
        for partner in todo:
            try:
                with self.env.cr.savepoint():
                    outcome = self._execute_one(
                        partner,
                        channels=channels,
                        origin=origin,
                        mark_done=mark_done,
                        **batch,
                    )
            except (UserError, AccessError, ValidationError) as error:
                if raise_errors:
                    raise
                message = error.args[0]
                summary["failed"].append((partner, message))
                self._report_failure(partner, message)
                continue
            except RedirectWarning as error:
                # a paid channel already used today: the user confirms it by hand
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
            except Exception:
                if raise_errors:
                    raise
                # the details (SQL, paths, data of other records) are for the
                # administrator, in the server log; the chatter says what to do
                _logger.exception("Follow-up of partner %s failed", partner.id)
                message = self.env._(
                    "An unexpected error stopped the follow-up of this customer. "
                    "The details are in the server log: ask your administrator."
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
    def _execute_one(
        self, partner, channels=None, origin="statement", mark_done=False, **batch
    ):
        """Execute one partner's follow-up under a row lock, after checking again
        what is due (an invoice may have been paid since the list was shown).

        :return: ``"locked"`` when someone else is processing the partner,
            ``"nothing"`` when there is nothing to do, else ``(reminder, channels
            done)``.
        """
        partner._followup_check_company()
        if origin == "cron":
            cron_state = self._cron_lock(partner)
            if cron_state is None:
                return "locked"
        elif not self._lock(partner):
            return "locked"
        # channels chosen on the statement run alone: the level is not marked done
        partial = channels is not None
        data = self._reload(partner)
        level, channels = self._resolve_level(partner, data, channels)
        if not level:
            return "nothing"
        if origin == "cron" and not self._cron_still_automatic(
            partner, level, cron_state
        ):
            return "nothing"
        if partial and mark_done:
            # the whole current level, chosen in the send wizard
            partial = not (
                data["status"] == "in_need_of_action" and data["level_id"] == level.id
            )
        self._check_paid_channels_once(partner, level, channels, partial)
        Send = self.env["account.followup.send"]
        # check everything first: a level is executed whole or not at all
        checked = Send._check(partner, level, channels, **batch)
        rows = self.env["account.followup.status"]._get_lines(partner)
        reminder = self._create_reminder(partner, level, data, rows, origin, partial)
        descriptions = Send._send(partner, level, checked, reminder, **batch)
        if partial:
            partner.followup_actions_done = True
            self._log(partner, level, descriptions, data, reminder, partial=True)
        else:
            self._mark_done(partner, level, descriptions, data, reminder, rows, **batch)
        if origin != "cron" and partner.followup_cron_attempts:
            # processed by hand: the daily run takes the customer back
            partner.followup_cron_attempts = 0
        # what the caller reads next (status, level) reflects what was just done
        partner.invalidate_recordset(FOLLOWUP_COMPUTED_FIELDS)
        return reminder, tuple(channels)

    @api.model
    def _check_paid_channels_once(self, partner, level, channels, partial):
        """A letter by post or an SMS costs money: the same level's is sent once a
        day to a customer unless the user confirms (context key
        ``followup_confirm_resend``, passed by the warning's button). Guards against
        a double click and a repeated request."""
        paid = [channel for channel in channels if channel in PAID_CHANNELS]
        if not paid or self.env.context.get("followup_confirm_resend"):
            return
        company = self.env.company
        # sudo: reminders are read-only records of the execution, readable by
        # billing users; only their channels are read
        done = (
            self.env["account.followup.reminder"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("level_id", "=", level.id),
                    ("date", "=", company._followup_today()),
                ]
            )
        )
        repeated = [
            channel for channel in paid if any(done.mapped(f"channel_{channel}"))
        ]
        if not repeated:
            return
        labels = {
            "post": self.env._("posted"),
            "sms": self.env._("sent by SMS"),
        }
        message = self.env._(
            "The reminder “%(level)s” was already %(channels)s to %(partner)s today. "
            "Send it again (it is charged again)?",
            level=level.name,
            channels=self.env._(" and ").join(labels[channel] for channel in repeated),
            partner=partner.display_name,
        )
        if partial and len(paid) == 1:
            xmlid = PAID_CHANNELS[paid[0]]
        else:
            xmlid = (
                "account_payment_followup.res_partner_action_server_followup_process"
            )
        action = self.env["ir.actions.actions"]._for_xml_id(xmlid)
        raise RedirectWarning(
            message,
            action,
            self.env._("Send again"),
            additional_context={
                "followup_confirm_resend": True,
                "active_model": "res.partner",
                "active_id": partner.id,
                "active_ids": partner.ids,
            },
        )

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
        return self._create_reminders(
            [self._reminder_values(partner, level, data, rows, origin, partial)]
        )

    @api.model
    def _create_reminders(self, values_list):
        """Reminder records of ``_reminder_values``, created together."""
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
            .create(values_list)
        )

    @api.model
    def _reminder_values(self, partner, level, data, rows, origin, partial):
        """The values of the reminder record of an execution."""
        line_ids = [row["line_id"] for row in rows]
        return {
            "partner_id": partner.id,
            "company_id": self.env.company.id,
            "level_id": level.id,
            "date": self.env.company._followup_today(),
            "user_id": False if origin == "cron" else self.env.uid,
            "origin": origin,
            "partial": bool(partial),
            "line_ids": [Command.set(line_ids)],
            "amount_due": (data or {}).get("total_due") or 0.0,
            "amount_overdue": (data or {}).get("total_overdue") or 0.0,
        }

    @api.model
    def _mark_done(
        self, partner, level, descriptions, data, reminder, rows=None, **batch
    ):
        """Stamp each pending line with the highest level it reached, set the next
        follow-up date and log what was done."""
        Status = self.env["account.followup.status"]
        if rows is None:
            rows = Status._get_lines(partner)
        by_level = Status._pending_lines_by_level(rows)
        stamped = self._stamp(by_level, batch.get("escalations"))
        partner.followup_next_action_date = Status._next_action_date(
            rows, by_level, plans=batch.get("plans")
        )
        partner.followup_actions_done = False
        self._log(partner, level, descriptions, data, reminder, lines=stamped)

    @api.model
    def _stamp(self, by_level, escalations=None):
        """Stamp the lines ``{level id: line ids}`` with their level and today's
        date: the lines stamped. A broken promise covering them has escalated once
        the next level is executed.

        :param escalations: see ``account.followup.promise._clear_escalation``
        """
        Line = self.env["account.move.line"]
        today = self.env.company._followup_today()
        stamped = Line
        for level_id, line_ids in by_level.items():
            lines = Line.browse(line_ids)
            lines._followup_stamp(level_id, today)
            stamped |= lines
        self.env["account.followup.promise"]._clear_escalation(
            stamped, pending=escalations
        )
        return stamped

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

    @api.model
    def _postpone_date(self):
        """Tomorrow, in the company's calendar (Do it later)."""
        return self.env.company._followup_today() + timedelta(days=1)

    # ------------------------------------------------------------------
    # Chatter
    # ------------------------------------------------------------------

    @api.model
    def _log(
        self, partner, level, descriptions, data, reminder, lines=None, partial=False
    ):
        """One note on the partner saying what was done, linking to the reminder,
        and one on each invoice concerned."""
        body, actions, invoice_body = self._log_values(
            partner, level, descriptions, data, reminder, partial=partial
        )
        partner._message_log(body=body)
        reminder.actions = actions
        moves = (lines or self.env["account.move.line"]).move_id
        if moves:
            moves._message_log_batch(bodies=dict.fromkeys(moves.ids, invoice_body))

    @api.model
    def _log_values(self, partner, level, descriptions, data, reminder, partial=False):
        """(the partner's note, the reminder's actions, each invoice's note)."""
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
        channels = ", ".join(str(d) for d in descriptions)
        invoice_body = Markup("<p>%s</p>") % self.env._(
            "Payment reminder “%(level)s” sent to the customer (%(actions)s).",
            level=level.name,
            actions=channels,
        )
        return body, Markup("<ul>%s</ul>") % actions, invoice_body

    @api.model
    def _report_failure(self, partner, message):
        """Record a failed follow-up on the partner (note + an activity for the
        responsible) so that someone fixes it: once per cause while the activity
        is open, not again at every run."""
        try:
            with self.env.cr.savepoint():
                activity_type = self.env.ref(FAILED_ACTIVITY_TYPE)
                existing = partner.activity_ids.filtered(
                    lambda a: a.activity_type_id == activity_type
                )
                cause = " ".join(str(message).split())
                if any(
                    " ".join(html2plaintext(activity.note or "").split()) == cause
                    for activity in existing
                ):
                    return
                partner._message_log(
                    body=Markup("<p><strong>%s</strong></p><p>%s</p>")
                    % (self.env._("Follow-up failed"), message)
                )
                if existing:
                    # the open activity says the latest cause
                    existing[:1].note = escape(message)
                    return
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
