from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.api import ChoiceIdsGuard, validate_tabular_upload
from courses.api import CoursePage, live_courses

from .cedula import validate_cedula
from .models import CoverageRule, OrgUnit, Requirement, StaffProfile

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{'— ' * (obj.depth - 1)}{obj.name} ({obj.code})"


class UnitForm(ChoiceIdsGuard, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    code = forms.SlugField(label=_("Code"), max_length=50)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgUnit.Kind.choices)
    parent = UnitChoiceField(label=_("Inside"), queryset=OrgUnit.objects.none(), required=False)
    head_employee_id = forms.CharField(
        label=_("Head of unit (employee id)"), max_length=20, required=False
    )

    def __init__(self, *args, units=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["parent"]
        else:
            del self.fields["head_employee_id"]
            self.fields["parent"].queryset = units if units is not None else OrgUnit.objects.none()

    def clean_code(self):
        return self.cleaned_data["code"].lower()

    def clean_head_employee_id(self):
        value = self.cleaned_data.get("head_employee_id", "").strip()
        if not value:
            return None
        head = StaffProfile.objects.filter(employee_id=value).first()
        if head is None:
            raise forms.ValidationError(_("No person has this employee id."))
        return head


class UnitMoveForm(ChoiceIdsGuard, forms.Form):
    new_parent = UnitChoiceField(label=_("Move inside"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = units


def plausible_date(value: date | None) -> date | None:
    """A staff date between 1950 and two years ahead: a typo like 9999-12-31 is refused here
    instead of overflowing the due dates computed from it."""
    latest = timezone.localdate().year + 2
    if value is not None and not (1950 <= value.year <= latest):
        raise forms.ValidationError(
            _("Give a date between 1950 and %(year)s.") % {"year": latest}, code="date_range"
        )
    return value


class StaffForm(ChoiceIdsGuard, forms.Form):
    employee_id = forms.CharField(label=_("Employee id (cédula)"), max_length=20)
    first_name = forms.CharField(label=_("First names"), max_length=150)
    last_name = forms.CharField(label=_("Last names"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    manager_employee_id = forms.CharField(
        label=_("Manager (employee id)"), max_length=20, required=False
    )
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_employee_id(self):
        value = self.cleaned_data["employee_id"].strip()
        # Checked when entered or changed: a profile imported before the rule (or another
        # kind of id kept by HR) is still editable without retyping its id.
        if "employee_id" in self.changed_data:
            validate_cedula(value)
        return value

    def clean_start_date(self):
        return plausible_date(self.cleaned_data["start_date"])

    def clean_manager_employee_id(self):
        value = self.cleaned_data.get("manager_employee_id", "").strip()
        if not value:
            return None
        manager = StaffProfile.objects.filter(employee_id=value).first()
        if manager is None:
            raise forms.ValidationError(_("No person has this employee id."))
        return manager


class PlaceForm(StaffForm):
    """Placing an account single sign-on created: its names and e-mail are the provider's."""

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, units=units, **kwargs)
        for name in ("first_name", "last_name", "email"):
            del self.fields[name]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=StaffProfile.Status.choices)
    end_date = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Required for a person who is leaving."),
    )

    def clean_end_date(self):
        return plausible_date(self.cleaned_data.get("end_date"))

    def clean(self):
        data = super().clean()
        if data.get("status") == StaffProfile.Status.LEAVING and not data.get("end_date"):
            self.add_error("end_date", _("Give the announced last day."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("The HR system's export, with the columns of the template."),
    )
    mark_missing_left = forms.BooleanField(
        label=_("Mark people missing from the file as left"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        # Size, XLSX expansion and row limits, before importing parses anything.
        validate_tabular_upload(upload, max_bytes=MAX_IMPORT_BYTES)
        return upload


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.title


class RequirementForm(ChoiceIdsGuard, forms.ModelForm):
    course = CourseChoiceField(label=_("Course"), queryset=CoursePage.objects.none())
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)

    class Meta:
        model = Requirement
        fields = ["course", "scope", "unit", "position", "validity_months", "due_days", "active"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = live_courses().order_by("title")
        self.fields["unit"].queryset = units


class CoverageRuleForm(ChoiceIdsGuard, forms.ModelForm):
    course = CourseChoiceField(label=_("Course"), queryset=CoursePage.objects.none())
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())

    class Meta:
        model = CoverageRule
        fields = ["unit", "course", "minimum", "include_subunits", "active"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = live_courses().order_by("title")
        self.fields["unit"].queryset = units


class HRScopeForm(ChoiceIdsGuard, forms.Form):
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=None)
    unit = UnitChoiceField(label=_("Unit (and its sub-units)"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, officers=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda u: f"{u.get_full_name()} <{u.email}>"
        self.fields["unit"].queryset = units


class AnonymiseForm(forms.Form):
    full_name = forms.CharField(
        label=_("Type the person's full name to confirm"), max_length=300, required=False
    )
