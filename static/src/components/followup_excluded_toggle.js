/** @odoo-module **/
// The "Excluded" toggle of the statement's open items: excluding one instalment of
// an invoice paid in several asks whether to exclude all its instalments.
import {ConfirmationDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {
    BooleanToggleField,
    booleanToggleField,
} from "@web/views/fields/boolean_toggle/boolean_toggle_field";

export class FollowupExcludedToggle extends BooleanToggleField {
    setup() {
        super.setup();
        this.dialog = useService("dialog");
    }

    /** The other open instalments of the same invoice not excluded yet, as rows of
     * the statement. */
    get siblings() {
        const record = this.props.record;
        const move = record.data.move_id;
        const list = record._parentRecord?.data?.followup_line_ids;
        if (!move || !list) {
            return [];
        }
        return list.records.filter(
            (other) =>
                other.id !== record.id &&
                other.data.move_id &&
                other.data.move_id[0] === move[0] &&
                !other.data[this.props.name]
        );
    }

    async onChange(newValue) {
        const siblings = newValue ? this.siblings : [];
        await super.onChange(newValue);
        if (!siblings.length) {
            return;
        }
        this.dialog.add(ConfirmationDialog, {
            title: _t("Exclude all instalments?"),
            body: _t(
                "This invoice is paid in several instalments. Exclude its other open instalments from the follow-ups as well?"
            ),
            confirmLabel: _t("Exclude all instalments"),
            cancelLabel: _t("Only this one"),
            confirm: async () => {
                for (const sibling of siblings) {
                    await sibling.update({[this.props.name]: true});
                }
            },
            cancel: () => {},
        });
    }
}

registry.category("fields").add("followup_excluded_toggle", {
    ...booleanToggleField,
    component: FollowupExcludedToggle,
});
