"""StreamField blocks of a lesson.

Every StructBlock has an icon, a template and a preview value. The knowledge-base link names
its page types as strings: courses import nothing from the knowledge base (DESIGN.md).
"""

from urllib.parse import parse_qs, urlparse

from django.apps import apps
from django.forms.utils import ErrorList
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.coreutils import resolve_model_string
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock
from wagtailmarkdown.blocks import MarkdownBlock as EditorMarkdownBlock
from wagtailmedia.blocks import VideoChooserBlock

from .rendering import render_markdown

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "link", "ol", "ul", "blockquote", "code"]
KNOWLEDGE_PAGE_TYPES = ["knowledge_base.ArticlePage", "knowledge_base.SystemPage"]
EMBED_HOSTS = (
    "https://www.youtube-nocookie.com/",
    "https://www.youtube.com/",
    "https://youtu.be/",
    "https://player.vimeo.com/",
    "https://vimeo.com/",
)


def embed_src(url: str) -> str:
    """The player address of a YouTube or Vimeo link (watch pages cannot be framed)."""
    parsed = urlparse(url)
    host = parsed.netloc.lower()
    video_id = ""
    if host in {"www.youtube.com", "youtube.com", "www.youtube-nocookie.com"}:
        if parsed.path.startswith("/embed/"):
            video_id = parsed.path.removeprefix("/embed/").strip("/")
        else:
            video_id = parse_qs(parsed.query).get("v", [""])[0]
    elif host == "youtu.be":
        video_id = parsed.path.strip("/")
    if video_id:
        return f"https://www.youtube-nocookie.com/embed/{video_id}"
    if host in {"vimeo.com", "player.vimeo.com"}:
        vimeo_id = parsed.path.rstrip("/").rsplit("/", 1)[-1]
        if vimeo_id.isdigit():
            return f"https://player.vimeo.com/video/{vimeo_id}"
    return ""


class MarkdownBlock(EditorMarkdownBlock):
    """wagtail-markdown's editor; rendering is ours: Markdown, then nh3 (no raw scripts)."""

    def render_basic(self, value, context=None):
        return render_markdown(value)

    class Meta:
        icon = "code"
        label = _("Markdown")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[
            ("note", _("Note")),
            ("important", _("Important")),
            ("warning", _("Warning")),
        ],
        default="note",
    )
    title = blocks.CharBlock(label=_("title"), required=False)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"
        preview_value = {
            "kind": "important",
            "title": "Recuerde",
            "text": "<p>Los datos personales de las personas en movilidad humana son confidenciales.</p>",
        }
        description = _("A highlighted note, important point or warning.")


class CodeBlock(blocks.StructBlock):
    language = blocks.CharBlock(label=_("language"), required=False, max_length=30)
    code = blocks.TextBlock(label=_("code"))

    class Meta:
        icon = "code"
        label = _("Code")
        template = "courses/blocks/code.html"
        preview_value = {"language": "bash", "code": "curl -s https://bus.gob.ec/servicios/estado"}
        description = _("A code sample, shown as written.")


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/figure.html"
        preview_value = {"caption": "Arquitectura del Sistema Nacional Integrado de Información"}
        description = _("An image with alternative text and an optional caption.")


class VideoBlock(blocks.StructBlock):
    """A video uploaded to the site (with optional WebVTT captions) or an embedded URL."""

    video = VideoChooserBlock(label=_("uploaded video"), required=False)
    captions = DocumentChooserBlock(
        label=_("captions (WebVTT)"),
        required=False,
        help_text=_("A .vtt document with the captions of the uploaded video."),
    )
    embed_url = blocks.URLBlock(
        label=_("or embed URL"),
        required=False,
        help_text=_("YouTube or Vimeo address; used when no video is uploaded."),
    )
    title = blocks.CharBlock(label=_("title"), required=False)
    transcript = blocks.RichTextBlock(
        label=_("transcript"), required=False, features=["bold", "italic", "link", "ol", "ul"]
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"
        preview_value = {"title": "Bus de Servicios Gubernamentales", "embed_url": ""}
        description = _("An uploaded video with captions, or an embedded video.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["embed_src"] = embed_src(value.get("embed_url") or "")
        return context

    def clean(self, value):
        cleaned = super().clean(value)
        errors = {}
        if not cleaned.get("video") and not cleaned.get("embed_url"):
            errors["video"] = ErrorList([_("Upload a video or give an embed URL.")])
        if cleaned.get("captions") and not cleaned["captions"].file.name.lower().endswith(".vtt"):
            errors["captions"] = ErrorList([_("Captions must be a WebVTT (.vtt) file.")])
        url = cleaned.get("embed_url") or ""
        if url and not url.startswith(EMBED_HOSTS):
            errors["embed_url"] = ErrorList(
                [_("Only YouTube and Vimeo addresses can be embedded.")]
            )
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return cleaned


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "courses/blocks/document.html"
        preview_value = {"description": "Guía de implementación de la política de datos abiertos"}
        description = _("A document learners can download.")


class KnowledgePageChooserBlock(blocks.PageChooserBlock):
    """A page chooser whose page types are resolved when first used, not at import.

    The knowledge base sits above courses and may not be installed (or migrated) yet: unknown
    page types are skipped instead of failing, and the chooser offers any page until one of them
    exists.
    """

    @cached_property
    def target_models(self):
        models = []
        for name in self.page_type:
            try:
                models.append(resolve_model_string(name))
            except (LookupError, ValueError):
                continue
        return models or [apps.get_model("wagtailcore", "Page")]

    def deconstruct(self):
        # Migrations keep the names as written, whether or not the models exist yet.
        name, args, kwargs = super().deconstruct()
        kwargs["page_type"] = list(self.page_type)
        return name, args, kwargs


class KnowledgeLinkBlock(blocks.StructBlock):
    page = KnowledgePageChooserBlock(label=_("knowledge-base page"), page_type=KNOWLEDGE_PAGE_TYPES)
    label = blocks.CharBlock(
        label=_("link text"), required=False, help_text=_("Defaults to the page title.")
    )

    class Meta:
        icon = "link"
        label = _("Knowledge-base link")
        template = "courses/blocks/knowledge_link.html"
        preview_value = {"label": "Ficha del sistema de gestión consular"}
        description = _("A link to a system record or article of the knowledge base.")


class LessonStreamBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        label=_("Rich text"),
        preview_value="<p>La interoperabilidad permite compartir datos entre instituciones.</p>",
        description=_("Formatted text with headings, lists and links."),
    )
    markdown = MarkdownBlock(
        preview_value="## Bus de Servicios Gubernamentales\n\nIntercambio **seguro** de datos.",
        description=_("Text written in Markdown (sanitised)."),
    )
    image = FigureBlock()
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    code = CodeBlock()
    knowledge_link = KnowledgeLinkBlock()
