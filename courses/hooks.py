"""The hooks courses offers to the apps above it (assessments, certificates, people,
knowledge_base). Courses imports none of them: they register here in their AppConfig.ready().

Registries (filled by functions):

- `register_course_related(func)`: func(course) -> list of dicts {title, url, kind}, shown on
  the course page ("Related systems" of the knowledge base, the course's quizzes...). An item
  with `"after_lessons": True` (a final quiz) is also the outline's step after the last lesson.
- `register_my_learning_panel(func)`: func(request) -> {"template": ..., "context": {...}} or
  None, rendered as an extra section of /mi-aprendizaje/ ("Mis certificados").
- `register_requirement(name, func)`: func(enrolment) -> bool, a completion requirement beyond
  the lessons, for courses whose rule is ALL_LESSONS_AND_QUIZZES ("every required quiz
  passed", from assessments).

A failing page provider must not break the page: its error is logged and its section skipped.
A failing completion requirement raises (a completion must never be granted by accident).

Signals:

- `course_completed` (kwargs: enrolment): sent once per enrolment cycle, inside the
  transaction that records the completion, so that a receiver writing to the database
  (certificates' outbox) commits or rolls back with it.
- `enrolment_created` (kwargs: enrolment): sent when an enrolment is created (self or assigned).

`courses.checks` fails at start-up when a registry that must be filled is empty.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.dispatch import Signal

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import CoursePage, Enrolment

logger = logging.getLogger(__name__)

CourseRelated = Callable[["CoursePage"], list[dict]]
MyLearningPanel = Callable[["HttpRequest"], dict | None]
Requirement = Callable[["Enrolment"], bool]

course_completed = Signal()
enrolment_created = Signal()

_course_related: list[CourseRelated] = []
_my_learning_panels: list[MyLearningPanel] = []
_requirements: dict[str, Requirement] = {}


def register_course_related(func: CourseRelated) -> CourseRelated:
    """Add a provider of links shown on every course page."""
    if func not in _course_related:
        _course_related.append(func)
    return func


def register_my_learning_panel(func: MyLearningPanel) -> MyLearningPanel:
    """Add a section to the learner's "Mi aprendizaje" page."""
    if func not in _my_learning_panels:
        _my_learning_panels.append(func)
    return func


def register_requirement(name: str, func: Requirement) -> None:
    """Add (or replace, by name) a completion requirement beyond the lessons."""
    _requirements[name] = func


def course_related_items(course: CoursePage) -> list[dict]:
    items: list[dict] = []
    for func in _course_related:
        try:
            items.extend(func(course) or [])
        except Exception:
            logger.exception("course related provider %r failed", func)
    return items


def course_final_steps(course: CoursePage) -> list[dict]:
    """What the outline and the last lesson lead to once the lessons are done (items with
    `"after_lessons": True`, such as a final quiz)."""
    return [item for item in course_related_items(course) if item.get("after_lessons")]


def my_learning_panels(request: HttpRequest) -> list[dict]:
    panels = []
    for func in _my_learning_panels:
        try:
            panel = func(request)
        except Exception:
            logger.exception("my learning panel %r failed", func)
            continue
        if panel:
            panels.append(panel)
    return panels


def requirements() -> dict[str, Requirement]:
    return dict(_requirements)


def course_related_providers() -> list[CourseRelated]:
    return list(_course_related)


def my_learning_panel_providers() -> list[MyLearningPanel]:
    return list(_my_learning_panels)
