from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.views import serve

from core.api import Role, has_role, parse_id
from people.api import StaffProfile, StaffStatus, staff_in_scope

from . import selectors, services
from .cache import RESULTS_TIMEOUT, article_route
from .forms import HandoverItemAssignForm, HandoverStartForm
from .models import ArticlePage, Handover, HandoverItem
from .search import clean_query, results_key, search_knowledge


def _require_risk_viewer(user) -> None:
    if not user.has_perm("knowledge_base.view_risk"):
        raise PermissionDenied


def knowledge_home(request):
    """/conocimiento/ is a Wagtail page; this named route serves it (header link)."""
    return serve(request, "conocimiento/")


def article_page(request, slug: str):
    """An article (or a system: Wagtail serves anything else at this depth itself), served
    from a cached route when it has one (knowledge_base.cache.article_route)."""
    path = f"conocimiento/{slug}/"
    if request.method in ("GET", "HEAD"):
        article = article_route(request, path, build=selectors.article_route_build)
        if article is not None:
            request._wagtail_route_for_request = (article, [], {})
    return serve(request, path)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def search(request):
    raw = request.GET.get("q", "")
    query = clean_query(raw)
    system_id = parse_id(request.GET.get("sistema"))
    kind = request.GET.get("tipo") or ""
    tag = request.GET.get("etiqueta") or ""
    if kind not in ArticlePage.Kind.values:
        kind = ""
    filters = {
        "query": query,
        "user": request.user,
        "system_id": system_id,
        "kind": kind or None,
        "tag": tag[:100] or None,
    }
    key = results_key(**filters) if query else None
    hits = search_knowledge(**filters, key=key) if key else []
    return render(
        request,
        "knowledge_base/search.html",
        {
            "query": query,
            "hits": hits,
            # The rendered result list is cached under the results' own key.
            "results_key": key,
            "results_timeout": RESULTS_TIMEOUT,
            "systems": selectors.visible_systems(request.user)
            .order_by("title")
            .only("pk", "title"),
            "kinds": ArticlePage.Kind.choices,
            "selected_system": system_id,
            "selected_kind": kind,
            "selected_tag": tag[:100],
        },
    )


@login_required
def risk(request):
    _require_risk_viewer(request.user)
    kmap = selectors.knowledge_map_for(request.user)
    prefix = selectors.page_url_prefix()
    rows = [
        {
            "row": row,
            "url": selectors.url_from_path(row.url_path, prefix),
            "people": kmap.names(row),
        }
        for row in kmap.rows
    ]
    return render(
        request,
        "knowledge_base/risk.html",
        {
            "rows": rows,
            "at_risk_count": sum(1 for r in kmap.rows if r.at_risk),
            "people": sorted(kmap.people.values(), key=lambda p: p.name.lower()),
            "min_knowledgeable": selectors.MIN_KNOWLEDGEABLE,
        },
    )


@login_required
def what_if(request):
    _require_risk_viewer(request.user)
    kmap = selectors.knowledge_map_for(request.user)
    person_id = parse_id(request.GET.get("persona"))
    person = kmap.people.get(person_id) if person_id else None
    result = selectors.what_if_leaves(user_id=person.user_id, kmap=kmap) if person else None
    return render(
        request,
        "knowledge_base/what_if.html",
        {
            "people": sorted(kmap.people.values(), key=lambda p: p.name.lower()),
            "person": person,
            "result": result,
            "min_knowledgeable": selectors.MIN_KNOWLEDGEABLE,
        },
    )


@login_required
def experts(request):
    query = clean_query(request.GET.get("q", ""))
    return render(
        request,
        "knowledge_base/experts.html",
        {"query": query, "experts": selectors.experts_directory(query=query, user=request.user)},
    )


@login_required
def my_reviews(request):
    articles = list(selectors.pending_reviews_for(request.user))
    return render(
        request,
        "knowledge_base/my_reviews.html",
        {"articles": articles, "today": timezone.localdate()},
    )


@login_required
@require_POST
def mark_reviewed(request, article_id: int):
    article = get_object_or_404(ArticlePage.objects.live(), pk=article_id)
    try:
        services.article_mark_reviewed(article_id=article.pk, user=request.user)
    except PermissionDenied:
        raise
    messages.success(request, _("Marked as reviewed. Next review: one interval from today."))
    return redirect(article.url or "/conocimiento/")


# --- Handover -----------------------------------------------------------------------------


def _manageable_profiles(user):
    """Whom the user may start a handover for (services.can_manage_handover decides)."""
    if user.is_superuser or has_role(user, Role.HR, Role.ADMIN):
        qs = staff_in_scope(user=user)
    else:
        mine = Q(manager__user=user)
        if has_role(user, Role.CUSTODIAN):
            mine |= Q(user=user)
        qs = StaffProfile.objects.filter(mine)
    return (
        qs.select_related("user", "unit")
        .exclude(status=StaffStatus.LEFT)
        .order_by("user__last_name", "user__first_name")
    )


@login_required
def handover_list(request):
    profiles = _manageable_profiles(request.user)
    form = HandoverStartForm(
        request.POST or None,
        reasons=Handover.Reason.choices,
        initial={"deadline": timezone.localdate() + timedelta(days=services.HANDOVER_DEFAULT_DAYS)},
    )
    if request.method == "POST":
        profile_id = parse_id(request.POST.get("profile"))
        profile = profiles.filter(pk=profile_id).first() if profile_id else None
        if profile is None:
            messages.error(request, _("Choose an official you are responsible for."))
        elif form.is_valid():
            try:
                handover = services.handover_start(
                    profile=profile,
                    started_by=request.user,
                    reason=form.cleaned_data["reason"],
                    deadline=form.cleaned_data["deadline"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("Handover started: assign a successor to each item."))
                return redirect("knowledge_base:handover", handover_id=handover.pk)
    handovers = list(selectors.handovers_visible_to(request.user)[:200])
    my_items = list(
        HandoverItem.objects.filter(
            successor__user=request.user,
            status=HandoverItem.Status.ASSIGNED,
            handover__status__in=Handover.OPEN_STATUSES,
        ).select_related("page", "handover__profile__user")
    )
    return render(
        request,
        "knowledge_base/handover_list.html",
        {
            "handovers": handovers,
            "my_items": my_items,
            "profiles": profiles if profiles.exists() else None,
            "form": form,
        },
    )


def _visible_handover(user, handover_id: int) -> Handover:
    handover = selectors.handovers_visible_to(user).filter(pk=handover_id).first()
    if handover is None:
        raise Http404
    return handover


@login_required
def handover_view(request, handover_id: int):
    handover = _visible_handover(request.user, handover_id)
    can_manage = services.can_manage_handover(request.user, handover.profile)
    successors = (
        StaffProfile.objects.filter(status=StaffStatus.ACTIVE, user__is_active=True)
        .exclude(pk=handover.profile_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    context = selectors.handover_detail(handover)
    context.update(
        {
            "handover": handover,
            "can_manage": can_manage,
            "successors": list(successors) if can_manage else [],
        }
    )
    return render(request, "knowledge_base/handover_detail.html", context)


@login_required
@require_POST
def handover_item_assign(request, item_id: int):
    item = get_object_or_404(HandoverItem.objects.select_related("handover__profile"), pk=item_id)
    _visible_handover(request.user, item.handover_id)
    form = HandoverItemAssignForm(
        request.POST,
        successors=StaffProfile.objects.filter(status=StaffStatus.ACTIVE).select_related("user"),
    )
    if not form.is_valid():
        messages.error(request, _("Choose an active successor and a valid deadline."))
    else:
        try:
            services.handover_item_assign(
                item=item,
                successor=form.cleaned_data["successor"],
                deadline=form.cleaned_data["deadline"],
                user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Successor assigned; they will see it to accept."))
    return redirect("knowledge_base:handover", handover_id=item.handover_id)


@login_required
@require_POST
def handover_item_accept(request, item_id: int):
    item = get_object_or_404(HandoverItem, pk=item_id)
    try:
        services.handover_item_accept(item_id=item.pk, user=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Accepted: you are now responsible for it."))
    return redirect("knowledge_base:handover_list")


@login_required
@require_POST
def handover_cancel(request, handover_id: int):
    handover = _visible_handover(request.user, handover_id)
    try:
        services.handover_cancel(handover=handover, user=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Handover cancelled."))
    return redirect("knowledge_base:handover", handover_id=handover.pk)
