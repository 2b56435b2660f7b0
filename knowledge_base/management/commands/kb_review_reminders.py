from django.core.management.base import BaseCommand

from knowledge_base.services import review_reminders_send


class Command(BaseCommand):
    help = "Remind owners (or backups, or unit heads) of knowledge base articles past review."

    def handle(self, *args, **options):
        sent = review_reminders_send()
        self.stdout.write(f"Review reminders sent: {sent}")
