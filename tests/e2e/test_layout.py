"""At 360 px (a phone), pages scroll only vertically: wide tables scroll inside a labelled,
focusable region; a knowledge-base article reads in the wide column."""

import os

import pytest

from assessments.models import Quiz
from knowledge_base.models import ArticlePage

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("RELEVO_SCREENSHOTS", "")

OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > width + 1
                  && !el.closest(".table-wrap, .visually-hidden, pre"))
    .slice(0, 5)
    .map(el => el.tagName + "." + el.className + " " + Math.round(el.getBoundingClientRect().right));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def _check(page, url, assert_accessible, name):
    page.goto(url)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)
    result = page.evaluate(OVERFLOW_JS)
    assert result["scroll"] <= result["width"], (url, result)
    for wrap in page.locator(".table-wrap").all():
        assert wrap.get_attribute("tabindex") == "0"
        assert wrap.get_attribute("role") == "region"
        assert wrap.get_attribute("aria-label")
    assert_accessible(page)


def test_no_sideways_scrolling_at_360_px(browser, live_server, demo_site, login, assert_accessible):
    context = browser.new_context(locale="es-EC", viewport={"width": 360, "height": 740})
    page = context.new_page()
    base = live_server.url
    login(page, live_server, "talento@relevo.demo")
    _check(page, f"{base}/talento-humano/", assert_accessible, "hr-dashboard")
    _check(page, f"{base}/conocimiento/buscar/?q=respaldo", assert_accessible, "kb-search")
    article = ArticlePage.objects.live().order_by("pk").first()
    _check(page, base + article.url, assert_accessible, "kb-article")
    page.context.clear_cookies()
    login(page, live_server, "funcionario@relevo.demo")
    _check(page, f"{base}/mis-certificados/", assert_accessible, "my-certificates")
    quiz = Quiz.objects.order_by("pk").first()
    _check(page, f"{base}/evaluaciones/{quiz.pk}/intentos/", assert_accessible, "attempts")
    context.close()


def test_article_text_gets_the_wide_column(page, live_server, demo_site, login):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, "funcionario@relevo.demo")
    article = ArticlePage.objects.live().order_by("pk").first()
    page.goto(live_server.url + article.url)
    text = page.locator(".kb-article > div").first.bounding_box()
    aside = page.locator(".kb-article > aside").first.bounding_box()
    assert text["width"] > 2 * aside["width"]
    assert text["x"] < aside["x"]


LONG_EMAIL = "maria.fernanda.de.los.angeles.villavicencio.ortiz@direccion-de-talento-humano.gob.ec"


def test_long_e_mails_code_and_the_phone_menu_at_360_px(
    browser, live_server, demo_site, login, assert_accessible
):
    from people.models import OrgUnit
    from tests.factories import StaffFactory

    person = StaffFactory(
        unit=OrgUnit.objects.order_by("depth", "pk").first(), user__email=LONG_EMAIL
    )
    context = browser.new_context(locale="es-EC", viewport={"width": 360, "height": 740})
    page = context.new_page()
    base = live_server.url
    login(page, live_server, "talento@relevo.demo")
    _check(page, f"{base}/talento-humano/personal/{person.pk}/", assert_accessible, "hr-person")
    _check(
        page,
        f"{base}/conocimiento/bus-servicios-gubernamentales/",
        assert_accessible,
        "kb-system",
    )
    for pre in page.locator(".prose pre").all():
        assert pre.get_attribute("tabindex") == "0"
    # The phone menu: Escape closes it and says so.
    toggle = page.locator(".nav-toggle")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#site-nav.is-open").count()
    context.close()
