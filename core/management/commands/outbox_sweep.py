from django.core.management.base import BaseCommand

from core.outbox import outbox_sweep


class Command(BaseCommand):
    help = (
        "Send the outbox messages that were never sent (broker down) or were sent long ago and "
        "never completed. Celery beat runs the same job every minute (core.tasks.outbox_sweep)."
    )

    def handle(self, *args, **options):
        sent = outbox_sweep()
        self.stdout.write(f"Outbox: {sent} message(s) sent.")
