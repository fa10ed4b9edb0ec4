# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sending in bulk: the reminder emails of a batch posted together.

What ``message_post`` does for one message, for all the messages of a batch: the
messages, their emails and notifications created together, the recipients found
together (``_bulk_recipients``); each message keeps what Odoo makes for it
(``tests/test_followup_bulk.py`` compares them field by field). When a module
other than mail and sms changes how messages are posted, ``message_post`` is used
for each (``_bulk_post_safe``).
"""

from collections import defaultdict

from markupsafe import escape

from odoo import api, models
from odoo.tools import clean_context, split_every

# the recipients of a batch's messages, found together while it posts (cursor cache
# key, see MailFollowers._get_recipient_data)
POST_CACHE = "account_payment_followup.bulk_post"
# what posting in bulk does instead of these methods (``_bulk_post_safe``)
BULK_POST_METHODS = (
    "message_post",
    "_message_create",
    "_notify_thread",
    "_notify_thread_by_email",
    "_notify_thread_by_inbox",
    "_notify_thread_by_sms",
)


class AccountFollowupSend(models.AbstractModel):
    _inherit = "account.followup.send"

    @api.model
    def _bulk_post_safe(self, Model):
        """Whether posting in bulk makes what ``message_post`` makes: no module but
        mail, sms and this one changes how a message of ``Model`` is posted or
        notified (another one, installed later, is then used through
        ``message_post``, one message at a time)."""
        allowed = {"mail", "sms", "account_payment_followup"}
        methods = [(Model, name) for name in BULK_POST_METHODS]
        methods.append((self.env["mail.followers"], "_get_recipient_data"))
        for model, name in methods:
            for cls in type(model).__mro__:
                if name in vars(cls):
                    module = getattr(cls, "_module", None) or (
                        cls.__module__.split(".")[2]
                        if cls.__module__.startswith("odoo.addons.")
                        else None
                    )
                    if module and module not in allowed:
                        return False
        return True

    @api.model
    def _post_messages_bulk(self, posts):
        """``message_post`` of each ``(record, values)`` (values as
        ``_email_post_values`` gives them: a comment to the given partners, queued,
        nobody subscribed), the messages, emails and notifications created
        together. Returns the messages in the order of ``posts``."""
        if not posts:
            return self.env["mail.message"]
        Model = posts[0][0]
        if not self._bulk_post_safe(Model):
            # another module changes how a message is posted: its own way
            messages = self.env["mail.message"]
            for record, values in posts:
                messages |= record.message_post(**values)
            return messages
        msg_values_list = []
        records = []
        for record, values in posts:
            record = record._fallback_lang()
            records.append(record)
            values = dict(values)
            author_id, email_from = record._message_compute_author(
                values.pop("author_id", None),
                values.pop("email_from", None),
                raise_on_email=True,
            )
            subtype_id = self.env["ir.model.data"]._xmlid_to_res_id(
                values.pop("subtype_xmlid")
            )
            attachment_ids = list(values.pop("attachment_ids", None) or [])
            msg_values = {
                "email_add_signature": True,
                "record_name": record.sudo().display_name,
                **{
                    key: value
                    for key, value in values.items()
                    if key not in ("body", "subject", "partner_ids", "message_type")
                },
                "author_id": author_id,
                "author_guest_id": False,
                "email_from": email_from,
                "model": record._name,
                "res_id": record.id,
                "body": escape(values["body"]),
                "message_type": values["message_type"],
                "parent_id": record._message_compute_parent_id(False),
                "subject": values["subject"] or False,
                "subtype_id": subtype_id,
                "partner_ids": list(values["partner_ids"]),
            }
            msg_values.update(
                record._process_attachments_for_post([], attachment_ids, msg_values)
            )
            msg_values_list.append(msg_values)
        messages = Model._message_create(msg_values_list)
        pending = []
        cache = self.env.cr.cache
        cache[POST_CACHE] = {
            "recipients": self._bulk_recipients(records, msg_values_list)
        }
        try:
            for record, message, msg_values in zip(
                records, messages, msg_values_list, strict=True
            ):
                record._message_post_after_hook(message, msg_values)
                # a message just posted has no tracking values (the notification
                # would look for them, as message_post's)
                pending += self._notify_prepare(
                    record, message, {**msg_values, "tracking_value_ids": []}
                )
        finally:
            cache.pop(POST_CACHE, None)
        self._notify_create(pending)
        return messages

    @api.model
    def _bulk_recipients(self, records, msg_values_list):
        """What ``mail.followers._get_recipient_data`` answers for the message of
        each record, found in two queries for the batch instead of one per
        message: ``{(model, record id, message type, subtype id, partner ids):
        {partner id: recipient data}}``. A record that has followers is left out
        (its own query finds them, and which recipients follow it)."""
        Followers = self.env["mail.followers"]
        prepared = {}
        kinds = defaultdict(list)
        for record, values in zip(records, msg_values_list, strict=True):
            kinds[(values["message_type"], values["subtype_id"])].append(
                (record, values)
            )
        for (message_type, subtype_id), items in kinds.items():
            if message_type in ("sms", "user_notification") or not subtype_id:
                continue
            targets = items[0][0].browse([record.id for record, _values in items])
            # sudo: which documents have followers, whoever posts
            followed = {
                follower["res_id"]
                for follower in Followers.sudo().search_read(
                    [("res_model", "=", targets._name), ("res_id", "in", targets.ids)],
                    ["res_id"],
                )
            }
            pids = {pid for _record, values in items for pid in values["partner_ids"]}
            direct = (
                Followers._get_recipient_data(
                    targets.browse(), message_type, subtype_id, pids=list(pids)
                ).get(0, {})
                if pids
                else {}
            )
            for record, values in items:
                if record.id in followed:
                    continue
                key = (
                    record._name,
                    record.id,
                    message_type,
                    subtype_id,
                    frozenset(values["partner_ids"]),
                )
                prepared[key] = {
                    pid: {**direct[pid], "groups": set(direct[pid]["groups"])}
                    for pid in values["partner_ids"]
                    if pid in direct
                }
        return prepared

    @api.model
    def _notify_prepare(self, record, message, msg_values):
        """What ``_notify_thread`` does for ``message``, but the emails and their
        notifications are returned (``[(message, recipient ids, mail values)]``)
        instead of created, to be created with the others (``_notify_create``)."""
        record = record._fallback_lang()
        recipients_data = record._notify_get_recipients(message, msg_values)
        if not recipients_data:
            return []
        for recipient in filter(lambda r: r["uid"], recipients_data):
            user = self.env["res.users"].browse(recipient["uid"])
            self.env.cache.insert_missing(
                user, user._fields["partner_id"], [recipient["id"]]
            )
        record._notify_thread_by_inbox(message, recipients_data, msg_vals=msg_values)
        pending = []
        partners_data = [r for r in recipients_data if r["notif"] == "email"]
        if partners_data:
            base_mail_values = record._notify_by_email_get_base_mail_values(
                message, additional_values={"auto_delete": True}
            )
            # as _notify_thread_by_email: at most mail.batch_size recipients a mail
            batch_size = (
                int(self.env["ir.config_parameter"].sudo().get_param("mail.batch_size"))
                or 50
            )
            for (
                _lang,
                render_values,
                recipients_group,
            ) in record._notify_get_classified_recipients_iterator(
                message, partners_data, msg_vals=msg_values
            ):
                mail_body = record._notify_by_email_render_layout(
                    message,
                    recipients_group,
                    msg_vals=msg_values,
                    render_values=render_values,
                )
                recipients_ids = recipients_group.pop("recipients")
                for chunk in split_every(batch_size, recipients_ids):
                    mail_values = record._notify_by_email_get_final_mail_values(
                        chunk,
                        base_mail_values,
                        additional_values={"body_html": mail_body},
                    )
                    pending.append((message, list(chunk), mail_values))
        record._notify_thread_by_web_push(message, recipients_data, msg_values)
        # (sms, a dependency, adds this step to _notify_thread; it sends nothing
        # when no recipient is notified by SMS)
        if any(r["notif"] == "sms" for r in recipients_data):
            record._notify_thread_by_sms(message, recipients_data, msg_vals=msg_values)
        return pending

    @api.model
    def _notify_create(self, pending):
        """Create the emails of ``pending`` (``_notify_prepare``) and their
        notifications, each in one create."""
        if not pending:
            return
        context = clean_context(self.env.context)
        # without the caller's default_* keys, as Odoo creates its notification
        # emails
        clean_env = self.env(context=context)
        mails = (
            clean_env["mail.mail"]
            .sudo()
            .create([mail_values for _message, _ids, mail_values in pending])
        )
        notifications = []
        for (message, recipient_ids, _values), mail in zip(pending, mails, strict=True):
            notifications += [
                {
                    "author_id": message.author_id.id,
                    "is_read": True,
                    "mail_mail_id": mail.id,
                    "mail_message_id": message.id,
                    "notification_status": "ready",
                    "notification_type": "email",
                    "res_partner_id": recipient_id,
                }
                for recipient_id in recipient_ids
            ]
        if notifications:
            clean_env["mail.notification"].sudo().create(notifications)


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    def _get_recipient_data(self, records, message_type, subtype_id, pids=None):
        """The recipients of a message posted in bulk, found with the batch's
        (``account.followup.send._bulk_recipients``)."""
        prepared = (self.env.cr.cache.get(POST_CACHE) or {}).get("recipients")
        if prepared and records and len(records) == 1:
            key = (
                records._name,
                records.id,
                message_type,
                subtype_id,
                frozenset(pids or ()),
            )
            found = prepared.pop(key, None)
            if found is not None:
                return {records.id: found}
        return super()._get_recipient_data(records, message_type, subtype_id, pids=pids)
