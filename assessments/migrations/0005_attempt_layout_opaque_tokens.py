"""Give every attempt's choice and matching entries their opaque option tokens.

Before, the attempt page sent the options' internal keys (choice ids in writing order, the
index of each matching option), which gave the answer away. Open attempts get fresh random
tokens; the page they reload shows those, and what was already saved (internal keys) stays.
"""

import secrets

from django.db import migrations


def _tokens(count):
    tokens = []
    while len(tokens) < count:
        token = secrets.token_urlsafe(6)
        if token not in tokens:
            tokens.append(token)
    return tokens


def _rewrite_layouts(apps, change) -> None:
    """Apply `change(entry) -> bool` to every layout entry; save the attempts it changed."""
    Attempt = apps.get_model("assessments", "Attempt")
    batch = []
    for attempt in Attempt.objects.only("pk", "layout").iterator(chunk_size=500):
        if any([change(entry) for entry in attempt.layout or []]):
            batch.append(attempt)
        if len(batch) >= 500:
            Attempt.objects.bulk_update(batch, ["layout"])
            batch = []
    if batch:
        Attempt.objects.bulk_update(batch, ["layout"])


def _add(entry) -> bool:
    if entry.get("order") and not entry.get("tokens"):
        entry["tokens"] = _tokens(len(entry["order"]))
        return True
    return False


def add_tokens(apps, schema_editor):
    _rewrite_layouts(apps, _add)


def remove_tokens(apps, schema_editor):
    _rewrite_layouts(apps, lambda entry: entry.pop("tokens", None) is not None)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_quiz_course_set_null")]

    operations = [migrations.RunPython(add_tokens, remove_tokens, elidable=False)]
