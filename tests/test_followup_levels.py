# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupLevels(FollowupCommon):
    """The plan of a company: its levels, their order and their checks."""

    def test_default_plan(self):
        """Five levels; the automatic ones send emails, the others give the
        responsible an activity."""
        self.assertEqual(self.levels.mapped("delay"), [-3, 1, 15, 35, 60])
        template = self.env.ref("account_payment_followup.mail_template_followup")
        for delay in (-3, 1, 35):
            self.assertTrue(self.level(delay).send_email)
            self.assertEqual(self.level(delay).mail_template_id, template)
        self.assertEqual(
            self.levels.filtered("auto_execute").mapped("delay"),
            [-3, 1],
        )
        self.assertEqual(
            self.levels.filtered("send_letter").mapped("delay"), [1, 35, 60]
        )
        self.assertEqual(self.levels.filtered("send_post").mapped("delay"), [60])
        self.assertEqual(
            self.levels.filtered("manual_action").mapped("delay"), [15, 35, 60]
        )
        for level in self.levels.filtered("manual_action"):
            self.assertTrue(level.activity_type_id)
            self.assertTrue(level.activity_summary)
            # no user: the partner's follow-up responsible
            self.assertFalse(level.activity_user_id)
        for level in self.levels:
            self.assertTrue(level.description)
        self.assertTrue(self.level(35).sms_template_id)
        self.assertEqual(self.levels.company_id, self.company)

    def test_mail_template_in_partner_language(self):
        template = self.env.ref("account_payment_followup.mail_template_followup")
        self.assertEqual(template.model, "res.partner")
        self.assertEqual(template.lang, "{{ object.lang }}")
        sms = self.env.ref("account_payment_followup.sms_template_followup")
        self.assertEqual(sms.model, "res.partner")

    def test_new_company_gets_the_plan(self):
        company = self.env["res.company"].create({"name": "Newly created"})
        levels = self.env["account.followup.level"].search(
            [("company_id", "=", company.id)]
        )
        self.assertEqual(levels.mapped("delay"), [-3, 1, 15, 35, 60])
        self.assertEqual(levels.mapped("name"), self.levels.mapped("name"), "same plan")
        # editable
        levels[0].write({"delay": -5, "name": "Early reminder"})
        self.assertEqual(levels[0].delay, -5)
        levels[-1].unlink()
        self.assertEqual(len(company.followup_level_ids), 4)
        # never created twice
        company._followup_create_default_levels()
        self.assertEqual(len(company.followup_level_ids), 4)

    def test_ordered_by_delay(self):
        Level = self.env["account.followup.level"]
        Level.create({"name": "Between", "delay": 10})
        Level.create({"name": "Before all", "delay": -10})
        self.assertEqual(
            Level.search([("company_id", "=", self.company.id)]).mapped("delay"),
            [-10, -3, 1, 10, 15, 35, 60],
        )

    def test_duplicate_delay_clear_message(self):
        Level = self.env["account.followup.level"]
        with self.assertRaisesRegex(UserError, "15 days already exists.*Call the"):
            Level.create({"name": "Again", "delay": 15})
        with self.assertRaisesRegex(UserError, "already exists"):
            Level.create([{"name": "A", "delay": 20}, {"name": "B", "delay": 20}])
        with self.assertRaisesRegex(UserError, "35 days already exists"):
            self.level(15).delay = 35
        extra = Level.create([{"name": "A", "delay": 20}, {"name": "B", "delay": 21}])
        with self.assertRaisesRegex(UserError, "already exists"):
            extra.write({"delay": 22})
        # an archived level keeps its delay
        self.level(60).active = False
        with self.assertRaisesRegex(UserError, "60 days already exists"):
            Level.create({"name": "New notice", "delay": 60})

    def test_same_delay_in_another_company(self):
        other = self.setup_other_company(name="Other Co")["company"]
        Level = self.env["account.followup.level"]
        self.assertTrue(
            Level.search([("company_id", "=", other.id), ("delay", "=", 15)])
        )
        Level.search([("company_id", "=", other.id), ("delay", "=", 15)]).unlink()
        level = Level.create({"name": "Call", "delay": 15, "company_id": other.id})
        self.assertEqual(level.company_id, other)
        self.assertEqual(self.level(15).company_id, self.company)

    def test_email_level_needs_template(self):
        Level = self.env["account.followup.level"]
        with self.assertRaisesRegex(ValidationError, "choose its email template"):
            Level.create({"name": "Mail", "delay": 5, "send_email": True})
        with self.assertRaisesRegex(ValidationError, "choose its SMS template"):
            Level.create({"name": "SMS", "delay": 6, "send_sms": True})
        with self.assertRaisesRegex(ValidationError, "email template"):
            self.level(1).mail_template_id = False

    def test_template_of_a_level_cannot_be_deleted(self):
        template = self.level(1).mail_template_id
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.cr.savepoint():
                template.unlink()
                template.flush_recordset()
        self.assertTrue(template.exists())

    @freeze_time("2026-01-21")
    def test_applied_level_cannot_be_deleted(self):
        """A level already sent is the memory of what was sent: archive it."""
        invoice = self.make_invoice()
        self.customer.action_followup_process()
        self.assertEqual(
            self.receivable_lines(invoice).followup_level_id, self.level(1)
        )
        with self.assertRaisesRegex(UserError, "Archive it"):
            self.level(1).unlink()
        self.level(1).active = False
        self.assertFalse(self.level(1).active)
        # never applied: deleting is fine
        self.level(15).unlink()

    def test_archived_level_is_skipped(self):
        """An archived level is never reached: the next active one is."""
        with freeze_time("2026-01-21"):
            self.make_invoice()
            self.level(1).active = False
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.followup_level_id, self.level(-3))
        with freeze_time("2026-02-04"):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.followup_level_id, self.level(15))
