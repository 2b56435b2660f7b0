"""Short answers are now compared as Moodle does (exactly, case aside, first match in order).
Every existing short-answer question and question version keeps the rule it was written and
graded with (accent- and spacing-insensitive, best match), as an explicit option, so that no
past attempt changes score on a regrade. Questions also get Moodle's ID number (GIFT
`// [id:…]`)."""

from django.db import migrations, models


def keep_lenient_matching(apps, schema_editor):
    for name in ("Question", "QuestionVersion"):
        model = apps.get_model("assessments", name)
        for row in model.objects.filter(qtype="short").only("pk", "data").iterator():
            data = dict(row.data or {})
            if not data.get("lenient_matching"):
                data["lenient_matching"] = True
                model.objects.filter(pk=row.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0007_question_category_course_from_quizzes")]

    operations = [
        migrations.AddField(
            model_name="question",
            name="idnumber",
            field=models.CharField(blank=True, max_length=100, verbose_name="ID number"),
        ),
        migrations.RunPython(keep_lenient_matching, migrations.RunPython.noop),
    ]
