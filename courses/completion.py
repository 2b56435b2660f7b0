"""What a course needs, beyond its lessons, to be completed.

Courses knows nothing of quizzes: assessments registers a requirement here in its
AppConfig.ready() ("every quiz marked required is passed"). A requirement is a function of an
enrolment returning True when satisfied; it applies only to courses whose completion rule is
ALL_LESSONS_AND_QUIZZES.
"""

from collections.abc import Callable

Requirement = Callable[["Enrolment"], bool]  # noqa: F821

_requirements: dict[str, Requirement] = {}


def register_requirement(name: str, func: Requirement) -> None:
    _requirements[name] = func


def requirements() -> dict[str, Requirement]:
    return dict(_requirements)
