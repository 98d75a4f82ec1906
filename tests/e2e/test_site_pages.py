"""The site shell's pages in a real browser: accessible, readable, keyboard-usable."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.audit import (
    assert_focus_visible,
    assert_no_axe_violations,
    assert_reflows_at_double_text_size,
    assert_sound_structure,
)

SHELL_PAGES = {"home": "home", "privacy": "privacy"}


@pytest.mark.parametrize("name", SHELL_PAGES)
def test_shell_page_is_accessible(page: Page, site, size, shoot, name):
    page.goto(site + reverse(SHELL_PAGES[name]))
    assert_no_axe_violations(page)
    assert_sound_structure(page)
    shoot(name)


def test_not_found_page_is_accessible_and_friendly(page: Page, site, size, shoot):
    response = page.goto(site + "/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_no_axe_violations(page)
    assert_sound_structure(page)
    shoot("404")


@pytest.mark.parametrize("name", SHELL_PAGES)
def test_shell_page_reflows_and_shows_focus(page: Page, site, name):
    page.goto(site + reverse(SHELL_PAGES[name]))
    assert_focus_visible(page)
    assert_reflows_at_double_text_size(page)


def test_skip_link_is_first_and_moves_focus_to_main(page: Page, site):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_styles_and_htmx_load_under_the_content_security_policy(page: Page, site):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(site + "/")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        == "rgb(10, 74, 104)"
    )
    assert page.evaluate("typeof window.htmx") == "object"
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_base_font_is_at_least_18px_on_a_phone(page: Page, site):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + "/")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert size >= 18
