"""Browser test of the knowledge base: write, approve, find without accents, hand over.

Sign-in is done by
putting a Django session cookie in the browser (HR needs MFA, which a browser test cannot type).
People's "mark as leaving" UI is not on main yet: the test records the status change and calls
the receiver that people.hooks.staff_status_changed triggers."""

import pytest
from django.conf import settings
from django.test import Client

from core.roles import Role
from knowledge_base import receivers
from knowledge_base.models import ArticlePage, Handover, KnowledgeIndexPage
from people.models import StaffProfile
from tests.knowledge_base.factories import make_profile, make_system

# tests/e2e/conftest.py: shared browser, committed data restored after each test.
pytestmark = pytest.mark.e2e


def _page_for(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="es-EC")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    return page


def _risk_row(page, live_server, title):
    page.goto(f"{live_server.url}/conocimiento/riesgo/")
    return page.locator(f'tr[data-kb-system="{title}"]')


def test_write_approve_find_and_hand_over(browser, live_server):
    from allauth.mfa.models import Authenticator

    index = KnowledgeIndexPage.objects.get()
    custodian = make_profile(Role.LEARNER, Role.CUSTODIAN, first_name="Andrés", last_name="Paredes")
    backup = make_profile(Role.LEARNER)
    successor = make_profile(Role.LEARNER, Role.CUSTODIAN, first_name="Sofía", last_name="Naranjo")
    hr = make_profile(Role.LEARNER, Role.HR, first_name="Gabriela", last_name="Mora")
    Authenticator.objects.create(user=hr.user, type=Authenticator.Type.TOTP, data={})
    system = make_system(
        title="Bus de Servicios Gubernamentales", owners=[custodian], backups=[backup]
    )

    # 1. The IT custodian writes an article in Markdown in the Wagtail editor and submits it.
    page = _page_for(browser, live_server, custodian.user)
    page.goto(f"{live_server.url}/admin/pages/add/knowledge_base/articlepage/{index.pk}/")
    page.fill("#id_title", "Renovación del certificado del bus")
    page.evaluate(
        """() => { document.querySelector('#id_slug').value = 'renovacion-certificado-bus'; }"""
    )
    page.wait_for_selector(".CodeMirror")
    page.evaluate(
        """() => document.querySelector('textarea[name="body"]').codemirror.setValue(
            '## Configuración\\n\\nLa configuración del certificado cliente se renueva cada año.\\n\\n'
            + '```bash\\nopenssl x509 -enddate -noout -in cliente.pem\\n```')"""
    )
    page.evaluate("""() => document.querySelector('button[name="action-submit"]').click()""")
    page.wait_for_load_state()
    page.wait_for_timeout(1500)
    article = ArticlePage.objects.get(title="Renovación del certificado del bus")
    assert not article.live and article.current_workflow_state is not None

    # 2. A system owner (the backup here) approves it: Wagtail's workflow publishes it.
    task_state = article.current_workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, backup.user, "approve", comment="Correcto")
    article.refresh_from_db()
    assert article.live
    article.content_owner = custodian
    article.systems.add(system)
    article.save_revision().publish(skip_permission_checks=True)

    # 3. The custodian finds it by searching a word without its accent.
    page.goto(f"{live_server.url}/conocimiento/buscar/?q=configuracion")
    result = page.locator("ol.kb-results li a", has_text="Renovación del certificado del bus")
    assert result.count() == 1
    assert page.locator("ol.kb-results mark").first.inner_text().lower().startswith("configuraci")

    # 4. HR marks the owner as leaving (people's UI is not merged: record it and signal it).
    hr_page = _page_for(browser, live_server, hr.user)
    row = _risk_row(hr_page, live_server, system.title)
    assert row.locator('[data-kb="bus-factor"]').inner_text() == "2"  # owner (and author), backup
    StaffProfile.objects.filter(pk=custodian.pk).update(status=StaffProfile.Status.LEAVING)
    custodian.refresh_from_db()
    receivers.staff_status_changed(
        sender=StaffProfile, profile=custodian, old_status="active", new_status="leaving"
    )
    handover = Handover.objects.get(profile=custodian)
    row = _risk_row(hr_page, live_server, system.title)
    assert row.locator('[data-kb="bus-factor"]').inner_text() == "1"
    assert "En riesgo" in row.inner_text()

    # 5. HR assigns a successor to every item of the proposed handover.
    hr_page.goto(f"{live_server.url}/conocimiento/traspasos/{handover.pk}/")
    items = list(handover.items.values_list("pk", flat=True))
    assert len(items) == 2  # the system (owner) and the article (owner)
    for item_id in items:
        form = hr_page.locator(f'tr[data-kb-item="{item_id}"] form')
        form.locator("select").select_option(str(successor.pk))
        form.locator("button").click()
        hr_page.wait_for_load_state()

    # 6. The successor accepts each item; ownership moves.
    successor_page = _page_for(browser, live_server, successor.user)
    for _ in items:
        successor_page.goto(f"{live_server.url}/conocimiento/traspasos/")
        successor_page.locator("li[data-kb-item] button").first.click()
        successor_page.wait_for_load_state()
    handover.refresh_from_db()
    assert handover.status == Handover.Status.COMPLETED

    # 7. The risk page shows the system covered again.
    row = _risk_row(hr_page, live_server, system.title)
    assert row.locator('[data-kb="bus-factor"]').inner_text() == "2"
    assert "Cubierto" in row.inner_text()
    assert "Sofía Naranjo" in row.inner_text()
