from django.db import migrations, models

BATCH = 500


def backfill_body_text(apps, schema_editor):
    # The current markdown_to_text on purpose: the stored text must match what saving the page
    # computes from now on.
    from knowledge_base.markdown import markdown_to_text

    ArticlePage = apps.get_model("knowledge_base", "ArticlePage")
    batch = []
    for article in ArticlePage.objects.only("pk", "body").iterator(chunk_size=BATCH):
        article.body_text = markdown_to_text(article.body)
        batch.append(article)
        if len(batch) >= BATCH:
            ArticlePage.objects.bulk_update(batch, ["body_text"])
            batch = []
    if batch:
        ArticlePage.objects.bulk_update(batch, ["body_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge_base", "0003_spanish_unaccent_search_config"),
    ]

    operations = [
        migrations.AddField(
            model_name="articlepage",
            name="body_text",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="body as plain text"
            ),
        ),
        migrations.RunPython(backfill_body_text, migrations.RunPython.noop, elidable=True),
    ]
