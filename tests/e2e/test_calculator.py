"""Journey 2 (first half): a patient completes the severity calculator, with and without JavaScript."""

from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.audit import assert_no_axe_violations, assert_sound_structure

GRADE_II = {
    "periocular": "yes",
    "other_regions": "yes",
    "vision_interference": "no",
    "disfiguring_asymmetry": "no",
    "severity": "2",
    "frequency": "3",
}


def answer(page: Page, answers: dict[str, str]) -> None:
    for name, value in answers.items():
        page.locator(f"input[name={name}][value='{value}']").check()


def test_with_javascript_the_result_updates_in_place_and_is_announced(page: Page, site, size, shoot):
    page.goto(site + reverse("grading:calculator"))
    status = page.locator("#result-status")
    expect(status).to_have_attribute("aria-live", "polite")
    answer(page, dict(list(GRADE_II.items())[:2]))
    expect(status).to_contain_text("2 of 6 questions answered")
    answer(page, GRADE_II)
    expect(status).to_contain_text("grade II out of IV")
    expect(status).to_contain_text("eyelid score 5 out of 8")
    expect(page.locator("#result")).to_contain_text("II")
    assert "result=" not in page.url, "htmx should update the page in place, not navigate"
    assert_no_axe_violations(page)
    assert_sound_structure(page)
    shoot("calculator-result-js")


def test_without_javascript_the_plain_form_post_shows_the_result(browser, site, size):
    context = browser.new_context(
        java_script_enabled=False, viewport=None if size == "desktop" else {"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto(site + reverse("grading:calculator"))
        answer(page, GRADE_II)
        page.get_by_role("button", name="Show my result").click()
        page.wait_for_url("**/grading/hemifacial-spasm/?result=*")
        expect(page.locator("#result")).to_contain_text("II")
        expect(page.get_by_role("link", name="Send this result to the care coordinator")).to_be_visible()
        assert_sound_structure(page)
    finally:
        context.close()


def test_missing_answers_show_an_error_summary_that_takes_focus(page: Page, site, size, shoot):
    page.goto(site + reverse("grading:calculator"))
    answer(page, {"periocular": "yes"})
    page.get_by_role("button", name="Show my result").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link").first).to_be_visible()
    assert_no_axe_violations(page)
    shoot("calculator-errors")


def test_empty_calculator_is_accessible(page: Page, site, size, shoot):
    page.goto(site + reverse("grading:calculator"))
    assert_no_axe_violations(page)
    assert_sound_structure(page)
    shoot("calculator-empty")
