from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verificar/", views.verify_form, name="verify_form"),
    path("verificar/documento/", views.verify_document, name="verify_document"),
    path("verificar/emisor/", views.issuer_profile, name="issuer"),
    path("verificar/emisor/claves/", views.issuer_keys, name="issuer_keys"),
    path(
        "verificar/emisor/logros/<slug:kind>/<int:object_id>/",
        views.achievement,
        name="achievement",
    ),
    path(
        "verificar/emisor/logros/<int:course_id>/",
        views.achievement_legacy,
        name="achievement_legacy",
    ),
    path("verificar/estado/<int:number>/", views.status_list, name="status_list"),
    path("verificar/<str:code>/", views.verify, name="verify"),
    path("mis-certificados/", views.my_certificates, name="mine"),
    path("mis-certificados/<str:code>/pdf/", views.my_certificate_pdf, name="my_pdf"),
    path(
        "mis-certificados/<str:code>/credencial/",
        views.my_certificate_credential,
        name="my_credential",
    ),
    path("certificados/gestion/", views.manage_list, name="manage"),
    path("certificados/gestion/regenerar/", views.manage_regenerate, name="manage_regenerate"),
    path(
        "certificados/gestion/regenerar/<int:pk>/",
        views.manage_regeneration,
        name="manage_regeneration",
    ),
    path("certificados/gestion/<str:code>/", views.manage_detail, name="manage_detail"),
    path("certificados/gestion/<str:code>/revocar/", views.manage_revoke, name="manage_revoke"),
    path("certificados/gestion/<str:code>/reemitir/", views.manage_reissue, name="manage_reissue"),
    path("certificados/gestion/<str:code>/pdf/", views.manage_pdf, name="manage_pdf"),
]
