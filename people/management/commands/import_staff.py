import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from people.importing import import_file


class Command(BaseCommand):
    help = (
        "Import staff from the HR system's export (CSV or XLSX; columns: cedula, nombres, "
        "apellidos, correo, unidad, cargo, jefe, fecha_ingreso, estado, fecha_salida). "
        "All or nothing: any error and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--mark-missing-left",
            action="store_true",
            help="Mark people who are not in the file as left.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Validate only.")

    def handle(self, *args, file, mark_missing_left, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        started = time.monotonic()
        plan, summary = import_file(
            filename=path.name,
            content=path.read_bytes(),
            mark_missing_left=mark_missing_left,
            dry_run=dry_run,
        )
        for message in plan.file_errors:
            self.stderr.write(message)
        for error in plan.errors:
            self.stderr.write(f"línea {error.line}, {error.column}: {error.message}")
        if not plan.ok:
            raise CommandError("The file has errors; nothing was imported.")
        counts = summary or plan.summary()
        label = "Dry run (nothing written)" if dry_run else "Imported"
        self.stdout.write(
            f"{label}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['marked_left']} marked left "
            f"in {time.monotonic() - started:.1f} s."
        )
