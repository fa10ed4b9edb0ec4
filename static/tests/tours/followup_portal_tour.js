/** @odoo-module **/
// The customer opens the link of its reminder (no session), pays one invoice with
// the demo payment provider, comes back, promises to pay the rest and disputes
// another invoice.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("account_payment_followup_portal_tour", {
    steps: () => [
        {
            content: "The customer's page shows its open items",
            trigger: ".o_followup_portal .o_followup_portal_customer:contains('Portal Customer')",
        },
        {
            content: "The overdue invoice comes first",
            trigger: ".o_followup_portal_items tbody tr:first-child.o_followup_overdue:contains('INV/')",
        },
        {
            content: "Pay the first (overdue) invoice",
            trigger: ".o_followup_portal_items tbody tr:first-child .o_followup_portal_pay",
            run: "click",
        },
        {
            content: "The invoice's portal page offers Pay Now",
            trigger: "a[data-bs-target='#pay_with']",
            run: "click",
        },
        {
            content: "The demo provider's payment details",
            trigger: "#pay_with #customer_input",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "#pay_with button[name=o_payment_submit_button]:enabled",
            run: "click",
        },
        {
            content: "The payment is confirmed",
            trigger: ".o_portal_sidebar .badge:contains('Paid'), .o_portal_sidebar .badge:contains('Processing Payment'), #portal_pay:contains('paid'), .alert:contains('processed')",
            timeout: 20000,
        },
    ],
});

registry.category("web_tour.tours").add("account_payment_followup_portal_answers_tour", {
    steps: () => [
        {
            content: "The page opens",
            trigger: ".o_followup_portal .o_followup_portal_customer:contains('Portal Customer')",
        },
        {
            content: "I will pay on ...",
            trigger: ".o_followup_portal_promise_toggle",
            run: "click",
        },
        {
            content: "A date",
            trigger: "#followup_promise.show #followup_promise_date",
            run() {
                // (a date input takes its value as ISO text)
                document.querySelector("#followup_promise_date").value = "2099-12-31";
            },
        },
        {
            content: "Confirm",
            trigger: ".o_followup_portal_promise_submit",
            run: "click",
        },
        {
            content: "The promise is recorded",
            trigger: ".o_followup_portal_success:contains('promise to pay was recorded')",
        },
        {
            content: "Dispute the second invoice",
            trigger: ".o_followup_portal_items tbody tr:nth-child(2) .o_followup_portal_dispute_toggle",
            run: "click",
        },
        {
            content: "The reason",
            trigger: "#followup_dispute.show #followup_dispute_reason",
            run: "selectByLabel Quality",
        },
        {
            content: "What is wrong",
            trigger: "#followup_dispute_description",
            run: "edit Two boxes were broken",
        },
        {
            content: "Send the dispute",
            trigger: ".o_followup_portal_dispute_submit",
            run: "click",
        },
        {
            content: "The dispute is recorded, the invoice marked",
            trigger: ".o_followup_portal_success:contains('Your dispute was recorded')",
        },
        {
            content: "The invoice is marked as disputed",
            trigger: ".o_followup_portal_items tr.o_followup_disputed .badge:contains('Disputed')",
        },
    ],
});
