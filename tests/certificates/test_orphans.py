"""No orphan PDFs: a failed issuance deletes what it wrote; the command finds what is left."""

import os
import time
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from certificates import services
from certificates.models import Certificate, private_storage
from tests.certificates.factories import completed_enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _pdfs(settings) -> list[str]:
    return sorted(str(p) for p in settings.PRIVATE_MEDIA_ROOT.rglob("*.pdf"))


def test_an_issuance_that_fails_after_writing_its_pdf_leaves_no_file(learner, course, settings):
    enrolment = completed_enrolment(learner, course)
    with (
        mock.patch.object(services, "audit_log", side_effect=RuntimeError("database gone")),
        pytest.raises(RuntimeError),
    ):
        services.certificate_issue(enrolment_id=enrolment.pk)
    assert not Certificate.objects.exists()
    assert _pdfs(settings) == []


def test_the_pdf_is_written_last_and_rolled_back_with_the_row(learner, course, settings):
    enrolment = completed_enrolment(learner, course)
    with (
        mock.patch.object(services, "certificate_notify", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        services.certificate_issue(enrolment_id=enrolment.pk)
    assert _pdfs(settings) == []
    certificate = services.certificate_issue(enrolment_id=enrolment.pk)
    assert len(_pdfs(settings)) == 1
    assert certificate.pdf.storage.exists(certificate.pdf.name)


def test_a_missing_pdf_is_rendered_again_by_the_next_issuance_run(learner, course):
    enrolment = completed_enrolment(learner, course)
    certificate = services.certificate_issue(enrolment_id=enrolment.pk)
    certificate.pdf.storage.delete(certificate.pdf.name)
    again = services.certificate_issue(enrolment_id=enrolment.pk)
    assert again.pk == certificate.pk
    again.refresh_from_db()
    assert again.pdf.storage.exists(again.pdf.name)


def test_the_orphan_command_is_a_dry_run_unless_told(learner, course, settings, capsys):
    certificate = services.certificate_issue(enrolment_id=completed_enrolment(learner, course).pk)
    storage = private_storage()
    orphan = storage.save("certificates/2020/01/lost.pdf", ContentFile(b"%PDF"))
    old = time.time() - 3600
    os.utime(storage.path(orphan), (old, old))
    call_command("certificate_orphans")
    out = capsys.readouterr().out
    assert orphan in out
    assert "1 orphan" in out
    assert storage.exists(orphan)
    call_command("certificate_orphans", "--delete")
    assert not storage.exists(orphan)
    assert storage.exists(certificate.pdf.name)  # a named file is never touched
