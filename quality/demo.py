"""Demo content of the quality app (core's demo-seeder registry; idempotent): the quality
officer's account, a completion survey with answers and six indicators in the vocabulary of
the source documents (EC-T1241's results matrix, the e-government plan's Tabla 9)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.api import demo_account_ensure
from courses import api as courses_api
from people import api as people_api

from .indicators import indicators_compute
from .models import QUALITY_ROLE, Indicator, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

QUALITY_EMAIL = "calidad@relevo.demo"
SURVEY_TITLE = "Encuesta de satisfacción del curso"

INDICATORS = [
    # name, objective, activity, source, baseline, target, verification
    (
        "Servidores con certificación vigente de la capacitación obligatoria",
        "Fortalecer las capacidades del talento humano en la gestión de servicios",
        "Programa de capacitación obligatoria",
        Indicator.Source.CERTIFIED,
        "35",
        "80",
        "Registro de certificados emitidos (Relevo) y distributivo de personal",
    ),
    (
        "Tasa de finalización de cursos",
        "Mejorar la producción y calidad técnica de la capacitación",
        "Cursos virtuales de la plataforma",
        Indicator.Source.COMPLETION,
        "40",
        "75",
        "Reporte de matrículas y finalizaciones de Relevo",
    ),
    (
        "Índice de satisfacción de los participantes",
        "Medir la calidad percibida por los clientes internos",
        "Encuesta al finalizar cada curso",
        Indicator.Source.SATISFACTION,
        "3.5",
        "4.5",
        "Encuestas anónimas de satisfacción (exportación CSV)",
    ),
    (
        "Ganancia de aprendizaje normalizada",
        "Asegurar que la capacitación produce aprendizaje",
        "Prueba de entrada y evaluación final",
        Indicator.Source.GAIN,
        "0.20",
        "0.50",
        "Resultados de las evaluaciones de entrada y salida",
    ),
    (
        "Sistemas críticos con al menos dos personas que los conocen",
        "Reducir el riesgo de pérdida de conocimiento institucional",
        "Transferencia de conocimiento y manuales de operación",
        Indicator.Source.BUS_FACTOR,
        "30",
        "90",
        "Mapa de conocimiento y revisión de manuales (Relevo)",
    ),
    (
        "Índice de percepción de la calidad de los servicios",
        "Medir la calidad, uso y percepción de los servicios",
        "Encuesta a usuarios externos",
        Indicator.Source.MANUAL,
        "60",
        "85",
        "Informe de la encuesta de percepción ciudadana",
    ),
]

QUESTIONS = [
    ("El curso cumplió mis expectativas.", SurveyQuestion.Kind.LIKERT, ""),
    ("Podré aplicar lo aprendido en mi puesto.", SurveyQuestion.Kind.LIKERT, ""),
    ("¿Cómo supo del curso?", SurveyQuestion.Kind.SINGLE, "Correo\nJefe inmediato\nIntranet"),
    ("¿Qué mejoraría?", SurveyQuestion.Kind.TEXT, ""),
]
DEMO_ANSWERS = [
    (5, 4, 0, "Más ejercicios prácticos."),
    (4, 4, 1, ""),
    (4, 5, 0, "Ejemplos de nuestra institución."),
    (3, 3, 2, "Videos más cortos."),
    (5, 5, 1, ""),
    (4, 3, 0, ""),
]


@transaction.atomic
def seed(stdout) -> None:
    officer = demo_account_ensure(
        email=QUALITY_EMAIL, first_name="Rosa", last_name="Quiroga", roles=[QUALITY_ROLE]
    )
    course = courses_api.live_courses().order_by("pk").first()
    survey = Survey.objects.filter(title=SURVEY_TITLE).first()
    if survey is None and course is not None:
        survey = Survey.objects.create(title=SURVEY_TITLE, course=course)
        for order, (text, kind, choices) in enumerate(QUESTIONS):
            SurveyQuestion.objects.create(
                survey=survey, sort_order=order, text=text, kind=kind, choices=choices
            )
        questions = list(survey.questions.all())
        for likert1, likert2, choice, text in DEMO_ANSWERS:
            response = SurveyResponse.objects.create(survey=survey, course=course)
            values = [{"number": likert1}, {"number": likert2}, {"number": choice}, {"text": text}]
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(response=response, question=q, **v)
                for q, v in zip(questions, values, strict=True)
                if v.get("number") is not None or v.get("text")
            )
    first_requirement = people_api.active_requirements().order_by("pk").first()
    today = timezone.localdate()
    for order, (name, objective, activity, source, baseline, target, verification) in enumerate(
        INDICATORS
    ):
        Indicator.objects.get_or_create(
            name=name,
            defaults={
                "objective": objective,
                "activity": activity,
                "source": source,
                "baseline": Decimal(baseline),
                "baseline_date": date(today.year - 1, 1, 1),
                "target": Decimal(target),
                "target_date": date(today.year + 1, 12, 31),
                "verification": verification,
                "owner": officer,
                "sort_order": order,
                "requirement": first_requirement if source == Indicator.Source.CERTIFIED else None,
            },
        )
    indicators_compute(on=today)
    stdout.write(f"Quality: {QUALITY_EMAIL}, survey “{SURVEY_TITLE}”, {len(INDICATORS)} indicators")
