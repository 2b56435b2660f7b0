import io
import zipfile

import pytest

from certificates.exports import certificate_zip_for_learners, certificate_zip_response
from certificates.services import certificate_revoke
from core.roles import Role

pytestmark = pytest.mark.django_db


def test_a_zip_of_the_learners_current_certificates(learner, make_user, issue, hr_user):
    other = make_user(Role.LEARNER)
    outsider = make_user(Role.LEARNER)
    a = issue(learner)
    revoked = issue(learner)
    certificate_revoke(certificate=revoked, by=hr_user, reason="Error")
    b = issue(other)
    hidden = issue(outsider)
    chunks = list(certificate_zip_for_learners([learner.pk, other.pk], by=hr_user))
    assert len(chunks) > 1  # streamed, one file at a time
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    names = archive.namelist()
    assert len(names) == 2
    assert any(a.code in n for n in names) and any(b.code in n for n in names)
    assert not any(revoked.code in n or hidden.code in n for n in names)
    for name in names:
        assert archive.read(name).startswith(b"%PDF-")


def test_the_zip_response_streams(learner, issue, hr_user):
    issue(learner)
    response = certificate_zip_response([learner.pk], by=hr_user, filename="unidad.zip")
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()


def test_an_empty_list_gives_an_empty_zip(hr_user):
    data = b"".join(certificate_zip_for_learners([], by=hr_user))
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == []
