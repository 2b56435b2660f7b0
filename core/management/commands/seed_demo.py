from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.hooks import demo_seeders


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
        # Bottom layer first (the order of INSTALLED_APPS): each app's demo builds on the ones
        # below it. Each app registers its seeder in its AppConfig.ready() (core.hooks).
        for _label, seed in demo_seeders():
            with transaction.atomic():
                seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content ready at http://127.0.0.1:8000/"))
