from django.utils.translation import gettext_lazy as _
from wagtail import hooks

ACTIONS = [
    ("people.unit_created", _("Unit created")),
    ("people.unit_updated", _("Unit changed")),
    ("people.unit_moved", _("Unit moved")),
    ("people.staff_created", _("Staff profile created")),
    ("people.staff_account_attached", _("Staff profile attached to an existing account")),
    ("people.staff_placed_by_sso", _("Staff profile placed in the unit the provider named")),
    ("people.staff_updated", _("Staff profile changed")),
    ("people.staff_status_changed", _("Staff status changed")),
    ("people.import_applied", _("Staff import applied")),
    ("people.requirement_created", _("Required training created")),
    ("people.requirement_updated", _("Required training changed")),
    ("people.coverage_rule_created", _("Coverage rule created")),
    ("people.coverage_rule_updated", _("Coverage rule changed")),
    ("people.personal_data_exported", _("Personal data exported")),
    ("people.person_anonymised", _("Person anonymised")),
    ("people.hr_scope_added", _("HR officer scope added")),
    ("people.hr_scope_removed", _("HR officer scope removed")),
]


@hooks.register("register_log_actions")
def register_people_log_actions(actions):
    for name, label in ACTIONS:
        actions.register_action(name, label, label)
