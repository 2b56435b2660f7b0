"""Hostile input in every GET parameter a view reads and in every field of the project's forms:
a 4xx or the form shown again with its error, never a 5xx; a refused NUL changes nothing.

The GET parameters are declared below (found with `grep -rn "request.GET" */` and the
catalogue's and the API's signatures); the forms are read from the pages themselves, so a new
field is covered as soon as a form shows it. Runs on SQLite in `make test` and on PostgreSQL in
the services run.
"""

import re

import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.crawl.crawler import SKIPPED_PATHS

pytestmark = [pytest.mark.django_db, pytest.mark.bad_input]

BAD_VALUES = {
    "nul": "da\x00tos",
    "long": "x" * 10_000,
    "text_for_number": "abc",
    "negative": "-1",
    "huge_id": str(2**63),
    "huge_negative": str(-(2**63) - 1),
    "float": "1e309",
    "bad_date": "31/02/2026",
    "double_quote": '"',
    "single_quote": "'",
    "fts_operators": "datos & | ! :* AND NEAR( OR -",
    "unbalanced": "(((",
}

# (role e-mail, path, parameters the view reads)
GET_PARAMETERS = [
    ("funcionario@relevo.demo", "/cursos/", ["q", "tema", "nivel", "pagina"]),
    ("funcionario@relevo.demo", "/conocimiento/buscar/", ["q", "sistema", "tipo", "etiqueta"]),
    ("funcionario@relevo.demo", "/conocimiento/expertos/", ["q"]),
    ("funcionario@relevo.demo", "/verificar/", ["codigo", "format"]),
    ("funcionario@relevo.demo", "/cuenta/login/", ["next"]),
    ("custodio@relevo.demo", "/conocimiento/traspasos/", ["persona"]),
    ("custodio@relevo.demo", "/conocimiento/riesgo/que-pasa-si/", ["persona"]),
    ("talento@relevo.demo", "/talento-humano/", ["unidad", "requisito", "estado", "pagina"]),
    ("talento@relevo.demo", "/talento-humano/personal/", ["unidad", "estado", "q", "pagina"]),
    (
        "talento@relevo.demo",
        "/talento-humano/exportar/cumplimiento.csv",
        ["unidad", "requisito", "estado"],
    ),
    ("talento@relevo.demo", "/talento-humano/exportar/historial.csv", ["persona", "unidad"]),
    ("talento@relevo.demo", "/talento-humano/api/personal", ["q", "unidad", "limit", "offset"]),
    ("talento@relevo.demo", "/talento-humano/api/cumplimiento", ["unidad"]),
    ("talento@relevo.demo", "/certificados/gestion/", ["q", "page", "format"]),
    ("capacitador@relevo.demo", "/cursos/informes/", ["format"]),
    ("capacitador@relevo.demo", "/admin/pages/search/", ["q", "p"]),
    (
        "capacitador@relevo.demo",
        "/admin/snippets/assessments/question/",
        ["q", "p", "tags", "category", "ordering"],
    ),
    ("capacitador@relevo.demo", "/admin/snippets/assessments/quiz/", ["q", "p"]),
    ("admin@relevo.demo", "/admin/users/", ["q", "p", "ordering"]),
    (
        "admin@relevo.demo",
        "/admin/reports/site-history/",
        ["action", "timestamp_from", "timestamp_to", "user"],
    ),
    ("admin@relevo.demo", "/admin/documents/", ["q", "collection_id", "p"]),
]

# (role e-mail, page with the form(s)); every POST form of the page is sent.
FORM_PAGES = [
    ("funcionario@relevo.demo", "/verificar/"),
    ("funcionario@relevo.demo", "/verificar/documento/"),
    ("custodio@relevo.demo", "/conocimiento/traspasos/"),
    ("talento@relevo.demo", "/talento-humano/unidades/nueva/"),
    ("talento@relevo.demo", "/talento-humano/personal/nuevo/"),
    ("talento@relevo.demo", "/talento-humano/requisitos/"),
    ("talento@relevo.demo", "/talento-humano/cobertura/"),
    ("talento@relevo.demo", "/talento-humano/responsables/"),
    ("talento@relevo.demo", "/talento-humano/importar/"),
    ("admin@relevo.demo", "/admin/snippets/courses/topic/add/"),  # superusers only
    ("capacitador@relevo.demo", "/admin/snippets/assessments/questioncategory/add/"),
]


def _client(email: str) -> Client:
    from allauth.mfa.models import Authenticator

    client = Client(raise_request_exception=False)
    user = get_user_model().objects.get(email=email)
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bad-input"}}
    )
    client.force_login(user)  # with allauth's password and TOTP records (tests/core/signin.py)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _failure(response) -> str:
    exc = getattr(response, "exc_info", None)
    return f"{exc[0].__name__}: {exc[1]}" if exc else _body(response)[:300].decode(errors="replace")


@pytest.mark.parametrize(
    ("email", "path", "parameters"),
    GET_PARAMETERS,
    ids=lambda v: v if isinstance(v, str) and v.startswith("/") else None,
)
def test_hostile_get_parameters_never_fail_the_server(demo, email, path, parameters):
    client = _client(email)
    failures = []
    for parameter in parameters:
        for name, value in BAD_VALUES.items():
            response = client.get(path, {parameter: value})
            _body(response)
            if response.status_code >= 500:
                failures.append(f"{parameter}={name}: {response.status_code} {_failure(response)}")
            elif name == "nul":
                assert response.status_code == 400, (parameter, response.status_code)
    assert not failures, "\n".join(failures)


def _post_forms(document, action_base: str):
    """(action, fields) of every POST form: each field with its rendered value."""
    for form in document.xpath("//form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        fields = {}
        for element in form.xpath(".//input|.//select|.//textarea"):
            name = element.get("name")
            if not name or element.get("type") in ("submit", "button", "file"):
                continue
            if element.tag == "select":
                selected = element.xpath("./option[@selected]/@value|.//option[@selected]/@value")
                fields[name] = selected[0] if selected else ""
            elif element.get("type") in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    fields[name] = element.get("value") or "on"
            else:
                fields[name] = element.get("value") or (element.text or "")
        yield (form.get("action") or action_base), fields


FRAMEWORK_FIELDS = re.compile(
    r"^(csrfmiddlewaretoken|next|.*-TOTAL_FORMS|.*-INITIAL_FORMS|.*-MIN_NUM_FORMS|.*-MAX_NUM_FORMS)$"
)


@pytest.mark.parametrize(("email", "path"), FORM_PAGES, ids=[p for _e, p in FORM_PAGES])
def test_hostile_form_fields_show_an_error_never_a_server_failure(demo, email, path):
    from django.apps import apps

    client = _client(email)
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    forms = list(_post_forms(lxml.html.document_fromstring(page.content), path))
    assert forms, f"{path} shows no form"
    failures = []
    counts = {
        model: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"people", "knowledge_base", "courses", "assessments", "certificates"}
    }
    for action, fields in forms:
        if SKIPPED_PATHS.search(action):  # signing out or switching language is no form to test
            continue
        editable = [name for name in fields if not FRAMEWORK_FIELDS.match(name)]
        for name, value in BAD_VALUES.items():
            data = dict(fields)
            data.update(dict.fromkeys(editable, value))
            response = client.post(action, data)
            _body(response)
            if response.status_code >= 500:
                failures.append(f"{action} {name}: {response.status_code} {_failure(response)}")
            elif name == "nul":
                # refused (400) or the form shown again with its error (200), nothing written
                assert response.status_code in (200, 400), (action, response.status_code)
                changed = [m for m, c in counts.items() if m.objects.count() != c]
                assert not changed, f"a refused NUL wrote {changed}"
    assert not failures, "\n".join(failures)
