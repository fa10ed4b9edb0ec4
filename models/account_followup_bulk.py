# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sending in bulk: a batch of customers whose level only sends an email executed
together, with the same result as one by one.

One by one, each customer costs its lock, its status, its lines, its reminder, its
email (Odoo's ``message_post``: message, recipients, notification email), its stamps
and its notes: about thirty queries. Here the batch does each of those steps once
for all its customers: one lock, one status query, one query for the lines, one
create of the reminders, of the messages, of the emails and of their notifications,
one note per customer created together, one update of the stamps per level. Every
record is the one the one-by-one path makes (``tests/test_followup_bulk.py``
compares them field by field).

What is not an email-only level, or fails a check (no address, blacklisted, locked
by someone else...), goes the usual way, one by one, where it is reported as
always. A batch that fails as a whole (an unexpected error) is rolled back and
executed one by one: one bad customer never stops the others.
"""

import logging
from collections import defaultdict

from lxml import etree
from psycopg2 import errors as pg_errors

from odoo import api, models
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError

from .. import tools as followup_tools
from .account_followup_send import (
    EMAIL_POST_CONTEXT,
    STATEMENT_LINE_FIELDS,
    STATEMENT_MOVE_FIELDS,
)
from .account_followup_status import FOLLOWUP_COMPUTED_FIELDS

_logger = logging.getLogger(__name__)

# fewer customers than this in a batch: one by one (nothing to gain)
BULK_MIN_PARTNERS = 2
# the templates of a batch compiled once, while it renders (cursor cache key)
RENDER_CACHE = "account_payment_followup.bulk_render"
CHECK_ERRORS = (UserError, AccessError, ValidationError, RedirectWarning)


class AccountFollowupExecution(models.AbstractModel):
    _inherit = "account.followup.execution"

    @api.model
    def _bulk_wanted(self, partners, channels, raise_errors, batch):
        """A batch (the daily run, Process on several customers) with the levels'
        own channels and nothing chosen by hand in the send wizard."""
        return (
            len(partners) >= BULK_MIN_PARTNERS
            and channels is None
            and not raise_errors
            and not self.env.context.get("followup_one_by_one")
            and not any(
                batch.get(key) is not None
                for key in (
                    "email_subject",
                    "email_body",
                    "email_recipients",
                    "attach_invoices",
                )
            )
        )

    @api.model
    def _execute_bulk(self, partners, summary, origin, **batch):
        """Execute together the customers of ``partners`` whose level only sends an
        email; return the others, to be executed one by one. When the batch fails
        it is rolled back and every customer is returned."""
        try:
            with self.env.cr.savepoint(), followup_tools.sanitize_once():
                done, rest = self._bulk_run(partners, origin, **batch)
        except pg_errors.TransactionRollbackError:
            raise
        except Exception:
            _logger.info(
                "Follow-ups: a batch of %s customers failed together, executing "
                "them one by one",
                len(partners),
                exc_info=True,
            )
            return partners
        for partner, reminder in done:
            summary["processed"] |= partner
            summary["reminders"] |= reminder
            summary["counts"]["email"] += 1
        return rest

    @api.model
    def _bulk_lock(self, partners, origin):
        """{partner id: what ``_cron_lock`` reads} (True outside the daily run) for
        the partners locked now; the others are held by someone else."""
        if origin != "cron":
            return dict.fromkeys(self._lock(partners).ids, True)
        return self._cron_lock_many(partners)

    @api.model
    def _bulk_run(self, partners, origin, **batch):
        """:return: ([(partner, reminder)] executed together, partners left)"""
        Status = self.env["account.followup.status"]
        Send = self.env["account.followup.send"]
        rest = partners.browse()
        mine = partners.browse()
        for partner in partners:
            try:
                partner._followup_check_company()
            except UserError:
                rest |= partner
                continue
            mine |= partner
        states = self._bulk_lock(mine, origin)
        rest |= mine.filtered(lambda p: p.id not in states)
        mine = mine.filtered(lambda p: p.id in states)
        if not mine:
            return [], rest
        mine.invalidate_recordset(FOLLOWUP_COMPUTED_FIELDS)
        all_data = Status._get_data(partner_ids=mine.ids)
        # what the checks read of each customer, read together: its contacts (the
        # invoice address) and whether their addresses are blacklisted
        contacts = mine | mine.child_ids
        contacts.mapped("is_blacklisted")
        fields_to_cache = [mine._fields[fname] for fname in FOLLOWUP_COMPUTED_FIELDS]
        candidates = []
        for partner in mine:
            data = all_data.get(partner.id)
            with self.env.protecting(fields_to_cache, partner):
                partner._followup_assign_data(data)
            level, channels = self._resolve_level(partner, data, None)
            if (
                not level
                or channels != ["email"]
                or (
                    origin == "cron"
                    and not self._cron_still_automatic(
                        partner, level, states[partner.id]
                    )
                )
            ):
                rest |= partner
                continue
            try:
                checked = Send._check(partner, level, channels, **batch)
            except CHECK_ERRORS:
                rest |= partner
                continue
            if "fallback" in checked["email"]:
                rest |= partner
                continue
            candidates.append((partner, level, data, checked))
        if not candidates:
            return [], rest
        rows = Status._get_lines_many(
            partners.browse([partner.id for partner, *_ in candidates])
        )
        reminders = self._create_reminders(
            [
                self._reminder_values(
                    partner, level, data, rows[partner.id], origin, False
                )
                for partner, level, data, _checked in candidates
            ]
        )
        items = [
            (partner, level, checked["email"], reminder)
            for (partner, level, _data, checked), reminder in zip(
                candidates, reminders, strict=True
            )
        ]
        for partner, *_rest in items:
            partner._followup_portal_ensure()
        descriptions = Send._send_emails_bulk(items, **batch)
        self._bulk_mark_done(candidates, reminders, rows, descriptions, origin, batch)
        done = [
            (partner, reminder)
            for (partner, *_rest), reminder in zip(candidates, reminders, strict=True)
        ]
        return done, rest

    @api.model
    def _bulk_mark_done(self, candidates, reminders, rows, descriptions, origin, batch):
        """``_mark_done`` and ``_log`` of each customer, written together."""
        Status = self.env["account.followup.status"]
        Line = self.env["account.move.line"]
        stamps = defaultdict(list)
        stamped_by_partner = {}
        next_dates = defaultdict(list)
        for partner, _level, _data, _checked in candidates:
            by_level = Status._pending_lines_by_level(rows[partner.id])
            line_ids = []
            for level_id, ids in by_level.items():
                stamps[level_id] += ids
                line_ids += ids
            stamped_by_partner[partner.id] = Line.browse(line_ids)
            next_dates[
                Status._next_action_date(
                    rows[partner.id], by_level, plans=batch.get("plans")
                )
            ].append(partner.id)
        self._stamp(stamps, batch.get("escalations"))
        Partner = candidates[0][0].browse()
        for next_date, partner_ids in next_dates.items():
            Partner.browse(partner_ids).followup_next_action_date = next_date
        partners = Partner.browse([partner.id for partner, *_ in candidates])
        partners.followup_actions_done = False
        if origin != "cron":
            partners.filtered("followup_cron_attempts").followup_cron_attempts = 0
        bodies = {}
        invoice_bodies = {}
        for (partner, level, data, _checked), reminder in zip(
            candidates, reminders, strict=True
        ):
            body, actions, invoice_body = self._log_values(
                partner, level, [descriptions[partner.id]], data, reminder
            )
            bodies[partner.id] = body
            reminder.actions = actions
            for move in stamped_by_partner[partner.id].move_id:
                invoice_bodies[move.id] = invoice_body
        partners._message_log_batch(bodies=bodies)
        if invoice_bodies:
            self.env["account.move"].browse(list(invoice_bodies))._message_log_batch(
                bodies=invoice_bodies
            )
        partners.invalidate_recordset(FOLLOWUP_COMPUTED_FIELDS)


class AccountFollowupStatus(models.AbstractModel):
    _inherit = "account.followup.status"

    @api.model
    def _get_lines_many(self, partners, company=None):
        """``_get_lines`` of many commercial partners in one query: {partner id:
        rows}."""
        company = company or self.env.company
        self._flush()
        result = {partner_id: [] for partner_id in partners.ids}
        for row in self.env.execute_query_dict(
            self._lines_query(company, company._followup_today(), partners.ids)
        ):
            result[row["partner_id"]].append(row)
        return result


class AccountFollowupSend(models.AbstractModel):
    _inherit = "account.followup.send"

    @api.model
    def _send_emails_bulk(self, items, **batch):
        """The reminder email of each ``(partner, level, checked, reminder)``, as
        ``_send_email`` sends it, the messages, emails and notifications created
        together: {partner id: description}."""
        posts = []
        descriptions = {}
        cache = self.env.cr.cache
        outer = RENDER_CACHE in cache
        if not outer:
            cache[RENDER_CACHE] = {}
        try:
            self._bulk_prefetch_statements(
                self.env["res.partner"].browse([partner.id for partner, *_ in items])
            )
            values_list = [
                self._email_post_values(partner, level, checked, reminder, **batch)
                for partner, level, checked, reminder in items
            ]
        finally:
            if not outer:
                cache.pop(RENDER_CACHE, None)
        for (partner, _level, checked, reminder), values in zip(
            items, values_list, strict=True
        ):
            posts.append((reminder.with_context(**EMAIL_POST_CONTEXT), values))
            descriptions[partner.id] = self._email_description(checked)
        messages = self._post_messages_bulk(posts)
        for (_partner, _level, checked, reminder), message in zip(
            items, messages, strict=True
        ):
            reminder.write(
                {
                    "channel_email": True,
                    "email_message_id": message.id,
                    "email_to": checked["email"],
                    "email_state": "queued",
                }
            )
        return descriptions

    @api.model
    def _bulk_prefetch_statements(self, partners):
        """The statement lines of the batch's customers found in one search, their
        fields read together (``_statement_lines`` reads them while the batch
        renders)."""
        Line = self.env["account.move.line"]
        lines = Line.search_fetch(
            Line._followup_statement_domain(partners),
            STATEMENT_LINE_FIELDS,
            order="date_maturity, id",
        )
        lines.move_id.fetch(STATEMENT_MOVE_FIELDS)
        by_partner = defaultdict(list)
        for line in lines:
            by_partner[line.partner_id.commercial_partner_id.id].append(line.id)
        company_id = self.env.company.id
        self.env.cr.cache[RENDER_CACHE]["statement_lines"] = {
            (company_id, partner.id): Line.browse(by_partner[partner.id]).with_prefetch(
                lines._prefetch_ids
            )
            for partner in partners
        }

    @api.model
    def _statement_lines(self, partner):
        cache = self.env.cr.cache.get(RENDER_CACHE) or {}
        found = cache.get("statement_lines", {}).get((self.env.company.id, partner.id))
        if found is None:
            return super()._statement_lines(partner)
        return found.with_env(self.env)


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        """A batch renders the same email template for each of its customers:
        compiled once for the batch (an inline template, parsed again for each
        record, is otherwise compiled again each time)."""
        cache = self.env.cr.cache.get(RENDER_CACHE)
        if cache is None or not isinstance(template, etree._Element):
            return super()._compile(template)
        key = (
            "compile",
            etree.tostring(template),
            tuple(self.env.context.get(k) for k in self._get_template_cache_keys()),
            self.env.context.get("raise_on_forbidden_code_for_model"),
        )
        if key not in cache:
            cache[key] = super()._compile(template)
        return cache[key]


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    @api.model
    def _has_unsafe_expression_template_qweb(self, template_src, model):
        # checked once per batch for the same template (see IrQweb._compile)
        cache = self.env.cr.cache.get(RENDER_CACHE)
        if cache is None:
            return super()._has_unsafe_expression_template_qweb(template_src, model)
        key = ("unsafe", str(template_src), model)
        if key not in cache:
            cache[key] = super()._has_unsafe_expression_template_qweb(
                template_src, model
            )
        return cache[key]
