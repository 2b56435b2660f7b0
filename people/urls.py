from django.urls import path

from . import views
from .http_api import api

app_name = "people"

urlpatterns = [
    path("talento-humano/api/", api.urls),
    path("talento-humano/", views.dashboard, name="dashboard"),
    path("talento-humano/unidades/", views.unit_list, name="unit_list"),
    path("talento-humano/unidades/nueva/", views.unit_create, name="unit_create"),
    path("talento-humano/unidades/<slug:code>/editar/", views.unit_edit, name="unit_edit"),
    path("talento-humano/unidades/<slug:code>/mover/", views.unit_move, name="unit_move"),
    path("talento-humano/personal/", views.staff_list, name="staff_list"),
    path("talento-humano/personal/nuevo/", views.staff_create, name="staff_create"),
    path("talento-humano/personal/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("talento-humano/personal/<int:pk>/editar/", views.staff_edit, name="staff_edit"),
    path("talento-humano/personal/<int:pk>/estado/", views.staff_status, name="staff_status"),
    path(
        "talento-humano/personal/<int:pk>/datos-personales/",
        views.personal_data_export,
        name="personal_data_export",
    ),
    path(
        "talento-humano/personal/<int:pk>/anonimizar/",
        views.anonymise,
        name="anonymise",
    ),
    path("talento-humano/sin-unidad/", views.unplaced_list, name="unplaced_list"),
    path(
        "talento-humano/sin-unidad/<int:pk>/ubicar/",
        views.unplaced_place,
        name="unplaced_place",
    ),
    path("talento-humano/importar/", views.import_upload, name="import_upload"),
    path("talento-humano/importar/<int:pk>/", views.import_preview, name="import_preview"),
    path(
        "talento-humano/importar/plantilla.<str:fmt>",
        views.import_template,
        name="import_template",
    ),
    path("talento-humano/requisitos/", views.requirement_list, name="requirement_list"),
    path("talento-humano/requisitos/<int:pk>/", views.requirement_list, name="requirement_edit"),
    path("talento-humano/responsables/", views.scope_list, name="scope_list"),
    path("talento-humano/responsables/<int:pk>/quitar/", views.scope_remove, name="scope_remove"),
    path("talento-humano/cobertura/", views.coverage_list, name="coverage_list"),
    path("talento-humano/cobertura/<int:pk>/", views.coverage_list, name="coverage_edit"),
    path(
        "talento-humano/exportar/cumplimiento.<str:fmt>",
        views.export_matrix,
        name="export_matrix",
    ),
    path(
        "talento-humano/exportar/historial.<str:fmt>",
        views.export_transcripts,
        name="export_transcripts",
    ),
    path(
        "talento-humano/exportar/datos-abiertos.csv",
        views.export_aggregate,
        name="export_aggregate",
    ),
]
