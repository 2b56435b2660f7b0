import hashlib
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import credentials, hooks, selectors, services
from .codes import normalise_code
from .forms import CodeForm, DocumentForm, ReasonForm, RegenerationForm
from .models import Certificate, PrivateFileSystemStorage
from .ratelimit import limit_exceeded
from .signing import check_pdf_signature


def _too_many(request, *, json: bool = False):
    message = _("Too many verifications from your connection. Try again in a minute.")
    if json:
        return JsonResponse({"error": "rate_limited", "message": message}, status=429)
    return render(
        request, "certificates/verify_form.html", {"form": CodeForm(), "error": message}, status=429
    )


# --- Public verification -------------------------------------------------------------------


def verify_form(request):
    form = CodeForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form})


def _public_payload(certificate: Certificate | None, state: str) -> dict:
    if certificate is None:
        return {"state": "unknown"}
    payload = {
        "state": state,
        "code": certificate.code,
        "holder": certificate.shown_name,
        "anonymised": certificate.anonymised,
        "course": certificate.course_title,
        "hours": str(certificate.hours),
        "completed_on": certificate.completed_on.isoformat(),
        "issued_on": timezone.localdate(certificate.issued_at).isoformat(),
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
        "signed_with_development_key": certificate.signed_with_dev_key,
    }
    if state == "revoked":
        # Only the fact and the date: the reason HR typed may be personal (a fraud, a
        # disciplinary case) and stays for the holder and HR.
        payload["revoked_on"] = timezone.localdate(certificate.revoked_at).isoformat()
    if state == "superseded" and certificate.superseded_at:
        payload["superseded_on"] = timezone.localdate(certificate.superseded_at).isoformat()
    return payload


def verify(request, code: str):
    wants_json = request.GET.get("format") == "json"
    if limit_exceeded(request, scope="code"):
        return _too_many(request, json=wants_json)
    certificate = selectors.certificate_for_code(code)
    state = selectors.verification_state(certificate)
    status = 404 if certificate is None else 200
    if wants_json:
        response = JsonResponse(_public_payload(certificate, state), status=status)
        response["Access-Control-Allow-Origin"] = "*"
        return response
    return render(
        request,
        "certificates/verify_result.html",
        {"certificate": certificate, "state": state, "form": CodeForm()},
        status=status,
    )


def verify_document(request):
    result = None
    if request.method == "POST":
        if limit_exceeded(request, scope="document"):
            return _too_many(request)
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["document"]
            certificate = selectors.certificate_for_pdf_hash(hashlib.sha256(data).hexdigest())
            check = check_pdf_signature(data)
            signature_ok = check.valid and (
                certificate is None
                or not certificate.signer_certificate_sha256
                or certificate.signer_certificate_sha256 == check.signer_certificate_sha256
            )
            if not signature_ok:
                result = {"outcome": "invalid_signature"}
            elif certificate is None:
                result = {"outcome": "no_record"}
            else:
                result = {
                    "outcome": "match",
                    "certificate": certificate,
                    "state": selectors.verification_state(certificate),
                    "check": check,
                }
    else:
        form = DocumentForm()
    return render(
        request,
        "certificates/verify_document.html",
        {"form": form, "result": result},
        status=200,
    )


def _json_ld(document: dict, *, status: int = 200) -> JsonResponse:
    """A public JSON-LD document: its own media type, readable from any origin."""
    response = JsonResponse(
        document,
        status=status,
        content_type="application/ld+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def issuer_profile(request):
    return _json_ld(credentials.issuer_profile())


def issuer_keys(request):
    return _json_ld(credentials.keys_document())


def status_list(request, number: int):
    document = credentials.status_list_document(number)
    if document is None:
        raise Http404
    response = _json_ld(document)
    # Verifiers poll the list; a short cache keeps a revocation visible within minutes.
    response["Cache-Control"] = "public, max-age=300"
    return response


def achievement(request, kind: str, object_id: int):
    if kind != credentials.ACHIEVEMENT_KINDS["course"]:
        raise Http404
    row = (
        Certificate.objects.filter(course_id=object_id)
        .order_by("-issued_at")
        .values("course_title", "hours")
        .first()
    )
    if row is None:
        raise Http404
    return _json_ld(
        credentials.achievement_document(
            course_id=object_id, title=row["course_title"], hours=row["hours"]
        )
    )


def achievement_legacy(request, course_id: int):
    """Achievement ids before they named their kind: courses."""
    return redirect(
        "certificates:achievement",
        kind=credentials.ACHIEVEMENT_KINDS["course"],
        object_id=course_id,
        permanent=True,
    )


# --- Learners -------------------------------------------------------------------------------


@login_required
def my_certificates(request):
    certificates = list(selectors.certificates_for_learner(request.user))
    for certificate in certificates:
        certificate.state = selectors.verification_state(certificate)
    return render(request, "certificates/my_certificates.html", {"certificates": certificates})


def _own_certificate(request, code: str) -> Certificate:
    normalised = normalise_code(code)
    if normalised is None:
        raise Http404
    return get_object_or_404(Certificate, code=normalised, learner=request.user)


def _pdf_response(certificate: Certificate):
    certificate = services.certificate_pdf_ensure(certificate=certificate)
    if not certificate.pdf:
        raise Http404(_("The PDF of this certificate is no longer stored."))
    filename = f"certificado-{certificate.code}.pdf"
    accel_prefix = settings.PRIVATE_MEDIA_ACCEL_REDIRECT
    if accel_prefix and isinstance(certificate.pdf.storage, PrivateFileSystemStorage):
        # Permission checked: nginx sends the bytes from its internal location, so a
        # download never holds a gunicorn thread (deploy/nginx, docs/deployment.md).
        if not certificate.pdf.storage.exists(certificate.pdf.name):
            raise Http404
        response = HttpResponse(content_type="application/pdf")
        response["X-Accel-Redirect"] = accel_prefix.rstrip("/") + "/" + quote(certificate.pdf.name)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    try:
        handle = certificate.pdf.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )


@login_required
def my_certificate_pdf(request, code: str):
    certificate = _own_certificate(request, code)
    if certificate.status == Certificate.Status.REVOKED:
        # As Moodle and Open edX do: no PDF of a certificate no longer in force, so no copy
        # circulates that looks valid; the holder sees that it was revoked, when and why.
        return render(
            request, "certificates/pdf_revoked.html", {"certificate": certificate}, status=410
        )
    step = hooks.download_step_for(request, certificate)
    if step:
        # Asked, never trapped: the step (a survey) offers to skip and comes back here.
        return HttpResponseRedirect(step)
    return _pdf_response(certificate)


@login_required
def my_certificate_credential(request, code: str):
    certificate = _own_certificate(request, code)
    if not certificate.credential:
        raise Http404
    state = selectors.verification_state(certificate)
    if state in ("revoked", "superseded"):
        # Its status list says so to any verifier; the holder hears it here, rather than
        # download a credential that is no longer in force.
        return render(
            request,
            "certificates/credential_not_in_force.html",
            {"certificate": certificate, "state": state},
            status=410,
        )
    response = JsonResponse(
        certificate.credential,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
        content_type="application/ld+json",
    )
    response["Content-Disposition"] = f'attachment; filename="credencial-{certificate.code}.json"'
    return response


# --- Human resources and administrators -----------------------------------------------------


def _require_manager(request):
    if not services.can_manage_certificates(request.user):
        raise PermissionDenied(_("Only administrators and human resources manage certificates."))


@login_required
def manage_list(request):
    _require_manager(request)
    query = request.GET.get("q", "")[:100]
    page = Paginator(selectors.certificate_search(request.user, query), 25).get_page(
        request.GET.get("page")
    )
    for certificate in page:
        certificate.state = selectors.verification_state(certificate)
    context = {
        "page": page,
        "query": query,
        "can_regenerate": services.can_manage_all_certificates(request.user),
    }
    return render(request, "certificates/manage/list.html", context)


def _managed_certificate(request, code: str) -> Certificate:
    """The rule that opens: a certificate outside the manager's scope is not found (404)."""
    certificate = selectors.managed_certificate(request.user, code)
    if certificate is None:
        raise Http404
    return certificate


def _require_whole_scope(request):
    if not services.can_manage_all_certificates(request.user):
        raise PermissionDenied(
            _("Only managers of every learner's certificates regenerate certificates.")
        )


@login_required
def manage_detail(request, code: str):
    _require_manager(request)
    certificate = _managed_certificate(request, code)
    context = {
        "certificate": certificate,
        "state": selectors.verification_state(certificate),
        "history": Certificate.objects.filter(enrolment_id=certificate.enrolment_id).order_by(
            "issued_at"
        ),
        "revoke_form": ReasonForm(prefix="revoke"),
        "reissue_form": ReasonForm(prefix="reissue"),
    }
    return render(request, "certificates/manage/detail.html", context)


def _reason_action(request, code: str, *, action: str):
    _require_manager(request)
    certificate = _managed_certificate(request, code)
    form = ReasonForm(request.POST, prefix=action)
    if form.is_valid():
        try:
            if action == "revoke":
                services.certificate_revoke(
                    certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The certificate was revoked."))
            else:
                new = services.certificate_reissue(
                    certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("A new certificate was issued: %(code)s.") % {"code": new.code}
                )
                return redirect("certificates:manage_detail", code=new.code)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Give the reason."))
    return redirect("certificates:manage_detail", code=certificate.code)


@login_required
@require_POST
def manage_revoke(request, code: str):
    return _reason_action(request, code, action="revoke")


@login_required
@require_POST
def manage_reissue(request, code: str):
    return _reason_action(request, code, action="reissue")


@login_required
def manage_pdf(request, code: str):
    _require_manager(request)
    return _pdf_response(_managed_certificate(request, code))


@login_required
def manage_regenerate(request):
    _require_whole_scope(request)
    form = RegenerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        regeneration = services.certificate_regeneration_start(
            course=form.cleaned_data["course"], by=request.user
        )
        return redirect("certificates:manage_regeneration", pk=regeneration.pk)
    return render(request, "certificates/manage/regenerate.html", {"form": form})


@login_required
def manage_regeneration(request, pk: int):
    _require_whole_scope(request)
    regeneration = selectors.regeneration_progress(pk)
    if regeneration is None:
        raise Http404
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": regeneration.status,
                "total": regeneration.total,
                "done": regeneration.done,
                "failed": regeneration.failed,
                "percent": regeneration.percent,
            }
        )
    return render(request, "certificates/manage/regeneration.html", {"regeneration": regeneration})
