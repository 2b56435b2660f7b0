"""HR's ReminderLog rows move into core's NotificationLog with the keys the code now uses
(people.reminders.reminder_key), marked sent: nothing already sent is sent again."""

from django.db import migrations


def key_of(row) -> str:
    return f"people.{row.kind}:{row.user_id}:{row.requirement_id or '-'}:{row.bucket.isoformat()}"


def forwards(apps, schema_editor):
    ReminderLog = apps.get_model("people", "ReminderLog")
    NotificationLog = apps.get_model("core", "NotificationLog")
    batch = []
    for row in ReminderLog.objects.order_by("pk").iterator(2000):
        batch.append(
            NotificationLog(
                key=key_of(row),
                kind=f"people.{row.kind}",
                recipient_id=row.user_id,
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
    ReminderLog = apps.get_model("people", "ReminderLog")
    NotificationLog = apps.get_model("core", "NotificationLog")
    rows = NotificationLog.objects.filter(kind__startswith="people.", sent_at__isnull=False)
    for row in rows.exclude(kind="people.team").iterator(2000):
        _prefix, user_id, requirement_id, bucket = row.key.split(":")
        ReminderLog.objects.get_or_create(
            user_id=int(user_id),
            requirement_id=None if requirement_id == "-" else int(requirement_id),
            kind=row.kind.removeprefix("people."),
            bucket=bucket,
            defaults={"sent_at": row.sent_at},
        )
    NotificationLog.objects.filter(kind__startswith="people.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_role_permissions"),
        ("core", "0004_notification_log"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="ReminderLog"),
    ]
