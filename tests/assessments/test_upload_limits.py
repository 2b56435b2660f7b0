from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from assessments.forms import MAX_IMPORT_BYTES, ImportUploadForm


def _form(content: bytes) -> ImportUploadForm:
    upload = SimpleUploadedFile("banco.gift", content)
    return ImportUploadForm(data={"format": "gift"}, files={"file": upload})


def test_gift_file_over_the_size_limit_is_refused_before_reading():
    with translation.override("es"):
        form = _form(b"x" * (MAX_IMPORT_BYTES + 1))
        assert not form.is_valid()
        assert "El archivo pesa más de" in form.errors["file"][0]
    assert "text" not in form.cleaned_data


def test_gift_file_with_too_many_lines_is_refused(settings):
    settings.UPLOAD_MAX_ROWS = 10
    form = _form(b"::P:: Pregunta {T}\n" * 11)
    assert not form.is_valid() and "file" in form.errors
    assert _form(b"::P:: Pregunta {T}\n" * 5).is_valid()
