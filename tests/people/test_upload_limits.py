"""The staff import refuses a zip bomb in the form, before parsing: fast, nothing written."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import StaffImport, StaffProfile
from tests.core.test_uploads import zip_bomb

pytestmark = pytest.mark.django_db


def test_zip_bomb_upload_is_refused_fast_and_nothing_is_written(hr_client, tree):
    profiles = StaffProfile.objects.count()
    bomb = SimpleUploadedFile("personal.xlsx", zip_bomb(sheet_mb=200))
    started = time.perf_counter()
    response = hr_client.post(reverse("people:import_upload"), {"file": bomb})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert "se descomprime a más de" in response.content.decode()
    assert elapsed < 5  # it held a worker for 205 s before; the check itself takes ms
    assert not StaffImport.objects.exists()
    assert StaffProfile.objects.count() == profiles


def test_csv_over_the_row_limit_is_refused(hr_client, tree, settings):
    settings.UPLOAD_MAX_ROWS = 5
    rows = "cedula,nombres\n" + "".join(f"17{n:08d},Persona\n" for n in range(10))
    upload = SimpleUploadedFile("personal.csv", rows.encode())
    response = hr_client.post(reverse("people:import_upload"), {"file": upload})
    assert "más de 5 filas" in response.content.decode()
    assert not StaffImport.objects.exists()
