/** @odoo-module **/
// A customer with nothing to charge for paying late: Charge shows Odoo's warning
// dialog with the reason, never the crash dialog, and charges nothing.
import {registry} from "@web/core/registry";

const FORM = ".o_followup_statement_form";

registry.category("web_tour.tours").add("account_payment_followup_charges_tour", {
    steps: () => [
        {
            content: "The statement of the customer",
            trigger: `${FORM} .oe_title:contains('Prompt Payer Ltd')`,
        },
        {
            content: "The statement says there is nothing to charge",
            trigger: `${FORM} .o_followup_charges:contains('Nothing to charge for paying late')`,
        },
        {
            content: "Charge anyway",
            trigger: `${FORM} .o_form_statusbar button[name=action_followup_charge]`,
            run: "click",
        },
        {
            content: "Odoo's warning dialog, not the crash dialog",
            trigger: ".modal:not(:has(.o_error_detail)) .modal-title:contains('Invalid Operation')",
        },
        {
            content: "The dialog says why",
            trigger: ".modal .modal-body:contains('Nothing to charge to Prompt Payer Ltd for paying late')",
        },
        {
            content: "Close the warning",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Back on the statement",
            trigger: `body:not(:has(.modal)) ${FORM}`,
        },
    ],
});
