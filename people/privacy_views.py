"""Anonymising a person: the staff page's form asks for the person's full name, typed again.

Kept apart from views.py (which is being split into a package); the lead may move it there."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors
from .forms import AnonymiseForm
from .personal_data import person_anonymise


@require_POST
@login_required
@permission_required("people.personal_data", raise_exception=True)
def anonymise(request, pk):
    profile = get_object_or_404(selectors.visible_staff(request.user), pk=pk)
    form = AnonymiseForm(request.POST)
    form.is_valid()
    try:
        person_anonymise(
            profile=profile,
            confirmed_name=form.cleaned_data.get("full_name", ""),
            user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The person was anonymised."))
    return redirect("people:staff_detail", pk=profile.pk)
