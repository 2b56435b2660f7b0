from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("calidad/encuestas/<int:survey_id>/", views.survey_answer, name="survey_answer"),
    path(
        "calidad/encuestas/<int:survey_id>/resultados/", views.survey_results, name="survey_results"
    ),
    path("calidad/encuestas/<int:survey_id>/respuestas.csv", views.survey_csv, name="survey_csv"),
    path("calidad/matriz/", views.matrix, name="matrix"),
    path("calidad/matriz.xlsx", views.matrix_xlsx, name="matrix_xlsx"),
    path("calidad/informe.pdf", views.matrix_pdf, name="matrix_pdf"),
    path("calidad/datos-abiertos.csv", views.open_data, name="open_data"),
    path("calidad/indicadores/<int:indicator_id>/", views.indicator_detail, name="indicator"),
    path(
        "calidad/indicadores/<int:indicator_id>/valor/",
        views.indicator_value,
        name="indicator_value",
    ),
    path("calidad/evidencias/<int:value_id>/", views.evidence, name="evidence"),
    path("calidad/cursos/<int:course_id>/", views.course_quality, name="course"),
    path("calidad/ganancia/", views.gain_index, name="gain_index"),
    path("calidad/ganancia/<int:design_id>/", views.gain_units, name="gain_units"),
]
