"""Every task the outbox may send by name is registered in a web process (eager mode runs it
there; a worker imports every tasks module, a web process only what the apps import)."""

import json
import subprocess
import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def test_every_apps_tasks_are_registered_in_a_fresh_web_process():
    script = (
        "import django, json; django.setup(); from celery import current_app; "
        "print(json.dumps(sorted(current_app.tasks)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    registered = set(json.loads(out.strip().splitlines()[-1]))
    expected = set()
    for app in apps.get_app_configs():
        if (Path(app.path) / "tasks.py").exists() and app.path.startswith(str(ROOT)):
            module = __import__(f"{app.name}.tasks", fromlist=["*"])
            expected |= {
                task.name
                for task in vars(module).values()
                if getattr(task, "name", "").startswith(f"{app.name}.tasks.")
            }
    assert expected, "no project tasks found"
    assert expected <= registered, sorted(expected - registered)
