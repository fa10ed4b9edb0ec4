/** @odoo-module **/
// The trust of a debtor as a coloured dot (green good, grey normal, red bad);
// in an editable form, a click on the dot changes it.
import {Component} from "@odoo/owl";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {DropdownItem} from "@web/core/dropdown/dropdown_item";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {standardFieldProps} from "@web/views/fields/standard_field_props";

const COLORS = {good: "text-success", normal: "text-secondary", bad: "text-danger"};

export class FollowupTrustField extends Component {
    static template = "account_payment_followup.FollowupTrustField";
    static components = {Dropdown, DropdownItem};
    static props = {...standardFieldProps, showLabel: {type: Boolean, optional: true}};

    get options() {
        return this.props.record.fields[this.props.name].selection;
    }
    get value() {
        return this.props.record.data[this.props.name] || "normal";
    }
    colorOf(value) {
        return COLORS[value] || COLORS.normal;
    }
    labelOf(value) {
        const option = this.options.find((opt) => opt[0] === value);
        return option ? option[1] : "";
    }
    async select(value) {
        await this.props.record.update({[this.props.name]: value});
    }
}

registry.category("fields").add("followup_trust", {
    component: FollowupTrustField,
    displayName: _t("Trust dot"),
    supportedTypes: ["selection"],
    extractProps: ({options}) => ({showLabel: Boolean(options.show_label)}),
    listViewWidth: 20,
});
