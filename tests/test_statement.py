# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import FollowupCommon

STATEMENT_VIEW = "account_payment_followup.res_partner_view_form_followup"


@tagged("post_install", "-at_install")
class TestStatement(FollowupCommon):
    """The Follow-up Reports list, the customer statement and what is around them:
    what a credit controller clicks on every day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.action = cls.env.ref("account_payment_followup.res_partner_action_followup")

    def search_filter(self, name):
        """The domain of a filter of the Follow-up Reports search view."""
        view = self.env.ref("account_payment_followup.res_partner_view_search_followup")
        node = etree.fromstring(view.arch).find(f".//filter[@name='{name}']")
        self.assertIsNotNone(node, f"the search view has no filter {name}")
        return safe_eval(node.get("domain"), {"uid": self.env.uid})

    def partners_of(self, filter_name):
        domain = safe_eval(self.action.domain) + self.search_filter(filter_name)
        return self.env["res.partner"].search(domain)

    # ------------------------------------------------------------------
    # Menus, list, filters, group by
    # ------------------------------------------------------------------

    def test_menus(self):
        reports = self.env.ref("account_payment_followup.res_partner_menu_followup")
        self.assertEqual(
            reports.parent_id, self.env.ref("account.menu_finance_receivables")
        )
        self.assertEqual(reports.action, self.action)
        levels = self.env.ref("account_payment_followup.account_followup_level_menu")
        self.assertEqual(
            levels.parent_id, self.env.ref("account.account_invoicing_menu")
        )
        self.assertEqual(
            levels.action,
            self.env.ref("account_payment_followup.account_followup_level_action"),
        )
        # a billing user sees the reports; the plan's menu is for the managers
        billing = self.env.ref("account.group_account_invoice")
        self.assertIn(billing, reports.groups_id)
        self.assertNotIn(billing, levels.groups_id)

    def test_default_filter_in_need_of_action(self):
        context = safe_eval(self.action.context)
        self.assertTrue(context.get("search_default_filter_in_need_of_action"))
        self.make_invoice(self.customer, due="2026-01-20")
        self.make_invoice(self.customer2, due="2026-03-20")
        with freeze_time("2026-01-25"):
            self.assertIn(self.customer, self.partners_of("filter_in_need_of_action"))
            self.assertNotIn(
                self.customer2, self.partners_of("filter_in_need_of_action")
            )

    @freeze_time("2026-01-25")
    def test_filters(self):
        self.make_invoice(self.customer, due="2026-01-20")
        self.make_invoice(self.customer2, due="2026-03-20")
        self.customer.followup_reminder_type = "manual"
        self.customer.followup_next_action_date = date(2026, 3, 1)
        self.customer.followup_responsible_id = self.env.user
        self.customer2.trust = "bad"
        # the customer is snoozed: overdue, but not in need of action
        self.assertIn(self.customer, self.partners_of("filter_with_overdue_invoices"))
        self.assertNotIn(
            self.customer2, self.partners_of("filter_with_overdue_invoices")
        )
        self.assertNotIn(self.customer, self.partners_of("filter_in_need_of_action"))
        self.assertIn(self.customer, self.partners_of("filter_manual"))
        self.assertNotIn(self.customer, self.partners_of("filter_automatic"))
        self.assertIn(self.customer2, self.partners_of("filter_automatic"))
        self.assertIn(self.customer, self.partners_of("filter_my_followups"))
        self.assertNotIn(self.customer2, self.partners_of("filter_my_followups"))
        self.assertIn(self.customer2, self.partners_of("filter_trust_bad"))
        self.assertIn(self.customer, self.partners_of("filter_trust_normal"))
        self.assertNotIn(self.customer, self.partners_of("filter_trust_bad"))

    @freeze_time("2026-02-10")
    def test_group_by_level_with_sums(self):
        """Group by level (a computed field) works as on a stored one: groups with
        their sums, and opening a group lists its customers."""
        self.make_invoice(self.customer, amount=1000, due="2026-01-20")  # 21 days
        self.make_invoice(self.customer2, amount=300, due="2026-02-08")  # 2 days
        self.make_invoice(self.customer2, amount=200, due="2026-02-07")  # 3 days
        Partner = self.env["res.partner"]
        fields = Partner.fields_get(
            ["followup_level_id", "followup_total_overdue"],
            ["groupable", "sortable", "aggregator"],
        )
        self.assertTrue(fields["followup_level_id"]["groupable"])
        self.assertTrue(fields["followup_level_id"]["sortable"])
        self.assertEqual(fields["followup_total_overdue"]["aggregator"], "sum")

        domain = [("id", "in", (self.customer | self.customer2).ids)]
        result = Partner.web_read_group(
            domain,
            ["followup_total_due:sum", "followup_total_overdue:sum"],
            ["followup_level_id"],
        )
        groups = {group["followup_level_id"][0]: group for group in result["groups"]}
        call, reminder = self.level(15), self.level(1)
        self.assertEqual(set(groups), {call.id, reminder.id})
        self.assertEqual(groups[call.id]["followup_level_id_count"], 1)
        self.assertAlmostEqual(groups[call.id]["followup_total_overdue"], 1000)
        self.assertAlmostEqual(groups[reminder.id]["followup_total_due"], 500)
        # opening a group searches with its domain
        self.assertEqual(
            Partner.search(domain + groups[reminder.id]["__domain"]), self.customer2
        )
        self.assertEqual(
            Partner.search(domain + [("followup_level_id", "=", False)]),
            Partner,
        )
        # sorting by the overdue amount and grouping by status
        self.assertEqual(
            Partner.search(domain, order="followup_total_overdue desc").ids,
            [self.customer.id, self.customer2.id],
        )
        by_status = Partner.web_read_group(domain, [], ["followup_status"])
        self.assertEqual(
            [group["followup_status"] for group in by_status["groups"]],
            ["in_need_of_action"],
        )

    def test_list_view_columns(self):
        view = self.env.ref("account_payment_followup.res_partner_view_list_followup")
        arch = etree.fromstring(view.arch)
        names = [node.get("name") for node in arch.iter("field")]
        for name in (
            "name",
            "followup_level_id",
            "followup_next_action_date",
            "followup_total_due",
            "followup_total_overdue",
            "followup_responsible_id",
            "trust",
        ):
            self.assertIn(name, names)
        for name in ("followup_total_due", "followup_total_overdue"):
            self.assertTrue(arch.find(f".//field[@name='{name}']").get("sum"))
        self.assertEqual(
            arch.find(".//field[@name='trust']").get("widget"), "followup_trust"
        )
        # the view loads (fields and widgets known)
        self.env["res.partner"].get_views(
            [(view.id, "list"), (False, "search")],
            {"load_filters": True},
        )

    # ------------------------------------------------------------------
    # The statement
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_statement_lines_edited_inline_are_saved(self):
        """Expected date, exclusion and note edited in the statement table are saved
        on the invoice lines, and change the follow-up at once."""
        invoice = self.make_invoice(self.customer, amount=1000, due="2026-01-20")
        other = self.make_invoice(self.customer, amount=400, due="2026-03-01")
        line, other_line = self.receivable_lines(invoice), self.receivable_lines(other)
        self.assertEqual(self.customer.followup_line_ids, line | other_line)
        self.assertEqual(self.customer.followup_status, "in_need_of_action")

        with Form(self.customer, view=STATEMENT_VIEW) as statement:
            self.assertEqual(len(statement.followup_line_ids), 2)
            with statement.followup_line_ids.edit(0) as row:
                self.assertEqual(row.move_id, invoice)
            with statement.followup_line_ids.edit(1) as row:
                row.followup_expected_date = date(2026, 3, 15)
        # excluding asks for the reason
        action = line.action_followup_exclude()
        with Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ) as wizard:
            wizard.note = "Disputed: wrong quantity"
        wizard.record.action_apply()

        self.assertTrue(line.followup_excluded)
        self.assertEqual(line.followup_note, "Disputed: wrong quantity")
        self.assertEqual(other_line.followup_expected_date, date(2026, 3, 15))
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.followup_status, "no_action_needed")
        self.assertAlmostEqual(self.customer.followup_total_due, 400)
        # the excluded line is still shown on the statement
        self.assertIn(line, self.customer.followup_line_ids)

    @freeze_time("2026-02-10")
    def test_statement_view_shows_everything(self):
        view = self.env.ref(STATEMENT_VIEW)
        arch = etree.fromstring(
            self.env["res.partner"].get_view(view.id, "form")["arch"]
        )
        buttons = {node.get("name") for node in arch.iter("button")}
        for name in (
            "action_followup_process",
            "action_followup_send_email",
            "action_followup_print_letter",
            "action_followup_send_sms",
            "action_followup_post_confirm",
            "action_followup_open_send_wizard",
            "action_followup_done",
            "action_followup_later",
            "action_followup_snooze",
        ):
            self.assertIn(name, buttons)
        self.assertIsNotNone(arch.find(".//chatter"))
        # the embedded lines list: editable, overdue rows in red, invoice opens
        lines = self.env.ref(
            "account_payment_followup.account_move_line_view_list_followup"
        )
        lines_arch = etree.fromstring(lines.arch)
        self.assertEqual(lines_arch.get("editable"), "bottom")
        invoice_cell = lines_arch.find(".//field[@name='move_id']")
        self.assertIn("followup_overdue", invoice_cell.get("decoration-danger"))
        self.assertIn("followup_excluded", invoice_cell.get("decoration-muted"))
        # the toggle only shows: excluding goes through the button that asks for
        # the reason (and about the other instalments)
        self.assertEqual(
            lines_arch.find(".//field[@name='followup_excluded']").get("readonly"), "1"
        )
        self.assertIn(
            "action_followup_exclude",
            {node.get("name") for node in lines_arch.iter("button")},
        )
        self.assertIn(
            "action_open_business_doc",
            {node.get("name") for node in lines_arch.iter("button")},
        )

    def test_open_invoice_from_line(self):
        invoice = self.make_invoice(self.customer)
        action = self.receivable_lines(invoice).action_open_business_doc()
        self.assertEqual(action["res_model"], "account.move")
        self.assertEqual(action["res_id"], invoice.id)

    def test_trust_is_editable_on_the_statement(self):
        with Form(self.customer, view=STATEMENT_VIEW) as statement:
            statement.trust = "bad"
        self.assertEqual(self.customer.trust, "bad")

    # ------------------------------------------------------------------
    # Smart button
    # ------------------------------------------------------------------

    def test_smart_button_opens_statement_of_any_customer(self):
        view = self.env.ref(
            "account_payment_followup.res_partner_view_form_inherit_followup"
        )
        arch = etree.fromstring(view.arch)
        button = arch.find(".//button[@name='action_open_followup_statement']")
        self.assertIsNotNone(button)
        shown = {node.get("name") for node in button.iter("field")}
        self.assertTrue({"followup_status", "followup_total_overdue"} <= shown)
        # the contact form still loads with the button
        self.env["res.partner"].get_view(self.env.ref("base.view_partner_form").id)

        # a customer who owes nothing has a statement too
        action = self.customer2.action_open_followup_statement()
        self.assertEqual(action["res_id"], self.customer2.id)
        self.assertEqual(action["views"][0][0], self.env.ref(STATEMENT_VIEW).id)
        # a contact person opens the statement of its company
        contact = self.env["res.partner"].create(
            {"name": "Accountant", "parent_id": self.customer.id}
        )
        self.assertEqual(
            contact.action_open_followup_statement()["res_id"], self.customer.id
        )

    # ------------------------------------------------------------------
    # Header buttons that are not channels
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_snooze_one_week_switches_to_manual(self):
        self.make_invoice(self.customer, due="2026-01-20")
        action = self.customer.action_followup_snooze()
        self.assertEqual(action["res_model"], "account.followup.snooze")
        wizard = Form(
            self.env["account.followup.snooze"].with_context(**action["context"])
        )
        wizard.delay = "2w"
        self.assertEqual(wizard.date, date(2026, 2, 24))
        wizard.delay = "1m"
        self.assertEqual(wizard.date, date(2026, 3, 10))
        wizard.delay = "1w"
        self.assertEqual(wizard.date, date(2026, 2, 17))
        # the default is the customer's current type; the user switches to manual
        self.assertEqual(wizard.reminder_type, "automatic")
        wizard.reminder_type = "manual"
        wizard.save().action_apply()
        self.assertEqual(self.customer.followup_reminder_type, "manual")
        self.assertEqual(self.customer.followup_next_action_date, date(2026, 2, 17))
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.followup_status, "with_overdue_invoices")
        self.assertIn("Next follow-up on", self.customer.message_ids[0].body)

    @freeze_time("2026-02-10")
    def test_snooze_in_the_past_is_refused(self):
        wizard = Form(
            self.env["account.followup.snooze"].with_context(
                default_partner_ids=self.customer.ids
            )
        )
        wizard.delay = "date"
        wizard.date = date(2026, 2, 1)
        with self.assertRaisesRegex(UserError, "cannot be in the past"):
            wizard.save().action_apply()

    @freeze_time("2026-01-25")
    def test_do_it_later_and_done(self):
        invoice = self.make_invoice(self.customer, due="2026-01-20")  # level 1
        self.customer.action_followup_later()
        self.assertEqual(self.customer.followup_next_action_date, date(2026, 1, 26))
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.followup_status, "with_overdue_invoices")
        with freeze_time("2026-01-26"):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.followup_status, "in_need_of_action")
            with self.assertRaisesRegex(UserError, "before marking it as done"):
                self.customer.action_followup_done()
            self.customer.action_followup_send_email()
            self.customer.action_followup_done()
            self.customer.invalidate_recordset()
            self.assertNotEqual(self.customer.followup_status, "in_need_of_action")
            self.assertEqual(
                self.receivable_lines(invoice).followup_level_id, self.level(1)
            )

    # ------------------------------------------------------------------
    # Log a note on a line
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_log_note_with_shortcut_sets_expected_date(self):
        invoice = self.make_invoice(self.customer, due="2026-01-20")
        line = self.receivable_lines(invoice)
        action = self.env.ref(
            "account_payment_followup.account_followup_line_note_action"
        )
        self.assertEqual(action.res_model, "account.followup.line.note")
        Note = self.env["account.followup.line.note"].with_context(
            active_model="account.move.line", active_id=line.id
        )
        expected = {
            "1w": date(2026, 2, 17),
            "2w": date(2026, 2, 24),
            "1m": date(2026, 3, 10),
            "2m": date(2026, 4, 10),
        }
        for delay, when in expected.items():
            with Form(Note) as wizard:
                wizard.note = "Promised to pay"
                wizard.delay = delay
                self.assertEqual(wizard.expected_date, when)
        wizard = Form(Note)
        wizard.note = "Will pay after the audit"
        wizard.delay = "2w"
        # only the expected date, not a promise to pay (test_followup_promise)
        wizard.create_promise = False
        wizard.save().action_apply()
        self.assertEqual(line.followup_note, "Will pay after the audit")
        self.assertEqual(line.followup_expected_date, date(2026, 2, 24))
        # the expected date replaces the due date: nothing to do until then
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.followup_status, "no_action_needed")
        note = self.customer.message_ids[0]
        self.assertIn("Will pay after the audit", note.body)
        self.assertIn(invoice.name, note.body)
        self.assertIn("Will pay after the audit", invoice.message_ids[0].body)

    @freeze_time("2026-02-10")
    def test_log_note_without_date_keeps_expected_date(self):
        invoice = self.make_invoice(self.customer, due="2026-01-20")
        line = self.receivable_lines(invoice)
        line.followup_expected_date = date(2026, 3, 1)
        wizard = Form(
            self.env["account.followup.line.note"].with_context(default_line_id=line.id)
        )
        wizard.note = "Called, no answer"
        wizard.save().action_apply()
        self.assertEqual(line.followup_expected_date, date(2026, 3, 1))
        self.assertEqual(line.followup_note, "Called, no answer")

    def test_level_views(self):
        """The plan's list and form show each level's actions, templates, activity,
        automatic execution and text."""
        Level = self.env["account.followup.level"]
        views = Level.get_views([(False, "list"), (False, "form"), (False, "search")])
        form = views["views"]["form"]["arch"]
        for name in (
            "send_email",
            "mail_template_id",
            "send_letter",
            "send_sms",
            "sms_template_id",
            "send_post",
            "manual_action",
            "activity_type_id",
            "activity_user_id",
            "auto_execute",
            "description",
        ):
            self.assertIn(f'name="{name}"', form)
        self.assertIn('name="delay"', views["views"]["list"]["arch"])
        with Form(self.level(15)) as level:
            level.activity_summary = "Call about the overdue invoices"
        self.assertEqual(
            self.level(15).activity_summary, "Call about the overdue invoices"
        )

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------

    def test_settings_switch_the_daily_run(self):
        cron = self.env.ref("account_payment_followup.ir_cron_followup").with_context(
            active_test=False
        )
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.followup_cron_active, cron.active)
        settings.followup_cron_active = False
        settings.execute()
        self.assertFalse(cron.active)
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.followup_cron_active)
        settings.followup_cron_active = True
        settings.execute()
        self.assertTrue(cron.active)
        action = settings.action_open_followup_levels()
        self.assertEqual(action["res_model"], "account.followup.level")
        # the block is in the Accounting settings
        arch = self.env["res.config.settings"].get_view(
            self.env.ref("account.res_config_settings_view_form").id
        )["arch"]
        self.assertIn("followup_cron_active", arch)
        self.assertIn("action_open_followup_levels", arch)
