/** @odoo-module **/
// A customer without email, address or mobile: every refused action shows Odoo's
// warning dialog with the addon's message, never the crash dialog.
import {registry} from "@web/core/registry";

function refused(button, message, extra = []) {
    return [
        {
            content: `Click ${button}`,
            trigger: `.o_followup_statement_form button[name=${button}]`,
            run: "click",
        },
        ...extra,
        {
            content: "Odoo's warning dialog, not the crash dialog",
            trigger: ".modal:not(:has(.o_error_detail)) .modal-title:contains('Invalid Operation')",
        },
        {
            content: `The dialog says: ${message}`,
            trigger: `.modal .modal-body:contains('${message}')`,
        },
        {
            content: "Close the warning",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Back on the statement",
            trigger: "body:not(:has(.modal)) .o_followup_statement_form",
        },
    ];
}

registry.category("web_tour.tours").add("account_payment_followup_messages_tour", {
    steps: () => [
        {
            content: "The statement of the customer without contact details",
            trigger: ".o_followup_statement_form .o_field_widget[name=name]:contains('Nobody Customer')",
        },
        ...refused("action_followup_send_email", "has no valid email address"),
        ...refused("action_followup_process", "has no valid email address"),
        ...refused("action_followup_print_letter", "has no postal address"),
        ...refused("action_followup_post_confirm", "postal address of Nobody Customer is incomplete"),
        ...refused("action_followup_send_sms", "has no valid mobile number"),
        {
            content: "Nothing was asked to confirm (no paid service without an address)",
            trigger: "body:not(:has(.modal)) .o_followup_statement_form",
        },
    ],
});

registry.category("web_tour.tours").add("account_payment_followup_post_confirm_tour", {
    steps: () => [
        {
            content: "The statement of a customer with a full address",
            trigger: ".o_followup_statement_form .o_field_widget[name=name]:contains('Post Customer')",
        },
        {
            content: "Send by post",
            trigger: ".o_followup_statement_form button[name=action_followup_post_confirm]",
            run: "click",
        },
        {
            content: "The paid service is confirmed first",
            trigger: ".modal .alert-warning:contains('paid service')",
        },
        {
            content: "The customer and its channel are listed",
            trigger: ".modal .o_followup_confirm_plan td:contains('Post Customer')",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The chatter shows the letter queued for the post",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('letter queued for the post')",
        },
    ],
});
