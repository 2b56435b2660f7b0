"""Existing categories join the course of the quizzes that draw from them, when that course is
unambiguous (exactly one); the others stay shared (read-only for trainers)."""

from django.db import migrations


def assign_courses(apps, schema_editor):
    QuestionCategory = apps.get_model("assessments", "QuestionCategory")
    QuizSlot = apps.get_model("assessments", "QuizSlot")
    QuizRandomSlot = apps.get_model("assessments", "QuizRandomSlot")

    children = {}
    for pk, parent_id in QuestionCategory.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)

    def with_descendants(pk):
        found, stack = set(), [pk]
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(children.get(current, []))
        return found

    courses = {}  # category id -> course ids of the quizzes using it (None: a draft quiz)
    for category_id, course_id in QuizSlot.objects.values_list(
        "question__category_id", "quiz__course_id"
    ):
        courses.setdefault(category_id, set()).add(course_id)
    for category_id, include, course_id in QuizRandomSlot.objects.values_list(
        "category_id", "include_subcategories", "quiz__course_id"
    ):
        for pk in with_descendants(category_id) if include else {category_id}:
            courses.setdefault(pk, set()).add(course_id)
    for category_id, course_ids in courses.items():
        if len(course_ids) == 1 and None not in course_ids:
            QuestionCategory.objects.filter(pk=category_id).update(course_id=course_ids.pop())


class Migration(migrations.Migration):
    dependencies = [("assessments", "0006_question_category_course")]

    operations = [migrations.RunPython(assign_courses, migrations.RunPython.noop)]
