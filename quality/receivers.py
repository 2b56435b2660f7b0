"""What quality plugs into the apps below it (called from QualityConfig.ready())."""

from __future__ import annotations

from courses import hooks as courses_hooks

from . import panels, services


def on_course_completed(sender, enrolment, **kwargs) -> None:
    """Inside the completion's transaction: the learner is invited to the course's survey."""
    services.surveys_offer_on_completion(enrolment=enrolment)


def connect() -> None:
    courses_hooks.course_completed.connect(on_course_completed, dispatch_uid="quality-survey")
    courses_hooks.register_my_learning_panel(panels.my_learning_panel)
