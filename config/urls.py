from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from core import views as core_views

# One door (core.accounts): the other sign-in, password-reset and password-change screens of
# Wagtail and Django admin lead to allauth's, and Wagtail's shared-password forms are limited.
# Listed before the includes that would otherwise serve them.
one_door = [
    path("admin/login/", core_views.login_redirect),
    re_path(r"^admin/password_reset/", core_views.password_reset_redirect),
    path("django-admin/login/", core_views.login_redirect),
    re_path(r"^django-admin/password_change/", core_views.password_change_redirect),
    path("_util/login/", core_views.login_redirect),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        core_views.page_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path(
        "documentos/authenticate_with_password/<int:restriction_id>/",
        core_views.document_password,
        name="wagtaildocs_authenticate_with_password",
    ),
]

urlpatterns = [
    *one_door,
    path("healthz", core_views.healthz, name="healthz"),
    path("cuenta/", include("allauth.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documentos/", include(wagtaildocs_urls)),
    path("", include("core.urls")),
    path("", include("courses.urls")),
    path("", include("assessments.urls")),
    path("", include("certificates.urls")),
    path("", include("people.urls")),
    path("", include("knowledge_base.urls")),
    path("", include("quality.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.BENCHMARK_ENDPOINTS:
    urlpatterns.append(path("", include("bench.urls")))

# Wagtail serves the page tree last: /cursos/, /conocimiento/... are pages.
urlpatterns.append(path("", include(wagtail_urls)))

handler403 = "core.views.permission_denied"
handler429 = "core.views.too_many_requests"
