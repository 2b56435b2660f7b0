"""What quality plugs into the apps below it (called from QualityConfig.ready())."""

from __future__ import annotations

from certificates import hooks as certificates_hooks
from courses import hooks as courses_hooks

from . import panels, selectors, services


def on_course_completed(sender, enrolment, **kwargs) -> None:
    """Inside the completion's transaction: the learner is invited to the course's survey."""
    services.surveys_offer_on_completion(enrolment=enrolment)


def certificate_download_step(*, user, certificate, next_url: str) -> str | None:
    """Before a learner's own certificate PDF: the course's completion survey if they have
    neither answered nor skipped it (one query); the survey page offers to skip."""
    participation = selectors.pending_completion_survey(user=user, course_id=certificate.course_id)
    if participation is None:
        return None
    return selectors.survey_url(participation, next_url=next_url)


def connect() -> None:
    certificates_hooks.register_download_step(certificate_download_step)
    courses_hooks.course_completed.connect(on_course_completed, dispatch_uid="quality-survey")
    courses_hooks.register_my_learning_panel(panels.my_learning_panel)
