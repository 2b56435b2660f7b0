from django.core.management.base import BaseCommand

from core.notifications import notifications_digest_send, notifications_send_due


class Command(BaseCommand):
    help = (
        "Send the unsent notifications that are due (never enqueued, or failed and past their "
        "retry delay), then the digests: one e-mail per person and kind. Celery beat runs the "
        "same jobs (core.tasks.notifications_send_due every minute, notifications_digest "
        "hourly)."
    )

    def handle(self, *args, **options):
        sent = notifications_send_due()
        digests = notifications_digest_send()
        self.stdout.write(f"Notifications: {sent} e-mail(s) sent, {digests} digest(s) sent.")
