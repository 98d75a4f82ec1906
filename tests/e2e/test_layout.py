"""The site's shell in a real browser: a compact header on phones, no sideways scrolling, a footer
at the bottom of short pages, room around the content, phone numbers as unbroken tel: links, and
the icons browsers ask for."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from clinic.models import ClinicProfile
from tests.e2e.audit import (
    assert_no_axe_violations,
    assert_reflows_at_double_text_size,
    assert_sound_structure,
)
from tests.e2e.test_write_in import fill_enquiry

# Every page type that wears the shell.
PAGES = {
    "home": "/",
    "conditions": "/conditions/",
    "no-match": "/conditions/search/?q=zzzz",
    "article": "/conditions/hemifacial-spasm/",
    "calculators": "/grading/",
    "calculator": "/grading/hemifacial-spasm/",
    "write-in": "/contact/",
    "privacy": "/privacy/",
    "not-found": "/no-such-page/",
}
PHONE_PAGES = ["home", "conditions", "no-match", "article", "calculators", "write-in", "privacy", "not-found"]
MAX_PHONE_HEADER = 110
PHONE_NUMBER = r"(\+65[\s\d]{8,})|(\b995\b)"


def assert_phone_numbers_are_tel_links(page: Page) -> None:
    """Every phone number in the page's text is inside a tel: link that does not wrap."""
    problems = page.evaluate(
        """(pattern) => {
          const re = new RegExp(pattern, 'g');
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          const bad = [];
          let found = 0;
          while (walker.nextNode()) {
            const node = walker.currentNode;
            if (node.parentElement.closest('script, style, [hidden]')) continue;  // on screen only
            for (const match of node.textContent.matchAll(re)) {
              found += 1;
              const link = node.parentElement.closest('a[href^="tel:"]');
              if (!link) { bad.push('not a tel: link: ' + match[0]); continue; }
              if (getComputedStyle(link).whiteSpace !== 'nowrap') bad.push('may wrap: ' + match[0]);
              const digits = match[0].replace(/[^+\\d]/g, '');
              if (link.getAttribute('href') !== 'tel:' + digits) bad.push('wrong number: ' + link.href);
            }
          }
          return {found, bad};
        }""",
        PHONE_NUMBER,
    )
    assert problems["found"] > 0, "the page shows no phone number at all"
    assert problems["bad"] == [], problems["bad"]


def header_layout(page: Page) -> dict:
    return page.evaluate(
        """() => ({
          height: document.querySelector('.site-header').getBoundingClientRect().height,
          tops: [...document.querySelectorAll('.site-nav a')].map(a => Math.round(a.getBoundingClientRect().top)),
          heights: [...document.querySelectorAll('.site-nav a')].map(a => a.getBoundingClientRect().height),
        })"""
    )


def horizontal_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("name", PAGES)
def test_phone_header_is_compact_with_the_navigation_on_one_line(page: Page, site, name):
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(site + PAGES[name])
        layout = header_layout(page)
        assert layout["height"] <= MAX_PHONE_HEADER, f"header is {layout['height']}px tall at {width}px"
        assert max(layout["tops"]) - min(layout["tops"]) <= 4, f"navigation wraps at {width}px: {layout}"
        assert min(layout["heights"]) >= 24, "navigation targets must be at least 24px tall (WCAG 2.5.8)"


@pytest.mark.parametrize("name", PAGES)
def test_nothing_scrolls_sideways_at_320px_or_with_text_at_200_percent(page: Page, site, name):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site + PAGES[name])
    assert horizontal_overflow(page) <= 0, f"{name} scrolls sideways at 320px"
    assert_reflows_at_double_text_size(page)


@pytest.mark.parametrize("name", ["not-found", "calculators", "no-match"])
def test_footer_sits_at_the_bottom_of_a_short_page(page: Page, site, name):
    page.set_viewport_size({"width": 1280, "height": 2400})  # taller than any of these pages
    page.goto(site + PAGES[name])
    bottom = page.evaluate("document.querySelector('.site-footer').getBoundingClientRect().bottom")
    assert bottom == pytest.approx(2400, abs=1), "a band of page shows below the footer"


@pytest.mark.parametrize("name", ["home", "calculators", "privacy", "write-in"])
def test_content_has_room_below_the_header_and_above_the_footer(page: Page, site, size, name):
    page.goto(site + PAGES[name])
    gaps = page.evaluate(
        """() => {
          const main = document.querySelector('main');
          const first = main.firstElementChild.getBoundingClientRect();
          const last = main.lastElementChild.getBoundingClientRect();
          return {
            top: first.top - document.querySelector('.site-header').getBoundingClientRect().bottom,
            bottom: document.querySelector('.site-footer').getBoundingClientRect().top - last.bottom,
          };
        }"""
    )
    assert gaps["top"] >= 24, f"the first heading is jammed under the header: {gaps}"
    assert gaps["bottom"] >= 24, f"the content sits flush against the footer: {gaps}"


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_every_phone_number_is_an_unbroken_tel_link(page: Page, site, name):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site + PAGES[name])
    assert_phone_numbers_are_tel_links(page)


def test_thank_you_page_phone_numbers_and_spacing(page: Page, site, size, shoot):
    page.goto(site + reverse("contact:form"))
    fill_enquiry(page)
    page.get_by_role("button", name="Send my message").click()
    expect(page.locator(".contact-reference__number")).to_be_visible()
    assert_phone_numbers_are_tel_links(page)
    assert_no_axe_violations(page)
    shoot("write-in-thanks-plain")


def test_favicon_and_icons_answer(page: Page, site):
    page.goto(site + "/")
    assert page.request.get(site + "/favicon.ico").status == 200
    hrefs = page.eval_on_selector_all(
        "link[rel~=icon], link[rel=apple-touch-icon], link[rel=manifest]", "links => links.map(l => l.href)"
    )
    assert len(hrefs) == 4
    for href in hrefs:
        response = page.request.get(href)
        assert response.status == 200, href
    manifest = page.request.get(hrefs[-1]).json()
    for icon in manifest["icons"]:
        assert page.request.get(re.sub(r"[^/]+$", "", hrefs[-1]) + icon["src"]).status == 200


def test_calculator_index_is_accessible(page: Page, site, size, shoot):
    page.goto(site + reverse("grading:index"))
    assert_no_axe_violations(page)
    assert_sound_structure(page)
    shoot("calculators")


def test_clinic_details_show_where_set_and_are_accessible(page: Page, site, size, shoot):
    profile = ClinicProfile.objects.get()
    profile.email = "care@clinic.example.sg"
    profile.address = "1 Example Road\n#05-01 Example Medical Centre\nSingapore 000000"
    profile.opening_hours = "Monday to Friday: 9am to 5pm\nSaturday: 9am to 12 noon"
    profile.map_url = "https://maps.example.org/?q=clinic"
    profile.save()  # save(), not update(): the signal clears the cached profile
    page.goto(site + "/")
    expect(page.locator("main .clinic-details")).to_contain_text("Example Medical Centre")
    expect(page.locator("footer .clinic-details")).to_contain_text("Saturday: 9am to 12 noon")
    expect(page.get_by_role("link", name="See where we are on a map").first).to_be_visible()
    assert_no_axe_violations(page)
    assert_phone_numbers_are_tel_links(page)
    shoot("home-with-clinic-details")
    page.goto(site + reverse("contact:form"))
    expect(page.locator("main .clinic-details")).to_contain_text("care@clinic.example.sg")
    assert_no_axe_violations(page)
