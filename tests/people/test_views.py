from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from core.roles import Role
from courses.models import Enrolment
from people.models import OrgUnit, Requirement, StaffImport, StaffProfile
from tests.people.conftest import with_mfa
from tests.people.factories import StaffFactory, complete, make_course, make_requirement, scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoped_client(client, hr_user, tree):
    scope(hr_user, tree["dir-a"])
    client.force_login(hr_user)
    return client


@pytest.fixture
def people(tree):
    return {
        "inside": StaffFactory(unit=tree["unit-a1"], employee_id="1711111111"),
        "outside": StaffFactory(unit=tree["dir-b"], employee_id="1722222222"),
    }


def body(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_learner_is_refused_everywhere(client, make_user, tree, people):
    client.force_login(make_user(Role.LEARNER))
    for url in [
        "/talento-humano/",
        "/talento-humano/personal/",
        f"/talento-humano/personal/{people['inside'].pk}/",
        "/talento-humano/unidades/",
        "/talento-humano/importar/",
        "/talento-humano/requisitos/",
        "/talento-humano/exportar/cumplimiento.csv",
        "/talento-humano/exportar/historial.csv",
        "/talento-humano/exportar/datos-abiertos.csv",
        "/talento-humano/importar/plantilla.csv",
    ]:
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/talento-humano/")
    assert response.status_code == 302 and "/cuenta/" in response.url


def test_scoped_officer_sees_only_their_subtree(scoped_client, people, tree):
    course = make_course()
    make_requirement(course)
    listing = body(scoped_client.get("/talento-humano/personal/"))
    assert people["inside"].employee_id in listing
    assert people["outside"].employee_id not in listing
    assert scoped_client.get(f"/talento-humano/personal/{people['inside'].pk}/").status_code == 200
    # Guessing another unit's person, unit or export: 404 / nothing.
    assert scoped_client.get(f"/talento-humano/personal/{people['outside'].pk}/").status_code == 404
    assert (
        scoped_client.get(f"/talento-humano/personal/{people['outside'].pk}/editar/").status_code
        == 404
    )
    assert (
        scoped_client.get(f"/talento-humano/personal/{people['outside'].pk}/estado/").status_code
        == 404
    )
    assert scoped_client.get("/talento-humano/?unidad=dir-b").status_code == 404
    assert scoped_client.get("/talento-humano/unidades/dir-b/editar/").status_code == 404
    for url in [
        "/talento-humano/exportar/cumplimiento.csv",
        "/talento-humano/exportar/historial.csv",
        f"/talento-humano/exportar/historial.csv?persona={people['outside'].pk}",
        "/talento-humano/exportar/datos-abiertos.csv",
    ]:
        assert people["outside"].employee_id not in body(scoped_client.get(url)), url
    matrix = body(scoped_client.get("/talento-humano/exportar/cumplimiento.csv"))
    assert people["inside"].employee_id in matrix
    assert (
        scoped_client.get("/talento-humano/exportar/cumplimiento.csv?unidad=dir-b").status_code
        == 404
    )
    dashboard = body(scoped_client.get("/talento-humano/"))
    assert "Dirección B" not in dashboard
    assert "Dirección A" in dashboard
    drill = body(scoped_client.get("/talento-humano/?unidad=unit-a1"))
    assert "Dirección A" in drill  # the breadcrumb up to the scope
    import re

    breadcrumb = re.search(r'<nav aria-label="Ruta de navegación".*?</nav>', drill, re.S).group(0)
    assert "Dirección A" in breadcrumb
    assert "Subsecretaría" not in breadcrumb and "?unidad=min" not in breadcrumb, breadcrumb
    assert "Subsecretaría" not in drill


def test_manager_sees_their_reports_only(client, tree, people):
    manager = StaffFactory(unit=tree["dir-a"])
    with_mfa(manager.user)
    report = StaffFactory(unit=tree["unit-a1"], manager=manager)
    client.force_login(manager.user)
    listing = body(client.get("/talento-humano/personal/"))
    assert report.employee_id in listing
    assert people["inside"].employee_id not in listing
    assert client.get(f"/talento-humano/personal/{report.pk}/").status_code == 200
    assert client.get(f"/talento-humano/personal/{people['inside'].pk}/").status_code == 404
    assert client.get(f"/talento-humano/personal/{report.pk}/editar/").status_code == 403
    assert client.get("/talento-humano/unidades/").status_code == 403
    assert client.get("/talento-humano/").status_code == 200


def test_units_pages(hr_client, tree):
    assert "Unidad A1" in body(hr_client.get("/talento-humano/unidades/"))
    response = hr_client.post(
        "/talento-humano/unidades/nueva/",
        {"name": "Unidad de Datos", "code": "datos", "kind": "unit", "parent": tree["dir-b"].pk},
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="datos")
    response = hr_client.post(
        "/talento-humano/unidades/datos/mover/", {"new_parent": tree["dir-a"].pk}
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.get_parent().code == "dir-a"
    response = hr_client.post(
        "/talento-humano/unidades/nueva/",
        {"name": "Otra", "code": "datos", "kind": "unit", "parent": tree["dir-b"].pk},
    )
    assert response.status_code == 200
    assert "Ya existe" in body(response)


def test_staff_create_edit_and_status_pages(hr_client, tree):
    response = hr_client.post(
        "/talento-humano/personal/nuevo/",
        {
            "employee_id": "1755555552",
            "first_name": "Ana",
            "last_name": "Vaca",
            "email": "ana.vaca@cancilleria.gob.ec",
            "unit": tree["dir-a"].pk,
            "position": "Analista",
            "start_date": "2025-01-02",
        },
    )
    assert response.status_code == 302
    profile = StaffProfile.objects.get(employee_id="1755555552")
    response = hr_client.post(
        f"/talento-humano/personal/{profile.pk}/estado/", {"status": "leaving"}
    )
    assert response.status_code == 200
    assert "último día" in body(response)
    response = hr_client.post(
        f"/talento-humano/personal/{profile.pk}/estado/",
        {"status": "left", "end_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.status == "left" and not profile.user.is_active


def test_search_and_filters(hr_client, tree, people):
    text = body(hr_client.get("/talento-humano/personal/?q=1711111111"))
    assert "1711111111" in text and "1722222222" not in text
    text = body(hr_client.get("/talento-humano/personal/?unidad=dir-b"))
    assert "1722222222" in text and "1711111111" not in text


def test_import_flow_preview_then_confirm(hr_client, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = (
        b"cedula;nombres;apellidos;correo;unidad\n"
        b"1700000001;Ana;Vaca;ana@x.ec;dir-a\n1700000019;Luis;Mora;luis@x.ec;nope\n"
    )
    response = hr_client.post(
        "/talento-humano/importar/", {"file": SimpleUploadedFile("p.csv", bad)}
    )
    preview = hr_client.get(response.url)
    assert "nope" in body(preview)
    assert hr_client.post(response.url).status_code == 302
    assert StaffProfile.objects.count() == 0
    good = bad.replace(b"nope", b"dir-b")
    response = hr_client.post(
        "/talento-humano/importar/", {"file": SimpleUploadedFile("p.csv", good)}
    )
    staff_import = StaffImport.objects.latest("pk")
    assert staff_import.status == "previewed"
    assert StaffProfile.objects.count() == 0
    response = hr_client.post(response.url, follow=True)
    assert StaffProfile.objects.count() == 2
    assert "2 creados" in body(response) or "2 created" in body(response)


def test_import_of_someone_elses_upload_is_404(client, hr_client, make_user, tree):
    from people.importing import staff_import_preview

    other = with_mfa(make_user(Role.HR))
    staff_import = staff_import_preview(filename="p.csv", content=b"cedula\n", user=other)
    assert hr_client.get(f"/talento-humano/importar/{staff_import.pk}/").status_code == 404


def test_templates_download(hr_client):
    csv_text = body(hr_client.get("/talento-humano/importar/plantilla.csv"))
    assert csv_text.splitlines()[0].startswith("cedula,nombres,apellidos,correo,unidad")
    response = hr_client.get("/talento-humano/importar/plantilla.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxml")


def test_requirement_page_assigns_the_unit(
    hr_client, tree, people, django_capture_on_commit_callbacks
):
    course = make_course()
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(
            "/talento-humano/requisitos/",
            {
                "course": course.pk,
                "scope": "unit",
                "unit": tree["dir-a"].pk,
                "due_days": 20,
                "active": "on",
            },
        )
    assert response.status_code == 302
    assert Requirement.objects.count() == 1
    assert Enrolment.objects.filter(learner=people["inside"].user).exists()
    assert not Enrolment.objects.filter(learner=people["outside"].user).exists()
    text = body(
        hr_client.get(f"/talento-humano/?unidad=dir-a&requisito={Requirement.objects.get().pk}")
    )
    assert people["inside"].user.last_name in text


def _populate(tree, course, n):
    today = timezone.localdate()
    for i in range(n):
        unit = [tree["dir-a"], tree["unit-a1"], tree["dir-b"], tree["sub"]][i % 4]
        person = StaffFactory(unit=unit)
        if i % 3 == 0:
            complete(person, course, today - relativedelta(months=i % 14))
        elif i % 3 == 1:
            Enrolment.objects.create(
                learner=person.user,
                course=course,
                source="assigned",
                due_date=today + timedelta(days=10 - i),
            )


@pytest.mark.parametrize("size", [4, 40])
def test_dashboard_queries_do_not_grow_with_staff(
    hr_client, tree, size, django_assert_max_num_queries
):
    course = make_course()
    other = make_course("Ética pública")
    make_requirement(course)
    make_requirement(other, unit=tree["dir-a"])
    from people.models import CoverageRule

    CoverageRule.objects.create(unit=tree["dir-a"], course=course, minimum=2)
    _populate(tree, course, size)
    with django_assert_max_num_queries(30):
        assert hr_client.get("/talento-humano/").status_code == 200
    with django_assert_max_num_queries(30):
        assert hr_client.get("/talento-humano/?unidad=sub&estado=overdue").status_code == 200
    with django_assert_max_num_queries(15):
        assert hr_client.get("/talento-humano/personal/").status_code == 200
    with django_assert_max_num_queries(15):
        assert hr_client.get("/talento-humano/unidades/").status_code == 200
    with django_assert_max_num_queries(15):
        response = hr_client.get("/talento-humano/exportar/cumplimiento.csv")
        rows = body(response).splitlines()
    assert (
        len(rows)
        == 1 + size + StaffProfile.objects.filter(unit__path__startswith=tree["dir-a"].path).count()
    )


def test_staff_detail_transcript(hr_client, tree):
    course = make_course()
    make_requirement(course)
    person = StaffFactory(unit=tree["dir-a"])
    complete(person, course, timezone.localdate() - relativedelta(months=1))
    text = body(hr_client.get(f"/talento-humano/personal/{person.pk}/"))
    assert course.title in text
    assert 'data-status="compliant"' in text


def test_nav_item_for_hr_and_managers(client, hr_user, make_user, tree):
    from core.navigation import items_for

    assert "people" in [i.key for i in items_for(hr_user)]
    assert "people" not in [i.key for i in items_for(make_user(Role.LEARNER))]
    manager = StaffFactory(unit=tree["dir-a"])
    StaffFactory(unit=tree["dir-a"], manager=manager)
    assert "people" in [i.key for i in items_for(manager.user)]


def test_scoped_officer_sees_only_requirements_of_their_units(scoped_client, tree):
    inside = make_requirement(make_course("Curso interno"), unit=tree["unit-a1"])
    outside = make_requirement(make_course("Curso ajeno"), unit=tree["dir-b"])
    text = body(scoped_client.get("/talento-humano/requisitos/"))
    assert "<td>Curso interno</td>" in text and "<td>Curso ajeno</td>" not in text
    assert scoped_client.get(f"/talento-humano/requisitos/{outside.pk}/").status_code == 404
    assert scoped_client.get(f"/talento-humano/requisitos/{inside.pk}/").status_code == 200


def test_api_is_scoped_like_the_pages(scoped_client, client, make_user, people, tree):
    course = make_course()
    make_requirement(course)
    data = scoped_client.get("/talento-humano/api/personal").json()
    ids = {row["employee_id"] for row in data["items"]}
    assert ids == {people["inside"].employee_id}
    detail = scoped_client.get(f"/talento-humano/api/personal/{people['inside'].pk}").json()
    assert detail["compliance"][0]["status"] in {"pending", "overdue"}
    assert (
        scoped_client.get(f"/talento-humano/api/personal/{people['outside'].pk}").status_code == 404
    )
    assert scoped_client.get("/talento-humano/api/personal?unidad=dir-b").status_code == 404
    totals = scoped_client.get("/talento-humano/api/cumplimiento").json()
    assert totals[0]["total"] == 1
    client.force_login(make_user(Role.LEARNER))
    assert client.get("/talento-humano/api/personal").status_code == 403
    client.logout()
    assert client.get("/talento-humano/api/personal").status_code == 401


def test_openapi_document_is_served(hr_client):
    response = hr_client.get("/talento-humano/api/openapi.json")
    assert response.status_code == 200
    assert "/talento-humano/api/personal" in response.json()["paths"]


def test_openapi_document_is_only_for_those_who_may_call_the_api(client, make_user):
    assert client.get("/talento-humano/api/openapi.json").status_code == 403
    client.force_login(make_user(Role.LEARNER))
    assert client.get("/talento-humano/api/openapi.json").status_code == 403


@pytest.mark.parametrize(
    "query",
    [f"limit={2**64}", f"offset={2**64}", f"offset={2**63 - 1}", "limit=0", "offset=-1", "limit=x"],
)
def test_api_pagination_out_of_range_is_a_422(hr_client, people, query):
    response = hr_client.get(f"/talento-humano/api/personal?{query}")
    assert response.status_code == 422


def test_api_pagination_within_range(hr_client, people):
    data = hr_client.get("/talento-humano/api/personal?limit=1&offset=1").json()
    assert data["count"] == 2 and len(data["items"]) == 1


@pytest.mark.parametrize("persona", ["abc", str(2**64), "-1", "١"])
def test_transcript_export_with_a_bad_person_is_empty(hr_client, people, persona):
    response = hr_client.get(f"/talento-humano/exportar/historial.csv?persona={persona}")
    assert response.status_code == 200
    text = body(response)
    assert people["inside"].employee_id not in text
