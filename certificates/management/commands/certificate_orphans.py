"""Find (and with --delete remove) stored certificate PDFs that no certificate names.

Issuance writes a PDF only after its row is committed, so new orphans are rare: the old file
of a re-rendering whose process died between writing the new file and deleting the old one, or
files left by versions before that change (a killed issuance wrote a PDF with a learner's name
and a code that exists nowhere). Files younger than --min-age are left alone: they may belong
to a commit that is writing them right now.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from certificates.models import Certificate, private_storage

ROOT = "certificates"


def _walk(storage, folder: str):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}")


def orphan_files(*, min_age: timedelta) -> list[str]:
    storage = private_storage()
    named = set(Certificate.objects.exclude(pdf="").values_list("pdf", flat=True))
    cutoff = timezone.now() - min_age
    orphans = []
    for name in _walk(storage, ROOT):
        if name in named or not name.endswith(".pdf"):
            continue
        if storage.get_modified_time(name) > cutoff:
            continue
        orphans.append(name)
    return sorted(orphans)


class Command(BaseCommand):
    help = (
        "List stored certificate PDFs that no certificate names (dry run by default); "
        "--delete removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="remove the orphan files")
        parser.add_argument(
            "--min-age-minutes",
            type=int,
            default=10,
            help="leave files younger than this alone (default 10)",
        )

    def handle(self, *args, **options):
        storage = private_storage()
        orphans = orphan_files(min_age=timedelta(minutes=options["min_age_minutes"]))
        for name in orphans:
            self.stdout.write(name)
            if options["delete"]:
                storage.delete(name)
        verb = "Deleted" if options["delete"] else "Found (dry run, --delete removes them)"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(orphans)} orphan file(s)."))
