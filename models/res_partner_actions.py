# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    """The public entry points of the follow-ups on res.partner (DESIGN.md): each
    checks the user's access and calls one service (``account.followup.execution``
    or ``account.followup.send``); the summaries and notifications they answer
    with; the daily run's entry point."""

    _inherit = "res.partner"

    def action_followup_process(self):
        """Execute the current level of each partner; letters come back as one PDF
        download (the batch wizard shows the summary)."""
        self._followup_check_access()
        single = len(self.commercial_partner_id) == 1
        summary = self.env["account.followup.execution"]._execute(
            self, raise_errors=single, origin="statement" if single else "batch"
        )
        if single and not summary["processed"] and summary["skipped"]:
            raise UserError(summary["skipped"][0][1])
        return self._followup_summary_action(summary)

    def _followup_run_channel(self, channel):
        """One channel alone: from the statement (one customer, errors raised), or
        from the list on several customers (errors reported, summary shown)."""
        self._followup_check_access()
        single = len(self.commercial_partner_id) == 1
        summary = self.env["account.followup.execution"]._execute(
            self,
            channels=[channel],
            raise_errors=single,
            origin="statement" if single else "batch",
        )
        if single and summary["skipped"]:
            raise UserError(summary["skipped"][0][1])
        if channel == "letter" and single:
            return summary["letters"]._followup_letters_action()
        return self._followup_summary_action(summary)

    def action_followup_send_email(self):
        return self._followup_run_channel("email")

    def action_followup_print_letter(self):
        return self._followup_run_channel("letter")

    def action_followup_send_sms(self):
        return self._followup_run_channel("sms")

    def action_followup_send_post(self):
        return self._followup_run_channel("post")

    def action_followup_post_confirm(self):
        """Send by post from the statement: the address is checked first (a warning
        says what is missing), then the user confirms the paid service."""
        self._followup_check_access()
        Send = self.env["account.followup.send"]
        for partner in self.commercial_partner_id:
            level = partner.followup_level_id or Send._document_level(partner)
            Send._check_post(partner, level)
        return self.env["account.followup.confirm"]._action_open(self, "post")

    def action_followup_open_send_wizard(self):
        """Follow-up: the send wizard on the customers of ``self``."""
        self._followup_check_access()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Follow-up"),
            "res_model": "account.followup.send.wizard",
            "view_mode": "form",
            "target": "new",
            "context": dict(
                self.env.context,
                default_partner_ids=self.commercial_partner_id.ids,
            ),
        }

    def action_followup_process_confirm(self):
        """Process follow-ups from the list: confirm first, each customer with its
        level and its channels (the paid ones marked)."""
        self._followup_check_access()
        return self.env["account.followup.confirm"]._action_open(self, "process")

    def action_followup_done(self):
        """Done: the current level was handled by hand (after at least one action
        from the statement); stamp its lines and move on."""
        self._followup_check_access()
        levels = {p.id: p.followup_level_id.name for p in self.commercial_partner_id}
        self.env["account.followup.execution"]._mark_done_by_hand(self)
        return self._followup_next_partner_action(
            {
                p.id: self.env._("%(level)s done", level=levels.get(p.id) or "")
                for p in self.commercial_partner_id
            }
        )

    def action_followup_later(self):
        """Do it later: hide the partner from the list until tomorrow, without
        marking anything as done."""
        self._followup_check_access()
        Execution = self.env["account.followup.execution"]
        Execution._postpone(self, Execution._postpone_date())
        return self._followup_next_partner_action(self.env._("postponed to tomorrow"))

    def action_followup_snooze(self):
        """Open the Reminder wizard (one week, two weeks, ..., a date)."""
        self._followup_check_access()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reminder"),
            "res_model": "account.followup.snooze",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.commercial_partner_id.ids},
        }

    def action_followup_promise(self):
        """The statement's Promise to pay: the promise form in a dialog, with the
        customer's open invoices and their amount preselected (shortcuts: one
        week, two weeks, one month)."""
        self.ensure_one()
        self._followup_check_access()
        self._followup_check_company()
        view = self.env.ref(
            "account_payment_followup.account_followup_promise_view_form_dialog"
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to pay"),
            "res_model": "account.followup.promise",
            "view_mode": "form",
            "views": [(view.id, "form")],
            "target": "new",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_company_id": self.env.company.id,
                "default_delay": "1w",
            },
        }

    def action_open_followup_statement(self):
        self.ensure_one()
        self._followup_check_access()
        view = self.env.ref(
            "account_payment_followup.res_partner_view_form_followup",
            raise_if_not_found=False,
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer statement"),
            "res_model": "res.partner",
            "res_id": self.commercial_partner_id.id,
            "view_mode": "form",
            "views": [(view.id if view else False, "form")],
            "context": {"followup_open_next": True},
            "target": "current",
        }

    def action_open_followup_reminders(self):
        self.ensure_one()
        self._followup_check_access()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_payment_followup.account_followup_reminder_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    def action_followup_export_xlsx(self):
        """The statements of the selected customers as one XLSX workbook, with
        their aging (a sheet per customer, and a summary for several)."""
        return self.env["account.followup.export"]._statement_action(self)

    def _followup_summary_action(self, summary):
        if len(self.commercial_partner_id) > 1:
            wizard = self.env["account.followup.process"].create(
                self.env["account.followup.process"]._values_from_summary(summary)
            )
            return wizard._action_open()
        if summary["letters"]:
            return summary["letters"]._followup_letters_action()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self._followup_summary_message(summary),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _followup_summary_message(self, summary):
        """What was done for one customer, in the words of what really happened:
        "Email queued to ann@example.com", "SMS queued to +32...", "letter queued
        for the post"; the level said done when it was."""
        parts = []
        for reminder in summary["reminders"]:
            if reminder.channel_email:
                parts.append(
                    self.env._("Email queued to %(email)s", email=reminder.email_to)
                )
            if reminder.letter_state == "to_print":
                parts.append(self.env._("letter waiting in Letters to print"))
            if reminder.channel_sms:
                parts.append(self.env._("SMS queued"))
            if reminder.channel_post:
                parts.append(self.env._("letter queued for the post"))
            if reminder.channel_activity:
                parts.append(self.env._("activity planned"))
            if not reminder.partial:
                parts.append(
                    self.env._("level “%(level)s” done", level=reminder.level_id.name)
                )
        if not parts:
            return self.env._("Nothing was sent.")
        message = ", ".join(parts)
        return message[0].upper() + message[1:] + "."

    def _followup_letters_action(self):
        """One PDF with the letters of all partners of ``self``."""
        if not self:
            return False
        return self.env.ref(
            "account_payment_followup.res_partner_action_report_followup_letter"
        ).report_action(self)

    def _followup_next_partner_action(self, what=""):
        """Say what was done and open the next customer in need of action in place
        of this one (the statement flow), or go back to the list when it is done.

        :param what: what was done ("Friendly reminder done"), or
            {partner id: what} when it differs per customer
        """
        customers = self.commercial_partner_id
        if not isinstance(what, dict):
            what = dict.fromkeys(customers.ids, what)
        message = "; ".join(
            self.env._("%(partner)s — %(what)s", partner=p.name, what=what[p.id])
            if what.get(p.id)
            else p.name
            for p in customers
        )
        context = self.env.context
        if not context.get("followup_open_next"):
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": message,
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        next_partner = self._followup_queue().filtered(lambda p: p not in customers)[:1]
        if not next_partner:
            action = self.env["ir.actions.actions"]._for_xml_id(
                "account_payment_followup.res_partner_action_followup"
            )
            return {
                "type": "ir.actions.client",
                "tag": "account_payment_followup_open_next",
                "params": {
                    "message": self.env._(
                        "%(message)s · the list is done", message=message
                    ),
                    "next": action,
                    "clear_breadcrumbs": True,
                },
            }
        action = next_partner.action_open_followup_statement()
        action["context"] = dict(
            action["context"],
            followup_queue_done=(context.get("followup_queue_done") or 0)
            + len(customers),
        )
        return {
            "type": "ir.actions.client",
            "tag": "account_payment_followup_open_next",
            "params": {
                "message": self.env._(
                    "%(message)s · next: %(next)s",
                    message=message,
                    next=next_partner.name,
                ),
                "next": action,
            },
        }

    # ------------------------------------------------------------------
    # The daily run
    # ------------------------------------------------------------------

    @api.model
    def _cron_execute_followups(
        self, batch_size=None, time_budget=None, auto_commit=None
    ):
        """The daily run (see ``account.followup.execution._cron_run``)."""
        return self.env["account.followup.execution"]._cron_run(
            batch_size=batch_size, time_budget=time_budget, auto_commit=auto_commit
        )
