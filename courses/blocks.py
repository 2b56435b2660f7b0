"""StreamField blocks for lessons. Higher apps add blocks (a quiz, a knowledge-base link)
through `register_lesson_block` in their AppConfig.ready(), before the first migration-free
use; the courses helper owns the block set itself."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "link", "ol", "ul", "blockquote", "code"]


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("note", "Nota"), ("important", "Importante"), ("warning", "Advertencia")],
        default="note",
    )
    title = blocks.CharBlock(required=False)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout.html"


class CodeBlock(blocks.StructBlock):
    language = blocks.CharBlock(required=False, max_length=30)
    code = blocks.TextBlock()

    class Meta:
        icon = "code"
        template = "courses/blocks/code.html"


class LessonStreamBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, icon="pilcrow")
    image = ImageBlock()
    document = DocumentChooserBlock(icon="doc-full")
    callout = CalloutBlock()
    code = CodeBlock()
