"""Journey 2 (first half): a patient completes the severity calculator, with and without JavaScript,
including answers that contradict each other and the tools around a result."""

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.audit import (
    assert_no_axe_violations,
    assert_reflows_at_double_text_size,
    assert_sound_structure,
)

GRADE_II = {
    "periocular": "yes",
    "other_regions": "yes",
    "vision_interference": "no",
    "disfiguring_asymmetry": "no",
    "severity": "2",
    "frequency": "3",
}


# Rule C of the spec: the eye shut by spasm most of the day (question 6), but no trouble seeing (question 3).
EYE_SHUT_BUT_SEES = {**GRADE_II, "frequency": "4"}


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


def test_contradicting_answers_are_named_then_fixing_one_gives_the_result(page: Page, site, size, shoot):
    page.goto(site + reverse("grading:calculator"))
    answer(page, EYE_SHUT_BUT_SEES)
    result = page.locator("#result")
    expect(result).to_contain_text("Some answers do not agree, so there is no result yet.")
    expect(page.locator("#result-status")).to_contain_text(
        "Some answers do not agree: check questions 3 and 6."
    )
    expect(result.locator(".result__value")).to_have_count(0)
    if size == "desktop":
        expect(page.locator("#result-summary")).to_contain_text("Some answers need checking")
    assert_no_axe_violations(page)
    shoot("calculator-contradictory-js")

    # The summary's link goes to the question; changing that one answer gives the result.
    result.get_by_role("link", name="Question 3").click()
    assert page.url.endswith("#id_vision_interference_0")
    expect(page.locator("#id_vision_interference_0")).to_be_in_viewport()
    page.locator("input[name=vision_interference][value=yes]").check()
    expect(page.locator("#result-status")).to_contain_text("grade III out of IV")
    expect(result.locator(".result__value").first).to_have_text("Grade III")
    # Every other answer was kept.
    for name, value in EYE_SHUT_BUT_SEES.items():
        if name != "vision_interference":
            expect(page.locator(f"input[name={name}][value='{value}']")).to_be_checked()


def test_without_javascript_contradicting_answers_get_an_error_summary_then_a_result(browser, site, size):
    viewport = {"width": 390, "height": 844} if size == "phone" else {"width": 1280, "height": 800}
    context = browser.new_context(java_script_enabled=False, viewport=viewport)
    page = context.new_page()
    try:
        page.goto(site + reverse("grading:calculator"))
        answer(page, EYE_SHUT_BUT_SEES)
        page.get_by_role("button", name="Show my result").click()
        summary = page.locator("#error-summary")
        expect(summary).to_contain_text("Some answers do not agree")
        expect(summary.get_by_role("link", name="Question 3")).to_have_attribute(
            "href", "#id_vision_interference_0"
        )
        expect(summary.get_by_role("link", name="question 6")).to_have_attribute("href", "#id_frequency_0")
        expect(page.locator("#id_vision_interference_error")).to_contain_text(
            "does not agree with what you said in question 6"
        )
        assert_sound_structure(page)  # (axe needs scripts to run: see the test after next)
        summary.get_by_role("link", name="Question 3").click()
        page.locator("input[name=vision_interference][value=yes]").check()
        page.get_by_role("button", name="Show my result").click()
        page.wait_for_url(re.compile(r"\?result="))
        expect(page.locator("#result .result__value").first).to_have_text("Grade III")
    finally:
        context.close()


def test_the_page_of_contradicting_answers_is_accessible(page: Page, site, size, shoot):
    # The full page a plain POST gets back, with scripts on so that axe can run in it.
    page.goto(site + reverse("grading:calculator"))
    answer(page, EYE_SHUT_BUT_SEES)
    page.get_by_role("button", name="Show my result").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Some answers do not agree")
    assert_no_axe_violations(page)
    assert_sound_structure(page)
    shoot("calculator-contradictory")


def test_the_result_and_its_tools_are_accessible_and_copy_gives_plain_text(page: Page, site, size, shoot):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(site + reverse("grading:calculator"))
    answer(page, GRADE_II)
    page.get_by_role("button", name="Show my result").click()
    expect(page.locator("#result-heading")).to_be_focused()
    assert_no_axe_violations(page)
    assert_sound_structure(page)
    page.get_by_role("button", name="Copy result").click()
    expect(page.locator("#result-copied")).to_contain_text("Result copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Grade II on a scale from I to IV." in copied
    assert "Eyelid score 5 out of 8" in copied
    assert "6. How often does your eyelid blink, flutter or close with spasm? Spasms last longer" in copied
    assert page.url.split("#")[0] in copied
    shoot("calculator-result-page")


def test_copy_and_print_buttons_are_hidden_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site + reverse("grading:calculator"))
        answer(page, GRADE_II)
        page.get_by_role("button", name="Show my result").click()
        expect(page.locator("#result .result__value").first).to_have_text("Grade II")
        expect(page.get_by_role("button", name="Copy result")).to_be_hidden()
        expect(page.get_by_role("button", name="Print this result")).to_be_hidden()
        expect(
            page.get_by_role("link", name="Open this result as a page to print or bookmark")
        ).to_be_visible()
    finally:
        context.close()


def test_start_again_clears_every_answer(page: Page, site, size):
    page.goto(site + reverse("grading:calculator"))
    answer(page, GRADE_II)
    expect(page.locator("#result-status")).to_contain_text("grade II")
    page.get_by_role("link", name="Start again", exact=True).click()
    expect(page.locator("#questions input[type=radio]:checked")).to_have_count(0)
    expect(page.locator("#result")).to_contain_text("Your result will show here")


def test_the_summary_stays_beside_the_questions_on_wide_screens_only(page: Page, site, size):
    page.goto(site + reverse("grading:calculator"))
    answer(page, GRADE_II)
    summary = page.locator("#result-summary")
    if size == "phone":
        expect(summary).to_be_hidden()
        return
    expect(summary).to_contain_text("Grade II")
    page.locator("#id_frequency_4").scroll_into_view_if_needed()
    expect(summary).to_be_in_viewport()
    form, box = page.locator("#questions").bounding_box(), summary.bounding_box()
    assert box["x"] >= form["x"] + form["width"], "the summary must sit beside the questions, never over them"


def test_at_200_percent_zoom_nothing_covers_the_questions(page: Page, site):
    # A 1280 x 800 screen at 200% zoom is a 640 x 400 CSS viewport: one column, no sticky summary.
    page.set_viewport_size({"width": 640, "height": 400})
    page.goto(site + reverse("grading:calculator"))
    answer(page, GRADE_II)
    expect(page.locator("#result-status")).to_contain_text("grade II")
    expect(page.locator("#result-summary")).to_be_hidden()
    sticky = page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(e => ['sticky', 'fixed'].includes(getComputedStyle(e).position)).length"
    )
    assert sticky == 0
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert_reflows_at_double_text_size(page)
