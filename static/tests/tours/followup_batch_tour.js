/** @odoo-module **/
// Process the follow-ups of every customer in need of action at once and read the
// summary: what was sent, and why a customer failed.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("account_payment_followup_batch_tour", {
    url: "/odoo/action-account_payment_followup.res_partner_action_followup",
    steps: () => [
        {
            content: "Two customers are in need of action",
            trigger: ".o_list_view:has(.o_data_row:contains('Batch Customer')):has(.o_data_row:contains('Batch No Email'))",
        },
        {
            content: "Select all of them",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the Actions menu",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Process follow-ups",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Process follow-ups')",
            run: "click",
        },
        {
            content: "The summary counts the email sent",
            trigger: ".modal .o_field_widget[name=email_count]:contains('1')",
        },
        {
            content: "The summary tells why the other customer failed",
            trigger: ".modal .o_field_widget[name=failure_html]:contains('Batch No Email'):contains('has no valid email address')",
        },
        {
            content: "The letters can be downloaded as one PDF",
            trigger: ".modal footer button[name=action_print_letters]",
        },
        {
            content: "Close the summary",
            trigger: ".modal footer button:contains('Close')",
            run: "click",
        },
        {
            content: "Back on the list",
            trigger: "body:not(:has(.modal)) .o_list_view",
        },
    ],
});
