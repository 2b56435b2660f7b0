import pytest

from knowledge_base.markdown import markdown_to_text, render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=\"javascript:alert('XSS')\">",
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](&#106;avascript:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<body onload="alert(1)">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<object data="evil.swf"></object>',
    '<embed src="evil.swf">',
    '<form action="https://evil.example"><input name=x></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<details open ontoggle="alert(1)">x</details>',
    '<a href="#" onclick="alert(1)">x</a>',
    "![x](javascript:alert(1))",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<<script>script>alert(1)<</script>/script>",
    '<p class="admonition" onmouseover="alert(1)">x</p>',
    "```\n</code></pre><script>alert(1)</script>\n```",
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{display:none}</style>",
]

FORBIDDEN = [
    "<script",
    "onerror",
    "onload",
    "onclick",
    "onmouseover",
    "ontoggle",
    "javascript:",
    "<iframe",
    "<object",
    "<embed",
    "<form",
    "<meta",
    "<style",
    "<svg",
    "<base",
    "<link",
    "style=",
    "data:text/html",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_render_harmless(payload):
    html = render_markdown(f"Texto antes\n\n{payload}\n\nTexto después").html.lower()
    for needle in FORBIDDEN:
        assert needle not in html, (payload, needle, html)


def test_headings_form_a_table_of_contents():
    rendered = render_markdown("## Configuración\n\n### Respaldo diario\n\n## Verificación")
    assert [e["name"] for e in rendered.toc] == ["Configuración", "Verificación"]
    assert rendered.toc[0]["children"][0]["name"] == "Respaldo diario"
    assert '<h2 id="configuracion">' in rendered.html


def test_tables_fenced_code_and_admonitions():
    source = (
        "| Servidor | Puerto |\n|---|---|\n| bus | 8443 |\n\n"
        "```bash\nsystemctl restart bus\n```\n\n"
        '!!! warning "Atención"\n    No reinicie en horario laboral.\n'
    )
    html = render_markdown(source).html
    assert "<table>" in html and "<td>8443</td>" in html
    assert '<code class="language-bash">systemctl restart bus' in html
    assert '<div class="admonition warning">' in html
    assert '<p class="admonition-title">Atención</p>' in html


def test_safe_links_keep_working_with_noopener():
    html = render_markdown("[MINTEL](https://www.gobiernoelectronico.gob.ec)").html
    assert 'href="https://www.gobiernoelectronico.gob.ec"' in html
    assert 'rel="noopener noreferrer"' in html


def test_plain_text_drops_markup_and_nul_bytes():
    assert markdown_to_text("## Título\n\n**negrita** <b>x</b>\x00") == "Título negrita x"
