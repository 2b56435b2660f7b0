import pytest
from django.core.files.base import ContentFile
from wagtail import blocks
from wagtail.documents.models import Document
from wagtail.models import Page

from courses.blocks import KnowledgePageChooserBlock, LessonStreamBlock, VideoBlock, embed_src
from courses.rendering import render_markdown

pytestmark = pytest.mark.django_db


def test_markdown_is_rendered_and_sanitised():
    html = str(
        render_markdown(
            "## Título\n\n**negrita** <script>alert(1)</script>"
            '<img src="x" onerror="alert(2)"> [x](javascript:alert(3))\n\n'
            "~~tachado~~\n\n| a | b |\n|---|---|\n| 1 | 2 |"
        )
    )
    assert "<h2>Título</h2>" in html
    assert "<strong>negrita</strong>" in html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "<del>tachado</del>" in html
    assert "<table>" in html


def test_every_struct_block_has_icon_template_and_preview():
    stream = LessonStreamBlock()
    for name, block in stream.child_blocks.items():
        assert block.meta.icon, name
        if isinstance(block, blocks.StructBlock):
            assert block.meta.template, name
            assert block.meta.preview_value, name


def test_lesson_has_the_contracted_block_names():
    assert set(LessonStreamBlock().child_blocks) >= {
        "rich_text",
        "markdown",
        "image",
        "video",
        "document",
        "callout",
        "code",
        "knowledge_link",
    }


def test_video_needs_a_file_or_an_embed_url():
    block = VideoBlock()
    with pytest.raises(blocks.StructBlockValidationError):
        block.clean(block.to_python({}))
    with pytest.raises(blocks.StructBlockValidationError):
        block.clean(block.to_python({"embed_url": "https://evil.example.com/v"}))
    value = block.clean(block.to_python({"embed_url": "https://www.youtube.com/watch?v=abc123"}))
    assert "youtube-nocookie.com/embed/abc123" in block.render(value)


def test_video_captions_must_be_webvtt():
    document = Document.objects.create(title="subtítulos", file=ContentFile(b"x", name="subs.srt"))
    block = VideoBlock()
    with pytest.raises(blocks.StructBlockValidationError):
        block.clean(
            block.to_python({"embed_url": "https://vimeo.com/123", "captions": document.pk})
        )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://youtu.be/XYZ", "https://www.youtube-nocookie.com/embed/XYZ"),
        ("https://vimeo.com/42", "https://player.vimeo.com/video/42"),
        ("https://example.com/video", ""),
    ],
)
def test_embed_src(url, expected):
    assert embed_src(url) == expected


def test_knowledge_link_resolves_page_types_lazily():
    block = KnowledgePageChooserBlock(
        page_type=["knowledge_base.ArticlePage", "knowledge_base.SystemPage"]
    )
    # The knowledge base has no such models yet: the chooser falls back to any page.
    assert block.target_models == [Page] or all(
        m._meta.app_label == "knowledge_base" for m in block.target_models
    )
    assert block.deconstruct()[2]["page_type"] == [
        "knowledge_base.ArticlePage",
        "knowledge_base.SystemPage",
    ]


def test_lesson_renders_every_block(client, learner, course):
    from courses.models import LessonPage
    from courses.services import enrolment_create

    lesson = LessonPage.objects.child_of(course).first().specific
    lesson.body = [
        ("markdown", "Texto **Markdown**"),
        ("callout", {"kind": "warning", "title": "", "text": "<p>Cuidado</p>"}),
        ("code", {"language": "bash", "code": "echo <hola>"}),
        ("video", {"embed_url": "https://vimeo.com/42", "title": "Video"}),
        ("knowledge_link", {"page": course, "label": "Ficha"}),
    ]
    lesson.save_revision().publish()
    enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert "<strong>Markdown</strong>" in html
    assert 'class="callout callout--warning"' in html and "Advertencia" in html
    assert "echo &lt;hola&gt;" in html
    assert "https://player.vimeo.com/video/42" in html
    assert f'href="{course.url}">Ficha</a>' in html
