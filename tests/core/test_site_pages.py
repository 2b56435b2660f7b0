import pytest
from django.conf import settings

from core.roles import Role

pytestmark = pytest.mark.django_db


def test_accessibility_statement_in_spanish_linked_from_the_footer(client):
    response = client.get("/accesibilidad/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Declaración de accesibilidad" in page
    for text in ("WCAG", "2.1", "AA", "NTE INEN 2854", "Cómo informar de una barrera"):
        assert text in page
    assert "Limitaciones conocidas" in page and "axe-core" in page
    assert 'href="/accesibilidad/"' in client.get("/verificar/").content.decode()


def test_accessibility_statement_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/accesibilidad/").content.decode()
    assert "Accessibility statement" in page and "How to report a barrier" in page


def test_admin_has_a_way_back_to_the_site(client, make_user, settings):
    admin = make_user(Role.ADMIN)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    settings.MFA_REQUIRED_FOR_ROLES = []
    page = client.get("/admin/").content.decode()
    assert "Ir al sitio" in page and '"/inicio/"' in page
