/** @odoo-module **/
// Working through the list: Done, Do it later and the call logged open the next
// customer in place, with a counter and a notification saying what happened.
import {registry} from "@web/core/registry";

const FORM = ".o_followup_statement_form";

registry.category("web_tour.tours").add("account_payment_followup_flow_tour", {
    steps: () => [
        {
            content: "Open the first customer of the list",
            trigger: ".o_list_view .o_data_row td[name=name]:contains('Bluewave Marine')",
            run: "click",
        },
        {
            content: "The counter says where we are",
            trigger: `${FORM} .o_followup_queue_label:contains('Customer 1 of 3')`,
        },
        {
            content: "Email the statement",
            trigger: `${FORM} button[name=action_followup_send_email]`,
            run: "click",
        },
        {
            content: "The email is logged",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('email to bluewave@example.com')",
        },
        {
            content: "Done",
            trigger: `${FORM} .o_form_statusbar button[name=action_followup_done]`,
            run: "click",
        },
        {
            content: "The notification says what was done and who is next",
            trigger: ".o_notification:contains('Bluewave Marine — First reminder done · next: Corner Bakery')",
        },
        {
            content: "The next customer opens in place, counted",
            trigger: `${FORM}:has(.o_field_widget[name=name]:contains('Corner Bakery')) .o_followup_queue_label:contains('Customer 2 of 3')`,
        },
        {
            content: "The breadcrumb did not grow",
            trigger: ".o_breadcrumb:contains('Follow-up Reports'):not(:contains('Bluewave Marine'))",
        },
        {
            content: "Do it later",
            trigger: `${FORM} .o_form_statusbar button[name=action_followup_later]`,
            run: "click",
        },
        {
            content: "Postponed, and the next one",
            trigger: ".o_notification:contains('Corner Bakery — postponed to tomorrow · next: Delta Call')",
        },
        {
            content: "The last customer, at the call level",
            trigger: `${FORM}:has(.o_field_widget[name=name]:contains('Delta Call')) .o_followup_queue_label:contains('Customer 3 of 3')`,
        },
        {
            content: "Log the call as a note",
            trigger: ".o-mail-Chatter button.o-mail-Chatter-logNote",
            run: "click",
        },
        {
            content: "Write what the customer said",
            trigger: ".o-mail-Composer-input",
            run: "edit Called: payment next week",
        },
        {
            content: "Log it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The note is in the chatter",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Called: payment next week')",
        },
        {
            content: "Done: the call counts as the level's action",
            trigger: `${FORM} .o_form_statusbar button[name=action_followup_done]`,
            run: "click",
        },
        {
            content: "The last one says the list is done",
            trigger: ".o_notification:contains('Delta Call — Call the customer done · the list is done')",
        },
        {
            content: "Back on the empty list",
            trigger: ".o_action_manager .o_view_nocontent:contains('No customer to follow up today')",
        },
    ],
});
