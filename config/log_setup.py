"""Structured logs (structlog through the standard library): the LOGGING dictionary and
structlog's own configuration. Settings read the environment and call these."""

import structlog

_SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.TimeStamper(fmt="iso"),
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
]


def logging_settings(*, json: bool, level: str, request_level: str, debug: bool) -> dict:
    """Django's LOGGING: every record (ours and libraries') as JSON lines or readable text."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    # Libraries' records (Celery's) carry exc_info: a traceback string in
                    # JSON, not the repr of a traceback object.
                    *([structlog.processors.format_exc_info] if json else []),
                    structlog.processors.JSONRenderer()
                    if json
                    else structlog.dev.ConsoleRenderer(colors=False),
                ],
                "foreign_pre_chain": _SHARED_PROCESSORS,
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "django_structlog": {"level": request_level},
            # Wagtail's background-task runner logs every task at INFO: noise, not information.
            "django_tasks": {"level": "WARNING"},
            "wagtail": {"level": "WARNING" if debug else "INFO"},
        },
    }


def structlog_configure() -> None:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
