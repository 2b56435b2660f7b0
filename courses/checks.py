"""Start-up checks of the registries courses offers (courses.hooks)."""

from django.core import checks

from . import hooks


@checks.register()
def completion_requirements_registered(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Mandatory: editors may give a course the rule "all lessons and required quizzes". With
    no requirement registered that rule would silently mean "all lessons", and a learner who
    never passed the final quiz would complete the course and be certified."""
    if hooks.requirements():
        return []
    return [
        checks.Error(
            "No course completion requirement is registered.",
            hint=(
                "assessments registers 'every required quiz passed' in AssessmentsConfig.ready() "
                "(assessments.registration). Without it, courses whose rule is 'all lessons and "
                "quizzes' complete, and are certified, without their quizzes."
            ),
            id="courses.E001",
        )
    ]


@checks.register()
def page_providers_registered(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Advisory: a course page without related items, or "Mi aprendizaje" without extra
    sections, still works (learning, completion and certificates do not depend on them), so
    an empty registry is a warning, not an error."""
    messages = []
    if not hooks.course_related_providers():
        messages.append(
            checks.Warning(
                "No provider of related items for course pages is registered.",
                hint=(
                    "knowledge_base (related systems) and assessments (the course's quizzes) "
                    "register them in their AppConfig.ready(); course pages will list neither."
                ),
                id="courses.W001",
            )
        )
    if not hooks.my_learning_panel_providers():
        messages.append(
            checks.Warning(
                'No section for "Mi aprendizaje" is registered.',
                hint="certificates and assessments register theirs in their AppConfig.ready().",
                id="courses.W002",
            )
        )
    return messages
