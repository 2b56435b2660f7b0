"""Restore the migrated data (roles, home page, site) after a transactional test.

Transactional tests (browser tests against the live server, the real Celery worker) commit their
data, so pytest-django flushes every table afterwards, including the rows that migrations
created. Serialized rollback reloads a snapshot taken after migrating; these helpers make that
reload reliable here:

- Playwright's sync API runs the tests in a greenlet with its own context, where Django's
  context-local `connections` are new objects without the snapshot: `remember()` keeps it and
  `attach()` puts it back.
- Wagtail's `Page.__init__` looks up its content type while the snapshot is loading, before the
  content types themselves are back: `prepare_restore()` empties the tables and serves content
  types from the snapshot's ids, so no row with another id is created.

Fixtures in tests/e2e/conftest.py and tests/integration/conftest.py use them.
"""

import json

from django.core.management import call_command
from django.db import connections

_snapshot: dict[str, str] = {}
_content_types: list[dict] = []


def remember() -> None:
    """Keep the snapshot pytest-django took (call once the test databases exist)."""
    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None and alias not in _snapshot:
            _snapshot[alias] = contents
            _content_types.extend(
                {"using": alias, "pk": obj["pk"], **obj["fields"]}
                for obj in json.loads(contents)
                if obj["model"] == "contenttypes.contenttype"
            )


def attach() -> None:
    """Give the current context's connections the snapshot (so flushes skip post_migrate)."""
    for alias, contents in _snapshot.items():
        if not hasattr(connections[alias], "_test_serialized_contents"):
            connections[alias]._test_serialized_contents = contents


def prepare_restore(django_db_blocker) -> None:
    """Empty the tables and warm the content-type cache before the snapshot is loaded."""
    from django.contrib.contenttypes.models import ContentType

    attach()
    with django_db_blocker.unblock():
        # Whatever the previous test left: another transactional test may have flushed and
        # re-run post_migrate, creating rows with other ids than the snapshot's.
        for alias in _snapshot:
            call_command(
                "flush", database=alias, interactive=False, inhibit_post_migrate=True, verbosity=0
            )
    ContentType.objects.clear_cache()
    for ct in _content_types:
        ContentType.objects._add_to_cache(
            ct["using"], ContentType(pk=ct["pk"], app_label=ct["app_label"], model=ct["model"])
        )


def reset_sequences() -> None:
    """After the restore: the flush before it restarted PostgreSQL's sequences while the
    snapshot's rows keep their ids; move the sequences past them, or the next page or group
    created would collide (SQLite needs nothing: it uses the largest id)."""
    from django.apps import apps
    from django.core.management.color import no_style

    for alias in _snapshot:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        statements = connection.ops.sequence_reset_sql(
            no_style(), apps.get_models(include_auto_created=True)
        )
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def take() -> dict[str, str]:
    """The current contents of every test database (a seeded demo, say), for `load()`."""
    return {alias: connections[alias].creation.serialize_db_to_string() for alias in _snapshot}


def load(contents: dict[str, str], django_db_blocker) -> None:
    """Replace the databases' contents by what `take()` returned (in a transactional test),
    the way serialized rollback reloads the migrated state."""
    from django.db.models.signals import m2m_changed

    prepare_restore(django_db_blocker)
    # Saving the many-to-many rows sends m2m_changed without a `raw` flag: receivers (the
    # audit of role changes) would write rows that the snapshot already holds.
    receivers = m2m_changed.receivers
    m2m_changed.receivers = []
    m2m_changed.sender_receivers_cache.clear()
    try:
        with django_db_blocker.unblock():
            for alias, data in contents.items():
                connections[alias].creation.deserialize_db_from_string(data)
    finally:
        m2m_changed.receivers = receivers
        m2m_changed.sender_receivers_cache.clear()
    reset_sequences()
