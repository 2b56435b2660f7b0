"""A small fixed-window rate limit on the cache, for the public verification pages.

When the cache is down the limit fails open (and says so in the log): verification must keep
working through a Redis outage, as DESIGN.md asks.
"""

import structlog
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = structlog.get_logger(__name__)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def limit_exceeded(request, *, scope: str) -> bool:
    limit = getattr(settings, "CERTIFICATE_VERIFY_RATE_LIMIT_PER_MINUTE", 30)
    window = int(timezone.now().timestamp() // 60)
    key = f"certificates:rl:{scope}:{client_ip(request)}:{window}"
    try:
        cache.add(key, 0, timeout=120)
        count = cache.incr(key)
    except Exception as exc:  # cache unavailable: fail open
        logger.warning("certificate_rate_limit_unavailable", error=str(exc))
        return False
    return count > limit
