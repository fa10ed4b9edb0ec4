/** @odoo-module **/
// Working through the list: say what was done, then open the next customer in
// place of the current one (the breadcrumb does not grow), or go back to the list.
import {registry} from "@web/core/registry";

async function followupOpenNext(env, action) {
    const params = action.params || {};
    const actionService = env.services.action;
    if (params.message) {
        env.services.notification.add(params.message, {type: params.type || "success"});
    }
    const next = params.next;
    if (!next) {
        return;
    }
    if (params.clear_breadcrumbs) {
        await actionService.doAction(next, {clearBreadcrumbs: true});
        return;
    }
    const current = actionService.currentController;
    const currentAction = current && current.action;
    if (
        currentAction &&
        currentAction.type === "ir.actions.act_window" &&
        currentAction.res_model === next.res_model &&
        current.view &&
        current.view.type === "form" &&
        (currentAction.views || []).some((view) => view[1] === "list")
    ) {
        // the statement opened from the list: the next record in the same form,
        // the list stays in the breadcrumb
        currentAction.context = {...currentAction.context, ...next.context};
        await actionService.doAction({type: "ir.actions.act_window_close"});
        await actionService.switchView("form", {resId: next.res_id, resIds: [next.res_id]});
        return;
    }
    await actionService.doAction(next, {stackPosition: "replaceCurrentAction"});
}

registry.category("actions").add("account_payment_followup_open_next", followupOpenNext);
