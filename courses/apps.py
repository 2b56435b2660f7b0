from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import PageViewRestriction
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from core.api import Role
        from core.hooks import NavItem, demo_seeder_register, nav_register

        from . import checks, demo, rules  # noqa: F401  (start-up checks, object permissions)
        from .cache import bump_content_version, learner_changed
        from .models import CourseIndexPage, CoursePage, Enrolment, LessonPage, Topic
        from .presentation import register_page_behaviours

        register_page_behaviours()

        for model in (CourseIndexPage, CoursePage, LessonPage):
            page_published.connect(
                bump_content_version, sender=model, dispatch_uid=f"courses-pub-{model.__name__}"
            )
            page_unpublished.connect(
                bump_content_version, sender=model, dispatch_uid=f"courses-unpub-{model.__name__}"
            )
            post_delete.connect(
                bump_content_version, sender=model, dispatch_uid=f"courses-del-{model.__name__}"
            )
            post_page_move.connect(
                bump_content_version, sender=model, dispatch_uid=f"courses-move-{model.__name__}"
            )
        post_save.connect(bump_content_version, sender=Topic, dispatch_uid="courses-topic-save")
        post_delete.connect(bump_content_version, sender=Topic, dispatch_uid="courses-topic-del")
        for signal in (post_save, post_delete):
            signal.connect(
                learner_changed,
                sender=Enrolment,
                dispatch_uid=f"courses-learner-enrolment-{signal is post_save}",
            )
        # A page made private must stop being served from the anonymous page cache at once.
        for signal in (post_save, post_delete):
            signal.connect(
                bump_content_version,
                sender=PageViewRestriction,
                dispatch_uid=f"courses-restriction-{signal is post_save}",
            )

        nav_register(
            NavItem(
                key="courses",
                label=_("Courses"),
                url_name="courses:catalogue",
                order=10,
                roles=None,
                description=_("The catalogue of courses: enrol and study."),
                on_dashboard=False,
            )
        )
        nav_register(
            NavItem(
                key="my-learning",
                label=_("My learning"),
                url_name="courses:my_learning",
                order=20,
                roles=(),
                description=_("Your assigned courses, your progress and what you completed."),
            )
        )
        nav_register(
            NavItem(
                key="course-reports",
                label=_("Course reports"),
                url_name="courses:reports",
                order=60,
                roles=(Role.TRAINER, Role.ADMIN),
                description=_("Enrolments, completion and drop-off of the courses you own."),
                show_in_header=False,
            )
        )
        demo_seeder_register(self.label, demo.seed)
