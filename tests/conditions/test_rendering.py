import pytest

from conditions.rendering import render_markdown


def test_markdown_becomes_paragraphs_lists_and_links():
    html = render_markdown("Hello **you**.\n\n- one\n- two\n\n[Write in](/contact/)")
    assert "<p>Hello <strong>you</strong>.</p>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<a href="/contact/" rel="noopener noreferrer">Write in</a>' in html


def test_script_and_style_tags_never_pass_with_their_content():
    html = render_markdown("Before <script>alert('x')</script> <style>p{}</style> after")
    assert "<script" not in html
    assert "alert" not in html
    assert "<style" not in html
    assert "Before" in html and "after" in html


@pytest.mark.parametrize(
    "link",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click]( javascript:alert(1))",
        "<a href='javascript:alert(1)'>click</a>",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox(1))",
    ],
)
def test_links_with_script_or_data_addresses_lose_their_address(link):
    html = render_markdown(link)
    assert "click" in html
    assert "href" not in html
    assert "javascript" not in html.lower()
    assert "data:" not in html


def test_event_handlers_inline_styles_images_and_frames_are_removed():
    html = render_markdown(
        '<p onclick="steal()" style="color:red">Hi</p> <img src=x onerror=alert(1)> <iframe src="https://x"></iframe>'
    )
    assert "onclick" not in html and "onerror" not in html and "style" not in html
    assert "<img" not in html and "<iframe" not in html
    assert "Hi" in html


def test_headings_are_renumbered_to_start_below_the_page_headings():
    html = render_markdown("# Big\n\ntext\n\n## Smaller\n\nmore", top_heading=3)
    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html
    assert "<h1" not in html and "<h2" not in html


def test_headings_already_at_the_right_level_stay_there():
    assert render_markdown("#### Side effects", top_heading=4) == "<h4>Side effects</h4>"
