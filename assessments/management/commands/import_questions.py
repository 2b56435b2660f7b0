from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments import services


class Command(BaseCommand):
    help = (
        "Import a question bank from a Moodle GIFT or Aiken file. All or nothing: any error "
        "imports nothing and is reported with its line number."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["gift", "aiken"], default="gift")
        parser.add_argument(
            "--category",
            default="",
            help='Category path such as "Seguridad/EGSI"; $CATEGORY lines in the file go beneath it.',
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}")
        try:
            report = services.questions_import(
                text=text,
                fmt=options["format"],
                category_path=options["category"],
                on_progress=lambda done, total: self.stdout.write(
                    f"Written {done} of {total} (kept only if all are written)"
                ),
            )
        except services.ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Nothing imported: {len(exc.errors)} error(s) in {path}")
        except services.AssessmentError as exc:
            raise CommandError(exc.message)
        except Exception as exc:
            # The database gone in the middle: the transaction rolled back, the bank as it was.
            raise CommandError(f"Nothing imported ({exc}): the question bank is unchanged.")
        for qtype, count in sorted(report.counts.items()):
            self.stdout.write(f"{qtype}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Imported {report.total} question(s) from {path}"))
