"""Builders for the quality tests."""

from datetime import date
from decimal import Decimal

from quality.models import Indicator, Survey, SurveyQuestion


def make_survey(*, course, title="Satisfacción", anonymous=True, **kwargs) -> Survey:
    survey = Survey.objects.create(title=title, course=course, anonymous=anonymous, **kwargs)
    SurveyQuestion.objects.create(survey=survey, sort_order=0, text="¿Le gustó?", kind="likert")
    SurveyQuestion.objects.create(
        survey=survey, sort_order=1, text="Medio", kind="single", choices="Correo\nJefe"
    )
    SurveyQuestion.objects.create(
        survey=survey,
        sort_order=2,
        text="Temas",
        kind="multiple",
        choices="A\nB\nC",
        required=False,
    )
    SurveyQuestion.objects.create(
        survey=survey, sort_order=3, text="Comentario", kind="text", required=False
    )
    return survey


def answers(survey: Survey, likert=4, single=0, multiple=(), text="") -> dict:
    qs = list(survey.questions.all())
    data = {f"q{qs[0].pk}": str(likert), f"q{qs[1].pk}": str(single), f"q{qs[3].pk}": text}
    if multiple:
        data[f"q{qs[2].pk}"] = [str(m) for m in multiple]
    return data


def make_indicator(source=Indicator.Source.MANUAL, **kwargs) -> Indicator:
    defaults = {
        "name": f"Indicador {source}",
        "objective": "Objetivo",
        "baseline": Decimal("10"),
        "baseline_date": date(2025, 1, 1),
        "target": Decimal("80"),
        "target_date": date(2027, 12, 31),
        "verification": "Registro",
        "source": source,
    }
    defaults.update(kwargs)
    return Indicator.objects.create(**defaults)
