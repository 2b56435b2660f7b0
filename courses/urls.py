from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    # The catalogue is a Wagtail page; this name only lets navigation reverse its address.
    path("cursos/", views.public_page, {"path": "cursos/"}, name="catalogue"),
    path("cursos/inscribirse/<int:course_id>/", views.enrol, name="enrol"),
    path("cursos/abandonar/<int:course_id>/", views.leave, name="leave"),
    path("cursos/lecciones/<int:lesson_id>/completar/", views.complete_lesson, name="complete"),
    path("cursos/informes/", views.reports, name="reports"),
    path("cursos/informes/<int:course_id>/", views.report, name="report"),
    path("cursos/informes/<int:course_id>/csv/", views.report_csv, name="report_csv"),
    path("mi-aprendizaje/", views.my_learning_view, name="my_learning"),
    # A course page (a child of the catalogue) is served by Wagtail through the same anonymous
    # page cache; a lesson through its route cache; anything deeper goes to Wagtail's own
    # catch-all.
    path("cursos/<slug:slug>/", views.public_course_page),
    path("cursos/<slug:course_slug>/<slug:lesson_slug>/", views.lesson_page),
]
