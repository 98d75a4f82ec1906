"""Printing: a calculator result and a condition article as handouts that lead back to the live page.

Chromium renders each page with the print stylesheet (print media emulation); the screenshots of
the printed result and article are written to .e2e-artifacts/screens/ for people to look at.
"""

import datetime
import re
import zoneinfo

from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from clinic.models import ClinicProfile
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_calculator import GRADE_II, answer

STYLE_OF = """(selector) => { const e = document.querySelector(selector); const s = getComputedStyle(e);
  return {outline: s.outlineStyle, shadow: s.boxShadow, background: s.backgroundColor, display: s.display}; }"""


def printed(page: Page, name: str) -> None:
    page.emulate_media(media="print")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_print_header(page: Page) -> None:
    clinic = ClinicProfile.load()
    header = page.locator("#print-header")
    expect(header).to_be_visible()
    expect(header).to_contain_text(clinic.name)
    expect(header).to_contain_text(clinic.phone)
    # The page's full address, as the browser knows it (without a fragment).
    expect(header.locator(".print-header__address")).to_have_text(page.url.split("#")[0])
    expect(header.locator("svg.print-header__qr")).to_be_visible()
    today = datetime.datetime.now(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    expect(header).to_contain_text(f"Printed on {today.day} {today:%B %Y}")


def assert_no_navigation(page: Page) -> None:
    for chrome in [".site-header", ".skip-link", "#questions", ".result__actions", ".breadcrumbs"]:
        if page.locator(chrome).count():
            expect(page.locator(chrome).first).to_be_hidden()


def test_a_printed_result_names_the_clinic_and_its_full_address_without_focus_outline(page: Page, site):
    page.goto(site + reverse("grading:calculator"))
    answer(page, GRADE_II)
    page.get_by_role("button", name="Show my result").click()
    page.wait_for_url(re.compile(r"\?result="))
    expect(page.locator("#result-heading")).to_be_focused()  # as after "Show my result"
    printed(page, "print-result")
    assert_print_header(page)
    assert_no_navigation(page)
    heading = page.evaluate(STYLE_OF, "#result-heading")
    assert heading["outline"] == "none" and heading["shadow"] == "none", heading
    assert heading["background"] in ("rgba(0, 0, 0, 0)", "transparent"), heading
    # Questions and answers as a table; links written out in full.
    expect(page.locator(".answers-table tbody tr")).to_have_count(6)
    treatments = page.get_by_role("link", name="Read about the treatments for hemifacial spasm")
    expect(treatments).to_have_attribute("data-print-href", site + "/conditions/hemifacial-spasm/#treatments")
    after = treatments.evaluate("a => getComputedStyle(a, '::after').content")
    assert "data-print-href" in after or site in after, after
    # A heading never ends a page.
    for selector in ["h2", "h3"]:
        assert (
            page.evaluate(f"getComputedStyle(document.querySelector('main {selector}')).breakAfter")
            == "avoid"
        )


def test_a_printed_article_names_the_clinic_and_its_full_address(page: Page, site):
    page.goto(site + reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"}))
    page.get_by_role("link", name="Treatments").first.focus()
    printed(page, "print-article")
    assert_print_header(page)
    assert_no_navigation(page)
    focused = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.boxShadow]; }"
    )
    assert focused == ["none", "none"], focused
    internal = page.locator("main a[href^='/']").first
    expect(internal).to_have_attribute("data-print-href", re.compile("^" + re.escape(site) + "/"))


def test_without_javascript_the_printout_still_names_the_page(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site + reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"}))
        page.emulate_media(media="print")
        header = page.locator("#print-header")
        expect(header).to_contain_text(ClinicProfile.load().name)
        expect(header.locator(".print-header__address")).to_have_text(page.url)
        expect(header.locator(".print-header__date")).to_be_hidden()  # only the browser knows today
    finally:
        context.close()


def test_on_screen_the_print_header_is_neither_shown_nor_read(page: Page, site):
    page.goto(site + reverse("grading:calculator"))
    expect(page.locator("#print-header")).to_be_hidden()
    assert page.get_by_role("img").filter(has=page.locator(".print-header__qr")).count() == 0
