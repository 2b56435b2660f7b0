from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("evaluaciones/", views.my_quizzes, name="mine"),
    path("evaluaciones/gestion/", views.manage, name="manage"),
    path("evaluaciones/<int:quiz_id>/", views.quiz_detail, name="quiz"),
    path("evaluaciones/<int:quiz_id>/comenzar/", views.attempt_start, name="start"),
    path("evaluaciones/<int:quiz_id>/intentos/", views.quiz_attempts, name="quiz_attempts"),
    path("evaluaciones/<int:quiz_id>/estadisticas/", views.quiz_statistics, name="statistics"),
    path("evaluaciones/<int:quiz_id>/recalificar/", views.quiz_regrade, name="regrade"),
    path("evaluaciones/intento/<uuid:attempt_uuid>/", views.attempt_page, name="attempt"),
    path(
        "evaluaciones/intento/<uuid:attempt_uuid>/guardar/", views.attempt_autosave, name="autosave"
    ),
    path(
        "evaluaciones/intento/<uuid:attempt_uuid>/resultado/", views.attempt_result, name="result"
    ),
    path("evaluaciones/intento/<uuid:attempt_uuid>/revision/", views.attempt_review, name="review"),
]
