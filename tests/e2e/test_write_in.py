"""Journeys 2 (second half) and 3: a patient sends a calculator result to the care coordinator and
writes in, with JavaScript, without it, and with the keyboard alone."""

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

from contact.models import Enquiry
from tests.e2e.audit import assert_no_axe_violations, assert_sound_structure
from tests.e2e.test_calculator import GRADE_II, answer

REFERENCE = re.compile(r"NAC-[A-Z0-9]{4}-[A-Z0-9]{4}")


def fill_enquiry(page: Page) -> None:
    page.get_by_label("Your name").fill("Tan Mei Ling")
    page.get_by_label("Email address").fill("meiling@example.sg")
    page.get_by_label("Phone number").fill("9123 4567")
    page.locator("input[name=preferred_contact][value=email]").check()
    page.get_by_label("Your message").fill(
        "My left eye has been twitching for a year. What should I do next?"
    )
    page.get_by_label(re.compile("^I agree to the clinic")).check()


def test_a_calculator_result_travels_to_the_enquiry_and_is_stored(page: Page, site, size, shoot):
    page.goto(site + reverse("grading:calculator"))
    answer(page, GRADE_II)
    page.get_by_role("button", name="Show my result").click()
    page.get_by_role("link", name="Send this result to the care coordinator").click()
    expect(page).to_have_url(re.compile(r"/contact/\?condition=hemifacial-spasm&result="))
    attached = page.locator("#calculator-result")
    expect(attached).to_contain_text("Attached: your severity calculator result")
    expect(attached).to_contain_text("Grade II on a scale from I to IV.")
    expect(attached).to_contain_text("Eyelid score 5 out of 8")
    expect(page.get_by_label("Remove the result from my message")).not_to_be_checked()
    about = page.get_by_role("group", name="What is your enquiry about? (optional)")
    expect(about.get_by_role("radio", name="Hemifacial spasm")).to_be_checked()
    expect(page.locator("#id_consent_helptext")).to_contain_text("your answers to its six questions")
    assert_no_axe_violations(page)
    fill_enquiry(page)
    shoot("write-in-with-result")
    page.get_by_role("button", name="Send my message").click()
    reference = page.locator(".contact-reference__number").inner_text()
    assert REFERENCE.fullmatch(reference.strip())
    assert_no_axe_violations(page)
    assert_sound_structure(page)
    shoot("write-in-thanks")
    enquiry = Enquiry.objects.get(reference=reference.strip())
    assert enquiry.calculator_result["smc_grade"] == 2
    assert enquiry.condition.slug == "hemifacial-spasm"
    assert enquiry.phone == "+6591234567"


def test_the_patient_can_remove_the_result_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site + reverse("grading:calculator"))
        answer(page, GRADE_II)
        page.get_by_role("button", name="Show my result").click()
        page.get_by_role("link", name="Send this result to the care coordinator").click()
        fill_enquiry(page)
        page.get_by_label("Remove the result from my message").check()
        page.get_by_role("button", name="Send my message").click()
        expect(page.locator(".contact-reference__number")).to_have_text(REFERENCE)
        assert Enquiry.objects.get().calculator_result is None
    finally:
        context.close()


def test_writing_in_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site + reverse("contact:form") + "?condition=hemifacial-spasm")
        fill_enquiry(page)
        page.get_by_role("button", name="Send my message").click()
        expect(page.locator(".contact-reference__number")).to_have_text(REFERENCE)
        enquiry = Enquiry.objects.get()
        assert enquiry.condition.slug == "hemifacial-spasm"
    finally:
        context.close()


def test_enquiry_form_empty_and_with_errors_is_accessible(page: Page, site, size, shoot):
    page.goto(site + reverse("contact:form"))
    assert_no_axe_violations(page)
    assert_sound_structure(page)
    shoot("write-in-empty")
    page.get_by_role("button", name="Send my message").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert_no_axe_violations(page)
    shoot("write-in-errors")
    assert Enquiry.objects.count() == 0


def focused(page: Page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return {tag: e.tagName, name: e.name || '', type: e.type || '', value: e.value || '', text: (e.innerText || '').trim().slice(0, 40),"
        " outline: s.outlineStyle, shadow: s.boxShadow}; }"
    )


def tab_to(page: Page, predicate, limit: int = 60) -> dict:
    """Press Tab until predicate(focused element) holds; every stop must show a focus indicator."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["outline"] != "none" or now["shadow"] != "none", f"no visible focus on {now}"
        if predicate(now):
            return now
    raise AssertionError("Tab never reached the wanted element")


def test_keyboard_only_enquiry_journey(page: Page, site, size):
    page.goto(site + reverse("home"))
    tab_to(page, lambda f: f["text"] == "Write in")
    page.keyboard.press("Enter")
    page.wait_for_url("**/contact/")
    # Send the empty form from the keyboard: focus lands on the error summary.
    tab_to(page, lambda f: f["text"] == "Send my message")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    # The summary's first link takes focus to the first field with a problem.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "name"
    page.keyboard.type("Tan Mei Ling")
    tab_to(page, lambda f: f["name"] == "email")
    page.keyboard.type("meiling@example.sg")
    # In a radio group, arrow keys move between the choices and select them.
    tab_to(page, lambda f: f["name"] == "preferred_contact")
    for _ in range(3):
        if focused(page)["value"] == "email":
            break
        page.keyboard.press("ArrowDown")
    assert page.locator("input[name=preferred_contact][value=email]").is_checked()
    tab_to(page, lambda f: f["name"] == "message")
    page.keyboard.type("I would like an appointment to talk about my eye twitching.")
    tab_to(page, lambda f: f["name"] == "consent")
    page.keyboard.press("Space")
    # Shift+Tab goes back the way it came.
    page.keyboard.press("Shift+Tab")
    assert focused(page)["name"] != "consent"
    tab_to(page, lambda f: f["name"] == "consent")
    tab_to(page, lambda f: f["text"] == "Send my message")
    page.keyboard.press("Enter")
    expect(page.locator(".contact-reference__number")).to_have_text(REFERENCE)
    assert Enquiry.objects.filter(name="Tan Mei Ling").count() == 1
