"""The one Celery app: configured from Django settings (CELERY_*), tasks discovered per app.

Logging: Celery would replace the root logger's handlers with its own formatter, which prints
structlog's event dicts as Python reprs. Receiving `setup_logging` tells Celery not to touch
logging; Django's LOGGING (config.log_setup: JSON lines with LOG_JSON=1) then applies to the
worker and beat like to the web process, and django-structlog's worker step binds each task's
id (`task_id`) and the request id of the request that sent it (`request_id`) to its records.
"""

import logging.config
import os

from celery import Celery
from celery.signals import setup_logging
from django.conf import settings
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

# Certificate rendering and signing (about 0.14 CPU-s each) has its own queue, so that on exam
# day a separate worker with its own concurrency drains it and it never takes the CPU the web
# tier needs (docs/deployment.md, "Exam days"). Its name follows the default queue's: the
# default "celery" gives "certificates"; a deployment (or a test worker) that names its default
# queue X gets "X-certificates". Read at each send, so a changed default queue is followed.
CERTIFICATES_QUEUE = "certificates"


def certificates_queue(default_queue: str) -> str:
    return CERTIFICATES_QUEUE if default_queue == "celery" else f"{default_queue}-certificates"


def route_task(name, args, kwargs, options, task=None, **_kw):
    """CELERY_TASK_ROUTES: the certificates app's tasks go to the certificates queue."""
    if name.startswith("certificates."):
        return {"queue": certificates_queue(app.conf.task_default_queue)}
    return None


app = Celery("relevo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect(weak=False)
def _django_logging(**kwargs) -> None:
    logging.config.dictConfig(settings.LOGGING)
