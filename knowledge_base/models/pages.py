from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index
from wagtailmarkdown.fields import MarkdownField

from core.hooks import BehaviourPage

from ..cache import render_markdown_cached
from ..forms import ArticlePageForm
from ..markdown import markdown_to_text

# The pages' context comes from knowledge_base.selectors, which import these models: it is
# registered in KnowledgeBaseConfig.ready() (core.hooks.page_behaviour_register).

DEFAULT_REVIEW_INTERVAL_DAYS = 180
ATTACHMENT_EXTENSIONS = (
    "pdf",
    "odt",
    "ods",
    "odp",
    "docx",
    "xlsx",
    "pptx",
    "csv",
    "txt",
    "png",
    "jpg",
)


def attachment_max_bytes() -> int:
    return getattr(settings, "KNOWLEDGE_BASE_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)


class Criticality(models.TextChoices):
    """Levels of an EGSI risk assessment for confidentiality, integrity and availability."""

    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class KnowledgeIndexPage(BehaviourPage, Page):
    """The knowledge base at /conocimiento/: systems and articles live below it."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["knowledge_base.SystemPage", "knowledge_base.ArticlePage"]
    max_count = 1

    class Meta:
        verbose_name = _("knowledge base")


class SystemPage(BehaviourPage, Page):
    """An IT system of the institution, documented independently of the people who run it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DEVELOPMENT = "development", _("In development")
        PRODUCTION = "production", _("In production")
        MAINTENANCE = "maintenance", _("Maintenance only")
        RETIRED = "retired", _("Retired")

    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    purpose = models.TextField(_("purpose"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PRODUCTION
    )
    confidentiality = models.CharField(
        _("confidentiality"), max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    integrity = models.CharField(
        _("integrity"), max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    availability = models.CharField(
        _("availability"), max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    owners = ParentalManyToManyField(
        "people.StaffProfile",
        verbose_name=_("owners"),
        blank=True,
        related_name="owned_systems",
        help_text=_("Officials responsible for the system (custodians)."),
    )
    backups = ParentalManyToManyField(
        "people.StaffProfile",
        verbose_name=_("backups"),
        blank=True,
        related_name="backed_up_systems",
        help_text=_("Officials who can run the system when an owner is away."),
    )
    depends_on = ParentalManyToManyField(
        "self",
        verbose_name=_("depends on"),
        blank=True,
        symmetrical=False,
        related_name="dependants",
    )
    related_courses = ParentalManyToManyField(
        "courses.CoursePage",
        verbose_name=_("related courses"),
        blank=True,
        related_name="knowledge_systems",
        help_text=_("Courses that teach this system. Shown on the course pages too."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("acronym"), FieldPanel("purpose"), FieldPanel("status")],
            heading=_("Identification"),
        ),
        MultiFieldPanel(
            [FieldPanel("confidentiality"), FieldPanel("integrity"), FieldPanel("availability")],
            heading=_("Criticality (EGSI)"),
        ),
        MultiFieldPanel(
            [FieldPanel("owners"), FieldPanel("backups")],
            heading=_("People"),
        ),
        InlinePanel("providers", heading=_("Providers and contacts"), label=_("provider")),
        InlinePanel("environments", heading=_("Environments"), label=_("environment")),
        MultiFieldPanel(
            [FieldPanel("depends_on"), FieldPanel("related_courses")],
            heading=_("Relations"),
        ),
        InlinePanel(
            "interoperability_services",
            heading=_("Interoperability services"),
            label=_("service"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("acronym", boost=3),
        index.AutocompleteField("acronym"),
        index.SearchField("purpose"),
        index.FilterField("status"),
    ]
    parent_page_types = ["knowledge_base.KnowledgeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("system")
        verbose_name_plural = _("systems")

    def __str__(self) -> str:
        return f"{self.title} ({self.acronym})" if self.acronym else self.title


class SystemProvider(Orderable):
    system = ParentalKey(SystemPage, on_delete=models.CASCADE, related_name="providers")
    name = models.CharField(_("provider"), max_length=200)
    contract = models.CharField(_("contract or agreement"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("contract"),
        FieldPanel("contact_name"),
        FieldPanel("contact_email"),
        FieldPanel("contact_phone"),
        FieldPanel("notes"),
    ]

    def __str__(self) -> str:
        return self.name


class SystemEnvironment(Orderable):
    class Kind(models.TextChoices):
        PRODUCTION = "production", _("Production")
        STAGING = "staging", _("Pre-production")
        TEST = "test", _("Test")
        DEVELOPMENT = "development", _("Development")

    system = ParentalKey(SystemPage, on_delete=models.CASCADE, related_name="environments")
    kind = models.CharField(_("environment"), max_length=20, choices=Kind.choices)
    url = models.URLField(_("address"), blank=True)
    hosting = models.CharField(_("hosting"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    panels = [FieldPanel("kind"), FieldPanel("url"), FieldPanel("hosting"), FieldPanel("notes")]

    def __str__(self) -> str:
        return self.get_kind_display()


class InteroperabilityService(Orderable):
    class Direction(models.TextChoices):
        PROVIDED = "provided", _("Provided to others")
        CONSUMED = "consumed", _("Consumed from others")

    system = ParentalKey(
        SystemPage, on_delete=models.CASCADE, related_name="interoperability_services"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    name = models.CharField(_("service"), max_length=200)
    counterpart = models.CharField(
        _("counterpart institution or system"), max_length=200, blank=True
    )
    protocol = models.CharField(_("protocol"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("direction"),
        FieldPanel("name"),
        FieldPanel("counterpart"),
        FieldPanel("protocol"),
        FieldPanel("description"),
    ]

    def __str__(self) -> str:
        return self.name


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "knowledge_base.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(BehaviourPage, Page):
    """A piece of operational knowledge about one or more systems, written in Markdown."""

    class Kind(models.TextChoices):
        RUNBOOK = "runbook", _("Runbook / procedure")
        HOWTO = "howto", _("How-to")
        ARCHITECTURE = "architecture", _("Architecture decision")
        TROUBLESHOOTING = "troubleshooting", _("Troubleshooting")
        HANDOVER = "handover", _("Handover note")
        GLOSSARY = "glossary", _("Glossary")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RUNBOOK)
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = MarkdownField(
        _("body"),
        help_text=_(
            "Markdown: ## headings (they form the table of contents), tables, ``` fenced code, "
            "!!! note admonitions."
        ),
    )
    # The body as plain text, kept with the body on every save: search snippets read it
    # instead of rendering Markdown per result.
    body_text = models.TextField(_("body as plain text"), blank=True, default="", editable=False)
    systems = ParentalManyToManyField(
        SystemPage, verbose_name=_("systems"), blank=True, related_name="articles"
    )
    content_owner = models.ForeignKey(
        "people.StaffProfile",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_articles",
        help_text=_("Who keeps this article true and reviews it when due."),
    )
    tags = ClusterTaggableManager(through=ArticleTag, verbose_name=_("tags"), blank=True)
    review_interval_days = models.PositiveSmallIntegerField(
        _("review interval (days)"),
        default=DEFAULT_REVIEW_INTERVAL_DAYS,
        validators=[MinValueValidator(7), MaxValueValidator(1095)],
    )
    last_reviewed_at = models.DateTimeField(_("last reviewed at"), null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_due_on = models.DateField(_("next review due"), null=True, blank=True, db_index=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("summary")],
            heading=_("Kind and summary"),
        ),
        FieldPanel("body"),
        InlinePanel("attachments", heading=_("Attachments"), label=_("attachment")),
    ]
    meta_panels = [
        MultiFieldPanel(
            [
                FieldPanel("systems"),
                FieldPanel("content_owner"),
                FieldPanel("tags"),
                FieldPanel("review_interval_days"),
            ],
            heading=_("Systems, owner and review"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(meta_panels, heading=_("Systems and review")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("review_due_on"),
    ]
    parent_page_types = ["knowledge_base.KnowledgeIndexPage"]
    subpage_types: list[str] = []
    base_form_class = ArticlePageForm

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def full_clean(self, *args, **kwargs):
        # save_revision() cleans before it serialises the page: drafts carry a body_text that
        # matches their body, so publishing any revision restores a consistent pair.
        self.body_text = self.compute_body_text()
        return super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.review_due_on = self.compute_review_due_on()
        self.body_text = self.compute_body_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = ["review_due_on"]
            if "body" in update_fields:
                extra.append("body_text")
            kwargs["update_fields"] = [
                *update_fields,
                *(f for f in extra if f not in update_fields),
            ]
        return super().save(*args, **kwargs)

    def compute_body_text(self) -> str:
        return markdown_to_text(self.body)

    def compute_review_due_on(self) -> date:
        reference = self.last_reviewed_at or self.first_published_at or timezone.now()
        return timezone.localdate(reference) + timedelta(days=self.review_interval_days)

    def with_content_json(self, content):
        # The review stamp is recorded on the live row by "mark as reviewed", not through a
        # revision: publishing an older draft must not roll it back.
        obj = super().with_content_json(content)
        stamp = (
            ArticlePage.objects.filter(pk=self.pk)
            .values_list("last_reviewed_at", "last_reviewed_by_id")
            .first()
        )
        if stamp is not None:
            obj.last_reviewed_at, obj.last_reviewed_by_id = stamp
        return obj

    @property
    def is_stale(self) -> bool:
        return self.review_due_on is not None and self.review_due_on < timezone.localdate()

    @cached_property
    def rendered(self):
        return render_markdown_cached(self.body)

    def get_view_restrictions(self):
        if getattr(self, "knowledge_route_checked", False):
            # Served from the article route cache, kept only for pages with no restriction on
            # them or their ancestors, and dropped when a restriction changes (cache.py).
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class ArticleAttachment(Orderable):
    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("document")]

    def clean(self):
        super().clean()
        document = getattr(self, "document", None) if self.document_id else None
        if document is None:
            return
        extension = document.file_extension.lower()
        if extension not in ATTACHMENT_EXTENSIONS:
            raise ValidationError(
                {
                    "document": _(
                        "Files of type “%(ext)s” cannot be attached to an article. Allowed: %(allowed)s."
                    )
                    % {"ext": extension or "?", "allowed": ", ".join(ATTACHMENT_EXTENSIONS)}
                }
            )
        size = document.file_size
        if size is None:
            try:
                size = document.file.size
            except (OSError, ValueError):
                size = 0
        limit = attachment_max_bytes()
        if size and size > limit:
            raise ValidationError(
                {
                    "document": _(
                        "The file is too large (%(size)s MB); an attachment may have at most %(limit)s MB."
                    )
                    % {"size": round(size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024)}
                }
            )
