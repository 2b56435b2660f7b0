from django.core.management.base import BaseCommand

from assessments import services


class Command(BaseCommand):
    help = "Submit and grade every open quiz attempt whose deadline has passed (also a beat task)."

    def handle(self, *args, **options):
        count = services.attempts_expire_overdue()
        self.stdout.write(f"{count} attempt(s) submitted")
