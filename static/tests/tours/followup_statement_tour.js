/** @odoo-module **/
// A credit controller's morning: Follow-up Reports, a customer in need of action,
// a disputed line excluded, the reminder emailed, the customer snoozed one week.
import {registry} from "@web/core/registry";

const LINES = ".o_field_widget[name=followup_line_ids]";

registry.category("web_tour.tours").add("account_payment_followup_statement_tour", {
    url: "/odoo/accounting",
    steps: () => [
        {
            content: "Open the Customers menu of Accounting",
            trigger: ".o_menu_sections button:contains('Customers')",
            run: "click",
        },
        {
            content: "Open Follow-up Reports",
            trigger:
                ".dropdown-item[data-menu-xmlid='account_payment_followup.res_partner_menu_followup']",
            run: "click",
        },
        {
            content: "The list is filtered on the customers in need of action",
            trigger: ".o_searchview .o_facet_value:contains('In need of action')",
        },
        {
            content: "Open the customer in need of action",
            trigger: ".o_list_view .o_data_row td[name=name]:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "The statement shows the open invoices, overdue in red",
            trigger: `.o_followup_statement_form ${LINES} .o_data_row td[name=move_id].text-danger`,
        },
        {
            content: "Open the trust dot",
            trigger: ".o_followup_statement_form .o_followup_trust_toggle",
            run: "click",
        },
        {
            content: "Mark the customer as a bad debtor",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Bad Debtor')",
            run: "click",
        },
        {
            content: "The dot turns red",
            trigger: ".o_followup_statement_form .o_followup_trust.text-danger[data-trust=bad]",
        },
        {
            content: "Exclude the disputed invoice (the first line)",
            trigger: `${LINES} .o_data_row:first-child .o_field_widget[name=followup_excluded] input`,
            run: "click",
        },
        {
            content: "The line is excluded",
            trigger: `${LINES} .o_data_row:first-child .o_field_widget[name=followup_excluded] input:checked`,
        },
        {
            content: "Send the statement by email",
            trigger: ".o_form_statusbar button[name=action_followup_send_email]",
            run: "click",
        },
        {
            content: "The chatter shows the email sent",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('email to tour@example.com')",
        },
        {
            content: "The email is kept on its reminder, listed on the statement",
            trigger: ".o_field_widget[name=followup_reminder_ids] .o_data_row:contains('First reminder')",
        },
        {
            content: "Open the Reminder wizard",
            trigger: ".o_form_statusbar button[name=action_followup_snooze]",
            run: "click",
        },
        {
            content: "Remind in one week",
            trigger: ".modal .o_field_widget[name=delay] input[data-value='1w']",
            run: "click",
        },
        {
            content: "Save the reminder",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The chatter tells when the customer shows up again",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Next follow-up on')",
        },
        {
            content: "The customer is now on manual reminders",
            trigger: ".o_field_widget[name=followup_reminder_type] input[data-value=manual]:checked",
        },
    ],
});
