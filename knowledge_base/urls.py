from django.urls import path

from . import views

app_name = "knowledge_base"

urlpatterns = [
    path("conocimiento/", views.knowledge_home, name="home"),
    path("conocimiento/buscar/", views.search, name="search"),
    path("conocimiento/riesgo/", views.risk, name="risk"),
    path("conocimiento/riesgo/que-pasa-si/", views.what_if, name="what_if"),
    path("conocimiento/expertos/", views.experts, name="experts"),
    path("conocimiento/mis-revisiones/", views.my_reviews, name="my_reviews"),
    path(
        "conocimiento/articulos/<int:article_id>/revisado/",
        views.mark_reviewed,
        name="mark_reviewed",
    ),
    path("conocimiento/traspasos/", views.handover_list, name="handover_list"),
    path("conocimiento/traspasos/<int:handover_id>/", views.handover_view, name="handover"),
    path(
        "conocimiento/traspasos/<int:handover_id>/cancelar/",
        views.handover_cancel,
        name="handover_cancel",
    ),
    path(
        "conocimiento/traspasos/elementos/<int:item_id>/asignar/",
        views.handover_item_assign,
        name="handover_item_assign",
    ),
    path(
        "conocimiento/traspasos/elementos/<int:item_id>/aceptar/",
        views.handover_item_accept,
        name="handover_item_accept",
    ),
    # Last: the named pages above win; an article's route is cached, anything else at this
    # depth (a system page) goes to Wagtail as before.
    path("conocimiento/<slug:slug>/", views.article_page, name="article"),
]
