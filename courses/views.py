"""Views of the courses app: thin, they validate, call a service or selector, and render.

The catalogue, course and lesson pages are Wagtail pages (models.py); what they show is in
presentation.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.views import serve as wagtail_serve

from core.api import csv_response

from .cache import cached_public_page, learner_fragment, lesson_route
from .hooks import my_learning_panels
from .models import CoursePage, Enrolment, LessonPage
from .presentation import LessonData
from .rules import can_list_course_reports, can_view_course_reports
from .selectors import (
    course_report,
    course_report_rows,
    lesson_route_build,
    my_learning,
    owned_courses,
)
from .services import (
    course_is_visible_to,
    enrolment_create,
    enrolment_withdraw,
    lesson_complete,
)

# The catalogue and course pages are Wagtail pages; these routes put the anonymous page cache in
# front of Wagtail's routing, so that a cached page costs no query at all.
public_page = cached_public_page(wagtail_serve)


def public_course_page(request, slug: str):
    return public_page(request, path=f"cursos/{slug}/")


def lesson_page(request, course_slug: str, lesson_slug: str):
    """A lesson, served by Wagtail from a cached route when it has one (courses.cache)."""
    path = f"cursos/{course_slug}/{lesson_slug}/"
    if request.method in ("GET", "HEAD"):
        lesson = lesson_route(request, path, build=lesson_route_build)
        if lesson is not None:
            request._wagtail_route_for_request = (lesson, [], {})
    return wagtail_serve(request, path)


def _visible_course_or_404(request, course_id: int) -> CoursePage:
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    if not course_is_visible_to(course=course, user=request.user):
        raise Http404
    return course


@login_required
@require_POST
def enrol(request, course_id: int):
    """Self-enrolment of the signed-in user; the learner is never taken from the request."""
    course = _visible_course_or_404(request, course_id)
    try:
        enrolment = enrolment_create(learner=request.user, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        if enrolment.status == Enrolment.Status.COMPLETED:
            messages.info(request, _("You have already completed this course."))
        else:
            messages.success(request, _("You are enrolled in “%s”.") % course.title)
    return HttpResponseRedirect(course.get_url(request))


@login_required
@require_POST
def leave(request, course_id: int):
    course = _visible_course_or_404(request, course_id)
    enrolment = Enrolment.objects.filter(
        learner=request.user, course=course, status=Enrolment.Status.ACTIVE
    ).first()
    if enrolment is None:
        messages.error(request, _("You are not enrolled in this course."))
    elif enrolment.source == Enrolment.Source.ASSIGNED:
        messages.error(
            request, _("This course was assigned to you; ask Human Resources to withdraw it.")
        )
    else:
        enrolment_withdraw(enrolment=enrolment, user=request.user)
        messages.success(request, _("You left “%s”. Your progress is kept.") % course.title)
    return HttpResponseRedirect(course.get_url(request))


@login_required
@require_POST
def complete_lesson(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    course = lesson.course
    if course is None or not course_is_visible_to(course=course, user=request.user):
        raise Http404
    enrolment = Enrolment.objects.filter(
        learner=request.user, course=course, status=Enrolment.Status.ACTIVE
    ).first()
    if enrolment is None:
        raise PermissionDenied(_("You are not enrolled in this course."))
    enrolment = lesson_complete(enrolment=enrolment, lesson=lesson, user=request.user)
    if enrolment.status == Enrolment.Status.COMPLETED:
        messages.success(request, _("Congratulations: you completed “%s”.") % course.title)
        return HttpResponseRedirect(course.get_url(request))
    messages.success(request, _("Lesson marked as completed."))
    following = LessonData(request=request, lesson=lesson, course=course, enrolment=enrolment)
    following_lesson = following.next
    return HttpResponseRedirect(
        following_lesson.url if following_lesson else lesson.get_url(request)
    )


@login_required
def my_learning_view(request):
    def render_content() -> str:
        return render_to_string(
            "courses/includes/my_learning_content.html",
            {
                "learning": my_learning(request.user),
                "panels": my_learning_panels(request),
                "today": timezone.localdate(),
            },
            request,
        )

    content = learner_fragment(request, "my-learning", render_content)
    return render(request, "courses/my_learning.html", {"content": content})


@login_required
def reports(request):
    if not can_list_course_reports(request.user):
        raise PermissionDenied
    return render(request, "courses/reports.html", {"courses": owned_courses(request.user)})


def _report_course(request, course_id: int) -> CoursePage:
    course = get_object_or_404(CoursePage, pk=course_id)
    if not can_view_course_reports(request.user, course):
        raise PermissionDenied
    return course


@login_required
def report(request, course_id: int):
    course = _report_course(request, course_id)
    return render(request, "courses/report.html", {"report": course_report(course)})


@login_required
def report_csv(request, course_id: int):
    course = _report_course(request, course_id)
    header = [
        _("Learner"),
        _("E-mail"),
        _("Cycle"),
        _("Source"),
        _("Status"),
        _("Progress (%)"),
        _("Enrolled at"),
        _("Due date"),
        _("Completed at"),
    ]

    def rows():
        for enrolment in course_report_rows(course):
            yield (
                [
                    enrolment.learner.get_full_name(),
                    enrolment.learner.email,
                    enrolment.cycle,
                    enrolment.get_source_display(),
                    enrolment.get_status_display(),
                    enrolment.progress_percent,
                    timezone.localtime(enrolment.enrolled_at).strftime("%Y-%m-%d %H:%M"),
                    enrolment.due_date.isoformat() if enrolment.due_date else "",
                    timezone.localtime(enrolment.completed_at).strftime("%Y-%m-%d %H:%M")
                    if enrolment.completed_at
                    else "",
                ]
            )

    return csv_response(f"informe-{slugify(course.slug)}.csv", header, rows())
