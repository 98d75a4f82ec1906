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


def test_patient_finds_reads_and_moves_on_to_the_calculator(page: Page, site, size, shoot):
    page.goto(site + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Conditions").click()
    expect(page).to_have_url(site + reverse("conditions:list"))
    page.get_by_role("link", name="Hemifacial spasm").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hemifacial spasm")
    shoot("article")

    # The contents list jumps to a section.
    contents = page.get_by_role("navigation", name="On this page")
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
