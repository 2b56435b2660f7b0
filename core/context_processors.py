from django.conf import settings

from .navigation import header_links


def site_shell(request) -> dict:
    return {
        "nav_links": header_links(request),
        "institution_name": settings.RELEVO_INSTITUTION_NAME,
        "available_languages": settings.LANGUAGES,
    }
