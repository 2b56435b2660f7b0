"""Wagtail admin report: certificate issuances that have not completed, and why."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .selectors import pending_issuances
from .services import can_manage_all_certificates


def failed_issuances(request):
    if not can_manage_all_certificates(request.user):
        raise PermissionDenied
    return render(
        request,
        "certificates/admin/failed_issuances.html",
        {"messages_list": pending_issuances()[:200]},
    )
