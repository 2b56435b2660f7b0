"""Accounts single sign-on created without a unit ("sin unidad"): HR for the whole institution
lists them and places each one (a staff profile, hence a unit and its required trainings)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors, services
from ..forms import PlaceForm
from .common import hr_permission, save_valid_form

PAGE_SIZE = 50


@hr_permission("people.place_unplaced")
def unplaced_list(request):
    page = Paginator(selectors.unplaced_accounts(), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "people/unplaced_list.html", {"page": page})


@hr_permission("people.place_unplaced")
def unplaced_place(request, pk):
    account = get_object_or_404(selectors.unplaced_accounts(), pk=pk)
    form = PlaceForm(
        request.POST or None,
        units=selectors.visible_units(request.user),
        initial={"start_date": timezone.localdate()},
    )
    profile = save_valid_form(
        request,
        form,
        lambda data: services.staff_place(
            account=account,
            employee_id=data["employee_id"],
            unit=data["unit"],
            position=data["position"],
            manager=data["manager_employee_id"],
            start_date=data["start_date"],
            user=request.user,
        ),
        success=_("Placed: %(name)s now belongs to the unit.")
        % {"name": account.get_full_name() or account.email},
        denied_field="unit",
    )
    if profile:
        return redirect("people:unplaced_list")
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "title": _("Place %(name)s in a unit")
            % {"name": account.get_full_name() or account.email},
            "intro": _(
                "%(email)s signed in through the institution's identity provider and has no "
                "unit yet. Give their employee id and unit: their required trainings follow."
            )
            % {"email": account.email},
        },
    )
