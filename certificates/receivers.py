from django.dispatch import receiver

from core.api import outbox_enqueue
from courses.hooks import course_completed

ISSUE_TASK = "certificates.tasks.issue_certificate"


@receiver(course_completed, dispatch_uid="certificates.issue_on_completion")
def enqueue_certificate_issue(sender, enrolment, **kwargs):
    """Record the issuance in the completing transaction: it commits (and is sent) with the
    completion, or not at all. The dedupe key makes a duplicated signal a no-op."""
    outbox_enqueue(
        task_name=ISSUE_TASK,
        kwargs={"enrolment_id": enrolment.pk},
        dedupe_key=f"certificate:{enrolment.pk}",
    )
