"""Certificate issuance has its own Celery queue (exam days: its own worker and concurrency)."""

from config.celery import app, certificates_queue


def _queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_certificate_tasks_are_routed_to_the_certificates_queue(settings):
    default = app.conf.task_default_queue
    for task in (
        "certificates.tasks.issue_certificate",
        "certificates.tasks.regenerate_course_certificates",
        "certificates.tasks.regenerate_certificate_chunk",
    ):
        assert _queue_of(task) == certificates_queue(default)
    assert _queue_of("core.tasks.outbox_sweep") == default
    assert _queue_of("assessments.tasks.attempts_expire_overdue") == default


def test_the_queue_name_follows_the_default_queue():
    assert certificates_queue("celery") == "certificates"
    # A test worker (tests/integration) or a deployment with its own default queue name.
    assert certificates_queue("relevo-test-gw0-1a2b") == "relevo-test-gw0-1a2b-certificates"


def test_the_stack_worker_consumes_both_queues():
    from bench.stack import _worker_queues

    for default in ("celery", "relevo-test-gw1-0c0c"):
        assert _worker_queues(default).split(",") == [default, certificates_queue(default)]
