"""Journey 1: a patient finds hemifacial spasm, reads it, uses the contents list and follows the
calculator link. Plus the article pages' accessibility and print handout."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.audit import (
    assert_no_axe_violations,
    assert_reflows_at_double_text_size,
    assert_sound_structure,
)
from tests.e2e.conftest import SIZES


def test_patient_finds_reads_and_moves_on_to_the_calculator(page: Page, site, size, shoot):
    page.goto(site + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Conditions").click()
    expect(page).to_have_url(site + reverse("conditions:list"))
    page.get_by_role("link", name="Hemifacial spasm").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hemifacial spasm")
    shoot("article")

    # The contents list jumps to a section (on a phone it is folded first).
    contents = page.get_by_role("navigation", name="On this page")
    if size == "phone":
        contents.get_by_text("On this page").click()
    contents.locator("a[href='#treatments']").click()
    assert page.url.endswith("#treatments")
    expect(page.locator("#treatments")).to_be_in_viewport()
    expect(page.locator("#treatments").locator("xpath=..")).to_contain_text("Microvascular decompression")

    # The illustration is there, sized and described.
    figure = page.locator("figure img").first
    expect(figure).to_have_attribute("width", re.compile(r"^\d+$"))
    expect(figure).to_have_attribute("height", re.compile(r"^\d+$"))
    assert len(figure.get_attribute("alt")) > 40

    page.get_by_role("link", name="Open the calculator").click()
    expect(page).to_have_url(site + reverse("grading:calculator"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("calculator")


@pytest.mark.parametrize("query", ["twitching", "botox"])
def test_search_finds_the_article_without_javascript(browser, site, query):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site + reverse("conditions:list"))
        page.get_by_role("searchbox").fill(query)
        page.get_by_role("button", name="Search").click()
        expect(page).to_have_url(site + reverse("conditions:search") + f"?q={query}")
        results = page.locator(".search-results")
        # First: the article about it (trigeminal neuralgia's text may mention it too).
        expect(results.get_by_role("heading").first).to_have_text("Hemifacial spasm")
        expect(results.locator("mark").first).to_be_visible()
        results.get_by_role("link", name="Hemifacial spasm").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Hemifacial spasm")
    finally:
        context.close()


@pytest.mark.parametrize("query", ["twitching", "botox"])
def test_search_shows_results_as_the_patient_types(page: Page, site, query):
    page.goto(site + reverse("conditions:search"))
    page.get_by_role("searchbox").press_sequentially(query, delay=30)
    results = page.locator("#search-results")
    # No button pressed: htmx fetched the results and the address followed.
    expect(results.get_by_role("heading").first).to_have_text("Hemifacial spasm")
    expect(page).to_have_url(site + reverse("conditions:search") + f"?q={query}")
    expect(results).to_have_attribute("aria-live", "polite")
    results.get_by_role("link", name="Hemifacial spasm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hemifacial spasm")


def test_a_to_z_letters_lead_to_their_conditions(page: Page, site):
    page.goto(site + reverse("conditions:list"))
    letters = page.get_by_role("navigation", name="Conditions A to Z")
    expect(letters.get_by_role("link")).to_have_count(2)  # H and T: the seeded conditions
    letters.get_by_role("link", name="T", exact=True).click()
    expect(page).to_have_url(site + reverse("conditions:letter", kwargs={"letter": "t"}))
    expect(page.locator("main")).to_contain_text("Trigeminal neuralgia")
    expect(page.locator("main")).not_to_contain_text("Hemifacial spasm")


def test_article_pages_are_accessible(page: Page, site, size, shoot):
    for path in [
        reverse("conditions:list"),
        reverse("conditions:letter", kwargs={"letter": "h"}),
        reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"}),
    ]:
        page.goto(site + path)
        assert_no_axe_violations(page)
        assert_sound_structure(page)
    shoot("conditions-a-z")
    for query in ["spasm", "zzzz"]:  # results, and none
        page.goto(site + reverse("conditions:search") + f"?q={query}")
        assert_no_axe_violations(page)
        assert_sound_structure(page)
    page.goto(site + reverse("conditions:search") + "?q=spasm")
    shoot("conditions-search")


def test_article_reflows_at_double_text_size(page: Page, site):
    page.goto(site + reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"}))
    assert_reflows_at_double_text_size(page)


def test_article_prints_as_a_clean_handout(page: Page, site):
    page.goto(site + reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"}))
    page.emulate_media(media="print")
    assert page.locator(".site-nav").is_hidden()
    link_suffix = page.evaluate(
        "() => { const a = document.querySelector('main a[href^=\"/\"]');"
        " return getComputedStyle(a, '::after').content; }"
    )
    assert "attr(href)" in link_suffix or link_suffix.startswith('" (')


def test_desktop_contents_stay_in_view_and_mark_the_section_being_read(page: Page, site):
    page.set_viewport_size(SIZES["desktop"])
    page.goto(site + reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"}))
    side = page.locator(".contents--side")
    expect(side).to_be_visible()
    expect(page.locator(".contents--fold")).to_be_hidden()
    expect(page.get_by_role("link", name="Back to top").first).to_be_hidden()  # the contents are in view
    for kind in ["treatments", "outlook", "when-to-get-help"]:
        page.locator(f"#{kind}").scroll_into_view_if_needed()
        page.evaluate(f"document.getElementById('{kind}').scrollIntoView({{block: 'start'}})")
        expect(side).to_be_in_viewport()
        expect(side.locator("a[aria-current='true']")).to_have_attribute("href", f"#{kind}")
        expect(side.locator("a[aria-current]")).to_have_count(1)
    # Deep in the page the list is still at the top of the window, not scrolled away.
    assert page.evaluate("window.scrollY") > 3000
    assert 0 <= side.bounding_box()["y"] <= 40
    side.get_by_role("link", name="Causes").click()
    expect(page.locator("#causes")).to_be_in_viewport()
    expect(side.locator("a[aria-current='true']")).to_have_attribute("href", "#causes")


def test_phone_contents_are_folded_and_long_sections_lead_back_to_the_top(page: Page, site):
    page.set_viewport_size(SIZES["phone"])
    page.goto(site + reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"}))
    expect(page.locator(".contents--side")).to_be_hidden()
    fold = page.locator(".contents--fold details")
    expect(fold).not_to_have_attribute("open", "")
    expect(fold.locator("a[href='#overview']")).to_be_hidden()
    # Folded, the contents take one line: the first section starts on the first screen.
    assert page.locator("#overview").bounding_box()["y"] < SIZES["phone"]["height"]
    fold.locator("summary").click()
    expect(fold.locator("a[href='#outlook']")).to_be_visible()
    assert_no_axe_violations(page)
    back = page.get_by_role("link", name="Back to top")
    assert back.count() >= 3
    back.nth(2).scroll_into_view_if_needed()
    back.nth(2).click()
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()


def test_article_has_one_disclaimer_and_says_the_calculator_once(page: Page, site, size):
    page.goto(site + reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"}))
    text = page.locator("body").inner_text()
    assert text.count("does not replace a visit") == 1
    assert (
        len(re.findall(r"calculator", page.locator("main").inner_text(), flags=re.I)) == 2
    )  # the box: text, button
    expect(page.get_by_role("link", name="Open the calculator")).to_have_count(1)
