"""Input no page can use is refused before it reaches a view: NUL characters (PostgreSQL cannot
store or compare them) and URL integers beyond the database's range."""

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.urls import reverse

from core.forms import ChoiceIdsGuard
from core.params import MAX_DB_INTEGER, parse_id, search_words
from core.roles import Role

pytestmark = pytest.mark.django_db

NUL_GETS = [
    "/cursos/?q=da\x00tos",
    "/cursos/?tema=\x00",
    "/conocimiento/buscar/?q=respaldo\x00",
    "/conocimiento/buscar/?sistema=1\x00",
    "/talento-humano/personal/?q=\x00",
    "/talento-humano/api/personal?q=\x00",
    "/certificados/gestion/?q=\x00",
    "/verificar/?codigo=\x00",
    "/admin/pages/search/?q=\x00",
    "/cursos/?q\x00=datos",
]


@pytest.mark.parametrize("url", NUL_GETS)
def test_nul_in_a_query_string_is_a_spanish_400(client, make_user, url):
    client.force_login(make_user(Role.LEARNER))
    response = client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Solicitud no válida" in page
    assert "caracteres que no se pueden procesar" in page


def test_nul_in_a_form_is_refused_and_changes_nothing(client, make_user):
    user = make_user(Role.LEARNER)
    client.force_login(user)
    response = client.post(reverse("core:set_language"), {"language": "en\x00", "next": "/"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.language != "en"
    response = client.post(
        reverse("knowledge_base:handover_list"), {"profile": "1", "note": "a\x00b"}
    )
    assert response.status_code == 400


def test_nul_in_the_path_is_a_400(client):
    assert client.get("/cursos/da%00tos/").status_code == 400


def test_clean_input_passes(client, make_user):
    client.force_login(make_user(Role.LEARNER))
    assert client.get("/cursos/?q=datos").status_code == 200


@pytest.mark.parametrize("number", [2**63, 2**64, 10**30])
def test_url_integers_beyond_the_database_are_a_404(client, make_user, number):
    client.force_login(make_user(Role.LEARNER, Role.TRAINER))
    assert client.get(f"/cursos/informes/{number}/").status_code == 404
    assert client.get(f"/conocimiento/traspasos/{number}/").status_code == 404
    assert client.post(f"/cursos/lecciones/{number}/completar/").status_code == 404


def test_the_largest_database_integer_is_just_not_found(client, make_user):
    client.force_login(make_user(Role.LEARNER))
    assert client.get(f"/conocimiento/traspasos/{MAX_DB_INTEGER}/").status_code == 404


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("0", None),
        ("-3", None),
        ("abc", None),
        ("", None),
        (None, None),
        ("²", None),
        ("١٢", None),
        (str(MAX_DB_INTEGER), MAX_DB_INTEGER),
        (str(MAX_DB_INTEGER + 1), None),
        ("9" * 40, None),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


def test_search_words_drop_backend_syntax():
    assert search_words('"Datos" AND (abiertos)* -x:y') == "datos and abiertos x y"


class _ChooseUser(ChoiceIdsGuard, forms.Form):
    person = forms.ModelChoiceField(queryset=get_user_model().objects.all(), required=False)
    people = forms.ModelMultipleChoiceField(queryset=get_user_model().objects.all(), required=False)


@pytest.mark.parametrize("value", ["abc", str(2**63), "-1", "'", "1e309", "0"])
def test_an_unusable_chosen_id_is_an_invalid_choice_not_a_server_error(value):
    """SQLite raised OverflowError on 2**63 and Wagtail's choosers ValueError on 'abc'."""
    form = _ChooseUser(QueryDict(f"person={value}&people={value}"))
    assert not form.is_valid()
    assert form.errors["person"] == [
        "Escoja una opción válida. Esa opción no está entre las disponibles."
    ]
    assert "people" in form.errors
    assert form.data["person"] == ""  # re-rendered empty, not looked up


def test_a_real_chosen_id_still_works(make_user):
    user = make_user()
    form = _ChooseUser({"person": str(user.pk), "people": [str(user.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["person"] == user
    assert list(form.cleaned_data["people"]) == [user]


def test_a_foreign_key_of_a_model_form_is_guarded_too():
    """A ForeignKey's form field names its target field ("id"): still an integer key."""
    from people.models import Requirement

    class RequirementForm(ChoiceIdsGuard, forms.ModelForm):
        class Meta:
            model = Requirement
            fields = ["unit"]

    form = RequirementForm(QueryDict(f"unit={2**63}"))
    assert not form.is_valid() and "unit" in form.errors


def test_a_queryset_set_after_init_is_guarded(make_user):
    """Most project forms set their querysets after super().__init__() (queryset=None first)."""

    class LateQueryset(ChoiceIdsGuard, forms.Form):
        person = forms.ModelChoiceField(queryset=None)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["person"].queryset = get_user_model().objects.all()

    assert "person" in LateQueryset(QueryDict("person=abc")).errors
    user = make_user()
    assert LateQueryset(QueryDict(f"person={user.pk}")).is_valid()
