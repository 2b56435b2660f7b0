from django.core.management.base import BaseCommand

from knowledge_base.services import handover_reminders_send


class Command(BaseCommand):
    help = "Remind successors and managers of handovers past their deadline."

    def handle(self, *args, **options):
        sent = handover_reminders_send()
        self.stdout.write(f"Handover reminders sent: {sent}")
