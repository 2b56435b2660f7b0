"""A task for the integration tests only: the real worker imports this module (`-I`)."""

from pathlib import Path

from celery import shared_task


@shared_task(name="tests.integration.write_marker")
def write_marker(*, path: str, text: str) -> None:
    # Idempotent: writing the same text twice leaves the same file.
    Path(path).write_text(text, encoding="utf-8")
