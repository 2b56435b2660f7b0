import io
from urllib.parse import unquote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from core.mail import ShortConsoleEmailBackend


def test_demo_console_prints_headers_a_short_body_and_attachment_names():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        subject="Su certificado",
        body="Hola María. " + "x" * 5000,
        from_email="Relevo <no-responder@relevo.local>",
        to=["funcionario@relevo.demo"],
    )
    message.attach_alternative("<p>Hola</p>", "text/html")
    message.attach("certificado.pdf", b"%PDF-1.7" + b"\0" * 200_000, "application/pdf")
    ShortConsoleEmailBackend(stream=stream).send_messages([message])
    out = stream.getvalue()
    assert "Subject: Su certificado" in out
    assert "To: funcionario@relevo.demo" in out
    assert "Hola María." in out
    assert "certificado.pdf (application/pdf, 200008 bytes)" in out
    assert "base64" not in out and "JVBER" not in out
    assert len(out) < 1500


def test_gravatar_is_off():
    from wagtail.users.utils import get_gravatar_url

    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert get_gravatar_url("talento@relevo.demo") is None


def test_admin_avatars_are_initials_drawn_locally(db):
    from wagtail.admin.templatetags.wagtailadmin_tags import avatar_url

    from tests.core.factories import UserFactory

    user = UserFactory(first_name="Gabriela", last_name="Mora", email="talento@relevo.demo")
    url = avatar_url(user, size=25)
    assert url.startswith("data:image/svg+xml")
    assert ">GM<" in unquote(url)
    assert "gravatar" not in url


def test_system_actions_without_a_user_get_the_local_default_avatar(client, make_user, settings):
    """Page history and the site history list actions without a user; the initials hook
    creating a profile for None answered 500 there."""
    from wagtail.admin.templatetags.wagtailadmin_tags import avatar_url

    from core.roles import Role
    from tests.factories import make_course

    assert "gravatar" not in avatar_url(None, size=25)
    settings.MFA_REQUIRED_FOR_ROLES = []
    admin = make_user(Role.ADMIN, is_staff=True, is_superuser=True)
    course = make_course(title="Curso sin autor", lessons=0, revision=True)
    client.force_login(admin)
    assert client.get(f"/admin/pages/{course.pk}/history/").status_code == 200
    assert client.get("/admin/reports/site-history/").status_code == 200
