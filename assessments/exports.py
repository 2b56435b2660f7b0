"""Export the question bank to GIFT and results to CSV."""

from __future__ import annotations

from . import formats
from .selectors import questions_for_export


def category_to_gift(*, category_id: int, include_subcategories: bool = True, user=None) -> str:
    questions = questions_for_export(
        category_id=category_id, include_subcategories=include_subcategories, user=user
    )
    return formats.write_gift(
        [
            formats.ParsedQuestion(
                qtype=q.qtype,
                title=q.title,
                stem=q.stem,
                line=0,
                stem_format=q.stem_format,
                general_feedback=q.general_feedback,
                data=q.data,
                category=q.category.path_name,
                points=float(q.points),
                tags=sorted(tag.name for tag in q.tags.all()),
                idnumber=q.idnumber,
            )
            for q in questions
        ]
    )
