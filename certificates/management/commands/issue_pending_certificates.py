from django.core.management.base import BaseCommand

from certificates.selectors import pending_issuances
from certificates.services import certificate_issue
from certificates.signing import SigningKeyUnavailable
from core.api import outbox_mark_completed


class Command(BaseCommand):
    help = (
        "Issue, in this process, every certificate whose issuance message is still pending "
        "(after fixing the signing key, or without a Celery worker). Idempotent."
    )

    def handle(self, *args, **options):
        issued = 0
        for message in pending_issuances():
            try:
                certificate_issue(enrolment_id=int(message.kwargs["enrolment_id"]))
            except SigningKeyUnavailable as exc:
                self.stderr.write(str(exc))
                return
            outbox_mark_completed(message_id=message.pk)
            issued += 1
        self.stdout.write(self.style.SUCCESS(f"Issued or confirmed {issued} certificate(s)."))
