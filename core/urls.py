from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("inicio/", views.dashboard, name="dashboard"),
    path("idioma/", views.set_language, name="set_language"),
    path("cuenta/sesiones/", views.my_sessions, name="sessions"),
    path(
        "gestion/personas/<int:user_id>/seguridad/", views.person_security, name="person_security"
    ),
    path("accesibilidad/", views.accessibility, name="accessibility"),
]
