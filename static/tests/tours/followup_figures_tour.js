/** @odoo-module **/
// The figures a credit controller reads first: days late, the last reminder, to
// whom the reminders go, the trust in words; red only when something is overdue.
import {registry} from "@web/core/registry";

const FORM = ".o_followup_statement_form";

registry.category("web_tour.tours").add("account_payment_followup_figures_tour", {
    steps: () => [
        {
            content: "Follow-up Reports shows the days late of the oldest overdue item",
            trigger: ".o_list_view .o_data_row:contains('Figures Customer') td[name=followup_days_late]:contains('12')",
        },
        {
            content: "... and today as the next action of a customer in need of action",
            trigger: ".o_list_view .o_data_row:contains('Figures Customer') td[name=followup_next_action_display]:not(:empty)",
        },
        {
            content: "Open the statement",
            trigger: ".o_list_view .o_data_row td[name=name]:contains('Figures Customer')",
            run: "click",
        },
        {
            content: "Days late per line",
            trigger: `${FORM} .o_field_widget[name=followup_line_ids] .o_data_row td[name=followup_days_late]:contains('12')`,
        },
        {
            content: "The trust has a label beside its dot",
            trigger: `${FORM} .o_followup_trust_label:contains('Normal Debtor')`,
        },
        {
            content: "The recipient card: the invoice contact, with email and address",
            trigger: `${FORM} .o_followup_recipient_card:contains('Billing Desk'):contains('billing@figures.example.com'):contains('Leuven')`,
        },
        {
            content: "A link to edit the contact",
            trigger: `${FORM} .o_followup_recipient_card button[name=action_followup_edit_recipient]`,
        },
        {
            content: "No reminder yet",
            trigger: `${FORM} .o_followup_last_reminder:contains('None yet')`,
        },
        {
            content: "The overdue total is red",
            trigger: `${FORM} .o_field_widget[name=followup_total_overdue].text-danger`,
        },
        {
            content: "Email the statement",
            trigger: `${FORM} button[name=action_followup_send_email]`,
            run: "click",
        },
        {
            content: "The last reminder: level, channel and date",
            trigger: `${FORM} .o_followup_last_reminder:contains('First reminder'):contains('Email')`,
        },
    ],
});
