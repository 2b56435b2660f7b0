from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("inicio/", views.dashboard, name="dashboard"),
    path("idioma/", views.set_language, name="set_language"),
    path("accesibilidad/", views.accessibility, name="accessibility"),
]
