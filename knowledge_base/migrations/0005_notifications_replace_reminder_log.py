"""The knowledge base's ReminderLog rows move into core's NotificationLog with the keys the
code now uses (`kb.<kind>:<object>:<recipient>:<period>`, knowledge_base.services._notify),
marked sent: nothing already sent is sent again."""

from django.db import migrations


def forwards(apps, schema_editor):
    ReminderLog = apps.get_model("knowledge_base", "ReminderLog")
    NotificationLog = apps.get_model("core", "NotificationLog")
    batch = []
    for row in ReminderLog.objects.order_by("pk").iterator(2000):
        kind = f"kb.{row.kind}"
        batch.append(
            NotificationLog(
                key=f"{kind}:{row.object_key}:{row.recipient_id}:{row.period}",
                kind=kind,
                recipient_id=row.recipient_id,
                digest=row.kind in {"review", "handover_item"},
                created_at=row.sent_at,
                next_attempt_at=row.sent_at,
                sent_at=row.sent_at,
                attempts=1,
            )
        )
        if len(batch) >= 2000:
            NotificationLog.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    NotificationLog.objects.bulk_create(batch, ignore_conflicts=True)


def backwards(apps, schema_editor):
    ReminderLog = apps.get_model("knowledge_base", "ReminderLog")
    NotificationLog = apps.get_model("core", "NotificationLog")
    rows = NotificationLog.objects.filter(kind__startswith="kb.", sent_at__isnull=False)
    for row in rows.iterator(2000):
        kind = row.kind.removeprefix("kb.")
        rest = row.key.removeprefix(f"{row.kind}:")
        object_key, recipient_id, period = rest.rsplit(":", 2)
        ReminderLog.objects.get_or_create(
            kind=kind,
            object_key=object_key,
            recipient_id=int(recipient_id),
            period=period,
            defaults={"sent_at": row.sent_at},
        )
    NotificationLog.objects.filter(kind__startswith="kb.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge_base", "0004_article_body_text"),
        ("core", "0004_notification_log"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="ReminderLog"),
    ]
