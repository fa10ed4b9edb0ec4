# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Billing users work the follow-ups without any AccessError; users
without accounting rights, portal and public users get nothing of it."""

from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import FollowupCommon

PUBLIC_METHODS = [
    "action_followup_process",
    "action_followup_send_email",
    "action_followup_print_letter",
    "action_followup_send_sms",
    "action_followup_send_post",
    "action_followup_done",
    "action_followup_later",
    "action_followup_snooze",
    "action_open_followup_statement",
]

FOLLOWUP_FIELDS = [
    "followup_status",
    "followup_level_id",
    "followup_total_due",
    "followup_total_overdue",
    "followup_line_ids",
]


@tagged("post_install", "-at_install")
class TestSecurityAccess(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        common = {"company_id": cls.company.id, "company_ids": cls.company.ids}
        # a billing user who cannot create or edit contacts (no "Contact Creation")
        cls.billing = new_test_user(
            cls.env,
            login="fu_billing",
            groups="base.group_user,account.group_account_invoice",
            **common,
        )
        cls.internal = new_test_user(
            cls.env, login="fu_internal", groups="base.group_user", **common
        )
        cls.portal = new_test_user(
            cls.env, login="fu_portal", groups="base.group_portal", **common
        )
        cls.public = cls.env.ref("base.public_user")
        cls.level(15).activity_user_id = False
        cls.level(35).send_sms = True
        cls.customer.followup_responsible_id = cls.billing

    def setUp(self):
        super().setUp()
        with freeze_time("2026-01-10"):
            self.invoice = self.make_invoice(due="2026-01-20")
            self.invoice2 = self.make_invoice(partner=self.customer2, due="2026-01-20")

    def as_user(self, user, records=None):
        records = records if records is not None else self.customer
        companies = self.company if self.company in user.sudo().company_ids else None
        companies = companies or user.sudo().company_id
        return records.with_user(user).with_context(allowed_company_ids=companies.ids)

    def outsiders(self):
        return [
            (user, user.sudo().login)
            for user in (self.internal, self.portal, self.public)
        ]

    # ------------------------------------------------------------------
    # Billing users
    # ------------------------------------------------------------------

    def test_billing_user_works_the_follow_ups(self):
        Partner = self.as_user(self.billing, self.env["res.partner"])
        with freeze_time("2026-01-25"):
            found = Partner.search([("followup_status", "=", "in_need_of_action")])
            self.assertEqual(found, self.customer | self.customer2)
            partner = self.as_user(self.billing)
            partner.read(
                FOLLOWUP_FIELDS
                + [
                    "followup_next_action_date",
                    "followup_reminder_type",
                    "followup_responsible_id",
                ]
            )
            lines = partner.followup_line_ids
            lines.write(
                {"followup_note": "called", "followup_expected_date": "2026-01-24"}
            )
            lines.followup_expected_date = False
            # saving the statement form: follow-up settings and the open items
            partner.write(
                {
                    "followup_responsible_id": self.billing.id,
                    "followup_reminder_type": "automatic",
                    "trust": "bad",
                    "followup_line_ids": [
                        Command.update(lines.id, {"followup_note": "promised"})
                    ],
                }
            )
            self.assertEqual(lines.followup_note, "promised")
            self.assertEqual(partner.trust, "bad")
            with self.assertRaises(AccessError):
                partner.write({"name": "Renamed by a billing user"})
            self.assertEqual(
                partner.action_followup_send_email()["type"], "ir.actions.client"
            )
            letter = partner.action_followup_print_letter()
            self.assertEqual(letter["type"], "ir.actions.report")
            report = self.env.ref(
                "account_payment_followup.res_partner_action_report_followup_letter"
            ).with_user(self.billing)
            html, _fmt = report._render_qweb_html(report.report_name, partner.ids)
            self.assertIn(self.invoice.name, html.decode())
            partner.action_followup_done()
            partner.invalidate_recordset()
            self.assertEqual(partner.followup_status, "with_overdue_invoices")
            # the batch action with its summary
            action = self.as_user(
                self.billing, self.customer2
            ).action_followup_process()
            # customer2 is at the first reminder, which prints a letter
            self.assertEqual(action["type"], "ir.actions.report")
        with freeze_time("2026-02-04"):
            # the call level schedules an activity for the responsible
            self.as_user(self.billing).action_followup_process()
            self.assertTrue(
                self.customer.activity_ids.filtered(lambda a: a.user_id == self.billing)
            )
        with freeze_time("2026-02-24"):
            partner = self.as_user(self.billing)
            partner.action_followup_send_sms()
            partner.action_followup_send_post()
            partner.action_followup_later()
            self.assertEqual(str(partner.followup_next_action_date), "2026-02-25")
            snooze = partner.action_followup_snooze()
            wizard = (
                self.env[snooze["res_model"]]
                .with_user(self.billing)
                .with_context(**snooze["context"])
                .create({"delay": "date", "date": "2026-03-01"})
            )
            wizard.action_apply()
            partner.invalidate_recordset()
            self.assertEqual(str(partner.followup_next_action_date), "2026-03-01")
            levels = self.env["account.followup.level"].with_user(self.billing)
            self.assertEqual(levels.search([]), self.levels)

    def test_billing_user_opens_the_views(self):
        action = self.env.ref("account_payment_followup.res_partner_action_followup")
        Partner = self.as_user(self.billing, self.env["res.partner"])
        views = [(view.view_id.id, view.view_mode) for view in action.view_ids]
        views.append((action.search_view_id.id, "search"))
        result = Partner.get_views(views)
        self.assertIn("followup_status", result["models"]["res.partner"]["fields"])
        # without the right to edit contacts, the statement stays editable (its
        # follow-up fields, the trust and the open items are theirs to change)
        statement = etree.fromstring(result["views"]["form"]["arch"])
        self.assertNotEqual(statement.get("edit"), "False")
        level_action = self.env.ref(
            "account_payment_followup.account_followup_level_action"
        )
        Level = self.env["account.followup.level"].with_user(self.billing)
        Level.get_views([(level_action.view_id.id, "list"), (False, "form")])

    # ------------------------------------------------------------------
    # Users without accounting rights, portal, public
    # ------------------------------------------------------------------

    def test_outsiders_call_no_public_method(self):
        with freeze_time("2026-01-25"):
            for user, login in self.outsiders():
                partner = self.as_user(user)
                for method in PUBLIC_METHODS:
                    with self.subTest(user=login, method=method):
                        with self.assertRaises(AccessError):
                            getattr(partner, method)()
        self.assertFalse(self.receivable_lines(self.invoice).followup_level_id)
        self.assertFalse(self.reminder_ids(self.customer))

    def test_outsiders_read_no_follow_up_figure(self):
        with freeze_time("2026-01-25"):
            for user, login in self.outsiders():
                Partner = self.as_user(user, self.env["res.partner"])
                for field_name in FOLLOWUP_FIELDS + ["followup_next_action_date"]:
                    with self.subTest(user=login, field=field_name):
                        with self.assertRaises(AccessError):
                            self.as_user(user).sudo(False).read([field_name])
                with self.subTest(user=login, search="status"):
                    with self.assertRaises(AccessError):
                        Partner.search([("followup_status", "=", "in_need_of_action")])

    def test_outsiders_open_no_view_action_or_report(self):
        action = self.env.ref("account_payment_followup.res_partner_action_followup")
        report = self.env.ref(
            "account_payment_followup.res_partner_action_report_followup_letter"
        )
        for user, login in self.outsiders():
            with self.subTest(user=login):
                # the follow-up views show none of the follow-up fields
                if not user.sudo().share:
                    views = (
                        self.env["res.partner"]
                        .with_user(user)
                        .get_views(
                            [
                                (view.view_id.id, view.view_mode)
                                for view in action.view_ids
                            ]
                        )
                    )
                    fields_seen = views["models"]["res.partner"]["fields"]
                    self.assertFalse(set(FOLLOWUP_FIELDS) & set(fields_seen))
                with self.assertRaises(AccessError):
                    report.with_user(user)._render_qweb_html(
                        report.report_name, self.customer.ids
                    )
                with self.assertRaises(AccessError):
                    self.env["account.followup.level"].with_user(user).search([])
                with self.assertRaises(AccessError):
                    self.env["account.followup.process"].with_user(user).create({})
                with self.assertRaises(AccessError):
                    self.env["account.followup.snooze"].with_user(user).create(
                        {"partner_ids": [fields.Command.set(self.customer.ids)]}
                    )


@tagged("post_install", "-at_install")
class TestFollowupAccess(FollowupCommon):
    """Billing users work the follow-ups and read the plan; accounting managers
    change it; each company's plan is hidden from the other companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.setup_other_company(name="Other Co")["company"]
        cls.other_levels = cls.env["account.followup.level"].search(
            [("company_id", "=", cls.other.id)]
        )
        common = {"company_id": cls.company.id, "company_ids": cls.company.ids}
        cls.billing = new_test_user(
            cls.env,
            login="fu_access_billing",
            groups="account.group_account_invoice",
            **common,
        )
        cls.manager = new_test_user(
            cls.env,
            login="fu_access_manager",
            groups="account.group_account_manager",
            **common,
        )
        cls.portal = new_test_user(
            cls.env, login="fu_access_portal", groups="base.group_portal", **common
        )

    def test_billing_user_reads_but_cannot_change_the_plan(self):
        Level = self.env["account.followup.level"].with_user(self.billing)
        levels = Level.search([])
        self.assertEqual(levels, self.levels)
        self.assertEqual(levels.mapped("name"), self.levels.mapped("name"))
        level = levels[0]
        with self.assertRaises(AccessError):
            level.write({"delay": -7})
        with self.assertRaises(AccessError):
            Level.create({"name": "Mine", "delay": 90})
        with self.assertRaises(AccessError):
            level.unlink()
        self.assertEqual(self.levels[0].delay, -3)

    def test_billing_user_cannot_see_another_company_plan(self):
        Level = self.env["account.followup.level"].with_user(self.billing)
        self.assertFalse(Level.search([("company_id", "=", self.other.id)]))
        with self.assertRaises(AccessError):
            Level.browse(self.other_levels.ids).read(["name"])
        # once the user belongs to that company, with it selected
        self.billing.company_ids |= self.other
        self.assertEqual(
            Level.with_company(self.other).search([("company_id", "=", self.other.id)]),
            self.other_levels,
        )

    def test_manager_edits_the_plan(self):
        Level = self.env["account.followup.level"].with_user(self.manager)
        level = Level.browse(self.level(15).id)
        level.write({"delay": 14, "name": "Phone call", "auto_execute": True})
        self.assertEqual((level.delay, level.name), (14, "Phone call"))
        new = Level.create({"name": "Last call", "delay": 90})
        self.assertEqual(new.company_id, self.company)
        new.unlink()
        self.assertFalse(new.exists())
        # but not another company's
        self.assertFalse(Level.search([("company_id", "=", self.other.id)]))

    def test_portal_user_sees_nothing(self):
        Level = self.env["account.followup.level"].with_user(self.portal)
        with self.assertRaises(AccessError):
            Level.search([])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.portal).action_followup_process()

    def test_billing_user_runs_the_follow_ups(self):
        """Process, Do it later, snooze and Done, as a billing user."""
        with freeze_time("2026-01-21"):
            invoice = self.make_invoice()
            self.make_invoice(partner=self.customer2)
            partners = (self.customer | self.customer2).with_user(self.billing)
            found = partners.search(
                [
                    ("followup_status", "=", "in_need_of_action"),
                    ("id", "in", partners.ids),
                ]
            )
            self.assertEqual(found, partners)
            action = partners.action_followup_process()
            wizard = self.env["account.followup.process"].browse(action["res_id"])
            self.assertEqual(wizard.processed_count, 2)
            self.assertEqual(
                self.receivable_lines(invoice).followup_level_id, self.level(1)
            )
        with freeze_time("2026-02-04"):
            customer = self.customer.with_user(self.billing)
            customer.action_followup_later()
            self.assertEqual(customer.followup_next_action_date, date(2026, 2, 5))
            wizard = (
                self.env["account.followup.snooze"]
                .with_user(self.billing)
                .create(
                    {"partner_ids": customer.ids, "delay": "date", "date": "2026-02-04"}
                )
            )
            wizard.action_apply()
            customer.invalidate_recordset()
            self.assertEqual(customer.followup_status, "in_need_of_action")
            customer.action_followup_send_email()
            customer.action_followup_done()
            self.assertEqual(
                self.receivable_lines(invoice).followup_level_id, self.level(15)
            )
