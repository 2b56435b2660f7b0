"""A ZIP of learners' certificates, streamed (people builds a unit's list and calls this)."""

import zipfile
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils.text import slugify

from .hooks import learner_scope_q
from .models import Certificate
from .services import certificate_pdf_ensure


class _Chunks:
    """A write-only, unseekable file that hands its bytes out as they are written."""

    def __init__(self):
        self._buffer = bytearray()
        self._position = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = bytes(self._buffer)
        self._buffer.clear()
        return data


def certificate_zip_for_learners(learner_ids: Iterable[int], *, by) -> Iterator[bytes]:
    """Yield a ZIP holding the current PDF of every certificate of these learners that `by`
    may manage (learners outside their scope, revoked and superseded certificates and
    anonymised records are left out), one file at a time."""
    certificates = (
        Certificate.objects.filter(learner_scope_q(by))
        .filter(
            learner_id__in=list(learner_ids), status=Certificate.Status.ISSUED, anonymised=False
        )
        .order_by("learner_name", "course_title", "pk")
        .only("pk", "code", "pdf", "status", "anonymised", "learner_name", "course_title")
    )
    sink = _Chunks()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates.iterator(chunk_size=200):
            name = (
                f"{slugify(certificate.learner_name) or 'titular'}/"
                f"{slugify(certificate.course_title)[:60]}-{certificate.code}.pdf"
            )
            if certificate.pdf_pending:
                certificate = certificate_pdf_ensure(certificate=certificate)
            try:
                with certificate.pdf.open("rb") as handle:
                    data = handle.read()
            except (FileNotFoundError, OSError):
                continue
            archive.writestr(name, data)
            yield sink.take()
    yield sink.take()


def certificate_zip_response(
    learner_ids: Iterable[int], *, by, filename: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        certificate_zip_for_learners(learner_ids, by=by), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
