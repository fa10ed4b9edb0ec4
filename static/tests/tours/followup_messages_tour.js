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

registry.category("web_tour.tours").add("account_payment_followup_send_wizard_tour", {
    steps: () => [
        {
            content: "Open the Follow-up wizard from the statement",
            trigger: ".o_followup_statement_form .o_form_statusbar button[name=action_followup_open_send_wizard]",
            run: "click",
        },
        {
            content: "The channels of the level are preselected: email and letter",
            trigger: ".modal .o_followup_send_wizard:has(div[name=send_email] input:checked):has(div[name=send_letter] input:checked):has(div[name=send_sms] input:not(:checked))",
        },
        {
            content: "The missing mobile number is flagged next to SMS",
            trigger: ".modal div[name=channel_sms] .o_followup_channel_warning:contains('has no valid mobile number')",
        },
        {
            content: "The invoice contact is the recipient",
            trigger: ".modal .o_field_widget[name=recipient_ids] .o_tag:contains('Wizard Customer')",
        },
        {
            content: "The subject is rendered from the level's template",
            trigger: ".modal .o_field_widget[name=subject] input:value(/Payment reminder/)",
        },
        {
            content: "Edit the subject",
            trigger: ".modal .o_field_widget[name=subject] input",
            run: "edit Your account with us",
        },
        {
            content: "The letter can be previewed",
            trigger: ".modal footer button[name=action_preview_letter]",
        },
        {
            content: "Send",
            trigger: ".modal footer button[name=action_send]",
            run: "click",
        },
        {
            content: "The level is done, logged in the chatter",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('done'):contains('email to wizard@example.com')",
        },
    ],
});
