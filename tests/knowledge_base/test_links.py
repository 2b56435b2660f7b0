import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import ReferenceIndex

from core.roles import Role
from knowledge_base.models import ArticleAttachment
from knowledge_base.selectors import related_systems_for_course
from tests.factories import LessonPageFactory

from .factories import make_article, make_profile, make_system

pytestmark = pytest.mark.django_db


def _lesson_linking(course, article):
    lesson = LessonPageFactory(
        parent=course,
        title="Lección enlazada",
        body=[
            (
                "rich_text",
                f'<p>Vea <a linktype="page" id="{article.pk}">el procedimiento</a>.</p>',
            )
        ],
    )
    lesson.save_revision().publish()
    ReferenceIndex.create_or_update_for_object(lesson)
    return lesson


def test_article_change_tells_course_owners(course_factory, django_capture_on_commit_callbacks):
    trainer = make_profile(Role.TRAINER)
    article = make_article(title="Alta en el BSG", body="Versión 1")
    course = course_factory(owners=[trainer.user])
    _lesson_linking(course, article)
    article.body = "Versión 2 con otro paso"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert [m.to for m in mail.outbox] == [[trainer.user.email]]
    assert "Alta en el BSG" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()  # nothing changed: no e-mail
    assert len(mail.outbox) == 1


def test_article_shows_courses_teaching_its_systems(client, course_factory, custodian):
    course = course_factory(title="Interoperabilidad con el BSG")
    system = make_system(courses=[course])
    article = make_article(systems=[system])
    client.force_login(custodian.user)
    assert "Interoperabilidad con el BSG" in client.get(article.url).content.decode()
    assert related_systems_for_course(course) == [
        {"title": system.title, "url": system.url, "kind": "sistema"}
    ]


def test_compare_view_shows_markdown_diff(client, custodian):
    admin = make_profile(Role.ADMIN, is_superuser=True)
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=admin.user, type=Authenticator.Type.TOTP, data={})
    article = make_article(body="## Pasos\n\nReinicie el servicio.")
    first = article.live_revision
    article.body = "## Pasos\n\nReinicie el servidor de aplicaciones."
    second = article.save_revision()
    client.force_login(admin.user)
    response = client.get(f"/admin/pages/{article.pk}/revisions/compare/{first.pk}...{second.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "servidor de aplicaciones" in html and "deletion" in html and "addition" in html
    revert = client.get(f"/admin/pages/{article.pk}/revisions/{first.pk}/revert/")
    assert revert.status_code == 200


def _document(name, content=b"x"):
    document = Document(title=name)
    document.file.save(name, ContentFile(content), save=False)
    document.file_size = len(content)
    document.save()
    return document


def test_attachments_refuse_disallowed_type_and_oversized(settings):
    settings.KNOWLEDGE_BASE_ATTACHMENT_MAX_BYTES = 10
    article = make_article()
    with pytest.raises(ValidationError) as exc:
        ArticleAttachment(article=article, document=_document("script.exe")).full_clean()
    assert "No se pueden adjuntar archivos de tipo «exe»" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        ArticleAttachment(
            article=article, document=_document("grande.pdf", b"x" * 100)
        ).full_clean()
    assert "demasiado grande" in str(exc.value)
    ArticleAttachment(article=article, document=_document("ok.pdf", b"x")).full_clean()
