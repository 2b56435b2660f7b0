from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Bottom layer first: each app's demo builds on the ones below it.
DEMO_APPS = ["core", "courses", "assessments", "certificates", "people", "knowledge_base"]


class Command(BaseCommand):
    help = (
        "Load the demo content: one account per role, the ministry's organisation and staff, "
        "courses, quizzes, certificates and knowledge base. Idempotent; refuses to run with DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (tests, never production).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a known password: it only runs with DEBUG=1."
            )
        for label in DEMO_APPS:
            if not apps.is_installed(label):
                continue
            try:
                module = import_module(f"{label}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{label}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content ready at http://127.0.0.1:8000/"))
