import io

import pytest
from django.core.management import call_command

from knowledge_base.models import ArticlePage, SystemPage
from knowledge_base.selectors import knowledge_map

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_tells_the_risk_story(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    counts = (SystemPage.objects.count(), ArticlePage.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (SystemPage.objects.count(), ArticlePage.objects.count()) == counts
    assert counts[0] == 6 and counts[1] >= 20
    assert ArticlePage.objects.live().filter(review_due_on__isnull=False).count() == counts[1]
    stale = [a for a in ArticlePage.objects.all() if a.is_stale]
    assert 3 <= len(stale) < counts[1]
    rows = {row.title: row for row in knowledge_map().rows}
    apostille = rows["Apostilla virtual"]
    assert apostille.at_risk and apostille.bus_factor == 1
    assert next(r.title for r in knowledge_map().rows) == "Apostilla virtual"
    assert SystemPage.objects.filter(owners__user__email="custodio@relevo.demo").count() >= 2
    assert all(len(a.rendered.toc) >= 2 for a in ArticlePage.objects.all())
