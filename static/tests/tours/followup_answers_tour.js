/** @odoo-module **/
// The customer answers the reminder: it promises to pay, disputes one invoice
// (resolved later) and one instalment of another is put on hold with all the others.
import {registry} from "@web/core/registry";

const FORM = ".o_followup_statement_form";
const LINES = `${FORM} .o_field_widget[name=followup_line_ids]`;

registry.category("web_tour.tours").add("account_payment_followup_answers_tour", {
    steps: () => [
        {
            content: "The statement of the customer is open",
            trigger: `${FORM} .oe_title:contains('Answer Customer')`,
        },
        {
            content: "Record a promise to pay",
            trigger: `${FORM} .o_form_statusbar button[name=action_followup_promise]`,
            run: "click",
        },
        {
            content: "The customer pays in two weeks",
            trigger: ".modal .o_field_widget[name=delay] input[data-value='2w']",
            run: "click",
        },
        {
            content: "Its open invoices are preselected",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:nth-child(4)",
        },
        {
            content: "Record the promise",
            trigger: ".modal .modal-footer button:contains('Record the promise')",
            run: "click",
        },
        {
            content: "The statement shows the open promise",
            trigger: `${FORM} .o_followup_promises .o_data_row td[name=state]:contains('Open')`,
        },
        {
            content: "The chatter tells it",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Promise to pay recorded')",
        },
        {
            content: "Dispute the first invoice from its line",
            trigger: `${LINES} .o_data_row:first-child button[name=action_followup_dispute]`,
            run: "click",
        },
        {
            content: "Choose the reason",
            trigger: ".modal .o_field_widget[name=reason_id] input",
            run: "edit Quality",
        },
        {
            content: "Quality",
            trigger: ".modal .o-autocomplete--dropdown-item:contains('Quality')",
            run: "click",
        },
        {
            content: "Say what is wrong",
            trigger: ".modal .o_field_widget[name=description] textarea",
            run: "edit Two boxes were broken",
        },
        {
            content: "Save the dispute",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The statement lists the open dispute",
            trigger: `${FORM} .o_followup_disputes .o_data_row td[name=reason_id]:contains('Quality')`,
        },
        {
            content: "The line is marked as disputed",
            trigger: `${LINES} .o_data_row:first-child td[name=followup_disputed] input:checked`,
        },
        {
            content: "Resolve the dispute",
            trigger: `${FORM} .o_followup_disputes .o_data_row button[name=action_open_resolve_wizard]`,
            run: "click",
        },
        {
            content: "How it was sorted out",
            trigger: ".modal .o_field_widget[name=resolution_note] textarea",
            run: "edit Replacement boxes delivered",
        },
        {
            content: "Resolve",
            trigger: ".modal button[name=action_resolve]",
            run: "click",
        },
        {
            content: "The chatter tells it",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Dispute resolved')",
        },
        {
            content: "The line is followed up again",
            trigger: `${LINES} .o_data_row:first-child td[name=followup_disputed] input:not(:checked)`,
        },
        {
            content: "Exclude the first instalment of the last invoice: the reason is asked",
            trigger: `${LINES} .o_data_row:nth-child(3) button[name=action_followup_exclude]`,
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Goods held at customs",
        },
        {
            content: "The wizard offers to exclude all its instalments (ticked)",
            trigger: ".modal .o_field_widget[name=exclude_instalments] input:checked",
        },
        {
            content: "Exclude",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "Both instalments are excluded",
            trigger: `body:not(:has(.modal)) ${LINES} .o_data_row:nth-child(4) .o_field_widget[name=followup_excluded] input:checked`,
        },
        {
            content: "The exclusion, its instalments and its reason are in the history",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('2 instalments'):contains('Goods held at customs')",
        },
    ],
});
