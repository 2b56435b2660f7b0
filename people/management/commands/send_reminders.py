from django.core.management.base import BaseCommand

from people.reminders import hr_digest_send, reminders_send
from people.services import recertification_run, requirements_assign


class Command(BaseCommand):
    help = (
        "The daily HR job (also run by Celery beat): enrol people in scope of a required "
        "training, open renewals before certifications expire, and e-mail reminders 30, 7 "
        "and 0 days before expiry and when overdue. --digest also sends HR's weekly digest. "
        "Idempotent: a second run the same day sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--digest", action="store_true", help="Send the weekly HR digest.")

    def handle(self, *args, digest, **options):
        assigned = requirements_assign()
        renewals = recertification_run()
        sent = reminders_send()
        self.stdout.write(
            f"Enrolled {assigned}, renewals opened {renewals}, reminders sent {sent}."
        )
        if digest:
            self.stdout.write(f"Digests sent: {hr_digest_send()}.")
