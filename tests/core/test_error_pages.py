import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from config import urls as site_urls

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("an unexpected failure")


def _forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("prueba-error/", _boom),
    path("prueba-prohibido/", _forbidden),
    *site_urls.urlpatterns,
]
handler403 = site_urls.handler403


@pytest.fixture
def with_failing_views(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


def test_unknown_url_shows_the_spanish_404_page_in_the_site_shell(client):
    response = client.get("/esta-pagina-no-existe/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="es">' in body
    assert "Página no encontrada" in body
    assert 'class="site-header"' in body
    assert 'class="site-footer"' in body
    assert "Traceback" not in body


def test_404_page_in_english(client):
    client.post("/idioma/", {"language": "en"})
    body = client.get("/no-such-page/").content.decode()
    assert '<html lang="en">' in body
    assert "Page not found" in body


def test_unhandled_error_shows_the_friendly_500_page(with_failing_views):
    client = Client(raise_request_exception=False)
    response = client.get("/prueba-error/")
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="es">' in body
    assert "Algo salió mal" in body
    assert "an unexpected failure" not in body
    assert "Traceback" not in body


def test_500_page_in_english(with_failing_views):
    client = Client(raise_request_exception=False)
    client.post("/idioma/", {"language": "en"})
    response = client.get("/prueba-error/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_403_page_explains_and_offers_sign_in(client, with_failing_views):
    response = client.get("/prueba-prohibido/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Acceso denegado" in body
    assert 'class="site-header"' in body
    assert "/cuenta/login/?next=/prueba-prohibido/" in body


def test_403_page_for_a_signed_in_user_has_no_sign_in_button(client, learner, with_failing_views):
    client.force_login(learner)
    body = client.get("/prueba-prohibido/").content.decode()
    assert "Acceso denegado" in body
    assert "/cuenta/login/?next=" not in body
