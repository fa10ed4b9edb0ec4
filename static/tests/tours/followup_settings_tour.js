/** @odoo-module **/
// Before the first letter: the letterhead state in Settings; ticking SMS on a level
// proposes the SMS template.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("account_payment_followup_settings_tour", {
    steps: () => [
        {
            content: "Settings say the letterhead is not configured",
            trigger: ".o_followup_letterhead_state:contains('Letterhead: not configured')",
        },
        {
            content: "Configure it",
            trigger: ".o_followup_letterhead_state button[name=action_followup_configure_letterhead]",
            run: "click",
        },
        {
            content: "The document layout opens",
            trigger: ".modal .modal-title:contains('Configure your document layout')",
        },
    ],
});

registry.category("web_tour.tours").add("account_payment_followup_level_sms_tour", {
    steps: () => [
        {
            content: "The level form, without SMS",
            trigger: ".o_form_view .o_field_widget[name=send_sms] input:not(:checked)",
        },
        {
            content: "Tick SMS",
            trigger: ".o_form_view .o_field_widget[name=send_sms] input",
            run: "click",
        },
        {
            content: "The SMS template is proposed",
            trigger: ".o_form_view .o_field_widget[name=sms_template_id] input:value(/./)",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, without error",
            trigger: "body:not(:has(.modal)) .o_form_view .o_form_saved",
        },
    ],
});
