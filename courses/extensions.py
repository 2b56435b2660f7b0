"""Hooks through which higher apps add to course pages and "Mi aprendizaje".

Courses import none of the apps above them; those apps register here in AppConfig.ready():

- `register_course_related(func)`: func(course) -> list of dicts {title, url, kind}, shown on
  the course page ("Related systems" of the knowledge base, the course's quizzes...). An item
  with `"after_lessons": True` (a final quiz) is also the outline's step after the last lesson.
- `register_my_learning_panel(func)`: func(request) -> {"template": ..., "context": {...}} or
  None, rendered as an extra section of /mi-aprendizaje/ ("Mis certificados").

A failing provider must not break the page: its error is logged and its section skipped.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

CourseRelated = Callable[[object], list[dict]]
MyLearningPanel = Callable[[object], dict | None]

_course_related: list[CourseRelated] = []
_my_learning_panels: list[MyLearningPanel] = []


def register_course_related(func: CourseRelated) -> CourseRelated:
    if func not in _course_related:
        _course_related.append(func)
    return func


def register_my_learning_panel(func: MyLearningPanel) -> MyLearningPanel:
    if func not in _my_learning_panels:
        _my_learning_panels.append(func)
    return func


def course_related_items(course) -> list[dict]:
    items: list[dict] = []
    for func in _course_related:
        try:
            items.extend(func(course) or [])
        except Exception:
            logger.exception("course related provider %r failed", func)
    return items


def course_final_steps(course) -> list[dict]:
    """What the outline and the last lesson lead to once the lessons are done."""
    return [item for item in course_related_items(course) if item.get("after_lessons")]


def my_learning_panels(request) -> list[dict]:
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
