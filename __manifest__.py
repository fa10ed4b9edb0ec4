# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Payment Follow-ups",
    "summary": "Customer statements, payment reminders by email, letter, SMS and post, "
    "a follow-up plan per company and a daily automatic run",
    "version": "18.0.1.1.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/account-payment-followup/account_payment_followup",
    "author": "Payment Follow-ups contributors",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "depends": ["account", "sms", "snailmail"],
    "data": [
        "security/account_payment_followup_security.xml",
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "data/sms_template_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "data/res_partner_data.xml",
        "data/ir_actions_server_data.xml",
        "data/account_followup_dispute_reason_data.xml",
        "report/account_followup_templates.xml",
        "report/account_followup_reports.xml",
        "wizards/account_followup_snooze_views.xml",
        "wizards/account_followup_process_views.xml",
        "wizards/account_followup_line_note_views.xml",
        "wizards/account_followup_dispute_resolve_views.xml",
        "views/account_followup_level_views.xml",
        "views/account_move_line_views.xml",
        "views/res_partner_views.xml",
        "views/account_followup_reminder_views.xml",
        "views/account_followup_promise_views.xml",
        "views/account_followup_dispute_views.xml",
        "views/res_config_settings_views.xml",
        "views/account_payment_followup_menus.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/account_move_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "account_payment_followup/static/src/components/**/*",
        ],
        "web.assets_tests": [
            "account_payment_followup/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
}
