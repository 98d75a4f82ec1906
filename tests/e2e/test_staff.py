"""Journey 4: staff in the admin. An editor drafts a change to a live article while patients keep
reading the published one; a clinical reviewer previews it, signs it off and publishes it; the
patient sees it; the reviewer restores the earlier version and publishes that. A coordinator finds,
takes and closes an enquiry; an editor cannot open enquiries."""

import importlib
import re
from base64 import b32decode

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from clinic.models import StaffProfile
from conditions.models import Condition
from contact.models import Enquiry
from tests.e2e.audit import assert_no_axe_violations
from tests.e2e.conftest import SIZES
from tests.e2e.test_calculator import answer
from tests.e2e.test_write_in import REFERENCE, fill_enquiry

PASSWORD = "a-long-pass-phrase-for-tests-1"
NEW_SENTENCE = "A new sentence the editor wrote today."
WHAT_CHANGED = "Added a sentence to the symptoms."

GROUPS = importlib.import_module("conditions.migrations.0009_clinical_reviewers_group")
COORDINATORS = importlib.import_module("contact.migrations.0002_coordinators_group")


@pytest.fixture(autouse=True)
def staff_groups(site):
    """The groups come from data migrations, but live-server tests flush the database between
    tests; rebuild them from the same permission lists the migrations use."""
    for name, codenames in [
        (GROUPS.EDITORS, GROUPS.EDITOR_CODENAMES),
        (GROUPS.REVIEWERS, GROUPS.REVIEWER_CODENAMES),
    ]:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="conditions", codename__in=codenames)
        )
    coordinators, _ = Group.objects.get_or_create(name=COORDINATORS.GROUP)
    coordinators.permissions.set(
        Permission.objects.filter(
            content_type__app_label="contact", codename__in=[code for _, code in COORDINATORS.PERMISSIONS]
        )
    )


def staff(username: str, group: str, *, two_factor: bool | None = None) -> User:
    """A staff member; coordinators have their authenticator app set up (they must), editors not."""
    user = User.objects.create_user(username, f"{username}@clinic.example.sg", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    if two_factor if two_factor is not None else group == COORDINATORS.GROUP:
        TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return user


def app_code(key: bytes) -> str:
    """What the person's authenticator app shows now for this key."""
    return f"{totp(key):06d}"


def sign_in(page: Page, site: str, username: str) -> None:
    """The sign-in form, with the code from the authenticator app when the person has one."""
    page.goto(site + reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is not None:
        page.get_by_label("Code").fill(app_code(device.bin_key))
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


@pytest.fixture
def csp_errors(page: Page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    return errors


def new_page(browser: Browser, size: str, errors: list[str]) -> Page:
    """Another person, in a browser of their own, at the same screen size."""
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    return page


def symptoms(page: Page):
    kind = page.locator("select[name$='-kind']").filter(has=page.locator("option[value='symptoms']:checked"))
    return page.locator(f"textarea[name='{kind.get_attribute('name').replace('-kind', '-body')}']")


def sign_off_and_publish(page: Page, note: str, shoot=None) -> None:
    page.get_by_role("link", name="Sign off and publish").first.click()
    expect(page.locator("#content")).to_contain_text("Dr Tan Wei Ming")
    page.get_by_label("What changed (shown to patients)").fill(note)
    if shoot:
        shoot("admin-publish", on=page)
    page.get_by_role("button", name="Sign off and publish").click()
    expect(page.locator(".messagelist")).to_contain_text("patients see it now")


def test_editor_drafts_reviewer_publishes_patient_reads_then_reviewer_restores(
    page: Page, browser: Browser, site, size, shoot, csp_errors
):
    article = reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"})
    condition = Condition.objects.get(slug="hemifacial-spasm")
    patient = new_page(browser, size, csp_errors)
    patient.goto(site + article)
    published = patient.locator("article").inner_text()
    assert NEW_SENTENCE not in published

    # The editor drafts a change to the live article, watching its preview as they type.
    staff("editor1", "Editors")
    sign_in(page, site, "editor1")
    page.get_by_role("link", name="Conditions", exact=True).first.click()
    page.get_by_role("link", name="Hemifacial spasm").click()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth") or (
        size == "phone"
    ), "the editing screen runs off the right edge"
    page.locator("#sections-group summary").first.click()
    body = symptoms(page)
    body.fill(body.input_value() + f"\n\n{NEW_SENTENCE}")
    preview = body.locator("xpath=following-sibling::details[1]")
    preview.locator("summary").click()
    expect(preview).to_contain_text(NEW_SENTENCE)  # the live preview, rendered by the server
    shoot("admin-editing")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Saved as a draft. Patients still see version 1")

    # Patients still read the published version.
    patient.reload()
    assert patient.locator("article").inner_text() == published

    # A clinical reviewer previews the draft, signs it off and publishes it with a note.
    reviewer = staff("reviewer1", "Clinical reviewers")
    StaffProfile.objects.create(user=reviewer, display_name="Dr Tan Wei Ming", role="Consultant neurosurgeon")
    staff_page = new_page(browser, size, csp_errors)
    sign_in(staff_page, site, "reviewer1")
    staff_page.goto(site + reverse("conditions:preview", args=[condition.pk]))
    expect(staff_page.locator(".draft-banner")).to_contain_text("Preview: not published.")
    expect(staff_page.locator("#symptoms").locator("xpath=..")).to_contain_text(NEW_SENTENCE)
    assert_no_axe_violations(staff_page)
    shoot("preview", on=staff_page)
    sign_off_and_publish(staff_page, WHAT_CHANGED, shoot)

    # The patient sees the new text, signed off today.
    patient.reload()
    expect(patient.locator("#symptoms").locator("xpath=..")).to_contain_text(NEW_SENTENCE)
    today = timezone.localdate()
    review = patient.locator(".article-review")
    expect(review).to_contain_text(f"{today.day} {today:%B %Y} by Dr Tan Wei Ming, Consultant neurosurgeon")
    expect(review).to_contain_text(WHAT_CHANGED)
    assert_no_axe_violations(patient)

    # The history, a comparison, then the reviewer restores version 1 and publishes it.
    staff_page.goto(site + reverse("admin:conditions_condition_versions", args=[condition.pk]))
    expect(staff_page.locator("table.versions")).to_contain_text(WHAT_CHANGED)
    shoot("admin-versions", on=staff_page)
    staff_page.get_by_role("link", name="Compare with version 1").click()
    expect(staff_page.locator(".diff ins").first).to_contain_text("A new sentence")
    shoot("admin-compare", on=staff_page)
    staff_page.goto(site + reverse("admin:conditions_condition_versions", args=[condition.pk]))
    staff_page.get_by_role("link", name="Restore as the draft (version 1)").click()
    staff_page.get_by_role("button", name="Restore version 1 as the draft").click()
    expect(staff_page.locator(".messagelist")).to_contain_text("Version 1 is now the draft")
    patient.reload()
    expect(patient.locator("article")).to_contain_text(NEW_SENTENCE)  # not until it is published
    sign_off_and_publish(staff_page, "Back to the earlier text.")
    patient.reload()
    expect(patient.locator("article")).not_to_contain_text(NEW_SENTENCE)
    expect(patient.locator(".article-review")).to_contain_text("Back to the earlier text.")
    assert csp_errors == [], csp_errors


def test_the_editing_screen_with_every_group_open_fits_the_screen(page: Page, site, size, shoot, csp_errors):
    staff("editor2", "Editors")
    sign_in(page, site, "editor2")
    condition = Condition.objects.get(slug="hemifacial-spasm")
    page.goto(site + reverse("admin:conditions_condition_change", args=[condition.pk]))
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    expect(page.locator("#figures-group")).to_contain_text("of 250 characters")
    expect(
        page.locator("#references-group textarea, #references-group input[name$='-title']").first
    ).to_be_visible()
    shoot("admin-editing-open")
    if size == "desktop":  # (Django's admin itself scrolls sideways on a phone)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the editing screen runs {overflow}px off the right edge at 1280px"
    assert csp_errors == [], csp_errors


def test_the_text_preview_works_without_javascript(browser: Browser, site):
    staff("editor3", "Editors")
    context = browser.new_context(java_script_enabled=False, viewport=SIZES["desktop"])
    page = context.new_page()
    try:
        sign_in(page, site, "editor3")
        condition = Condition.objects.get(slug="hemifacial-spasm")
        page.goto(site + reverse("admin:conditions_condition_change", args=[condition.pk]))
        page.locator("#sections-group summary").first.click()  # a <details>: no script needed
        with context.expect_page() as opened:
            page.get_by_role("button", name="Preview all texts in a new tab").first.click()
        preview = opened.value
        preview.wait_for_load_state()
        expect(preview.locator("#content")).to_contain_text("Nothing has been saved")
        expect(preview.locator(".text-preview").first).to_contain_text("Hemifacial spasm")
    finally:
        context.close()


def test_coordinator_finds_takes_and_closes_a_new_enquiry(page: Page, site, size, shoot, csp_errors):
    page.goto(site + reverse("contact:form"))
    fill_enquiry(page)
    page.get_by_role("button", name="Send my message").click()
    reference = page.locator(".contact-reference__number").inner_text().strip()
    assert REFERENCE.fullmatch(reference)

    staff("coord1", "Coordinators")
    sign_in(page, site, "coord1")
    page.goto(site + reverse("admin:contact_enquiry_changelist"))
    page.locator("#searchbar").fill(reference)
    page.locator("#searchbar").press("Enter")
    shoot("admin-enquiries")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("main, #content").first).to_contain_text("Tan Mei Ling")
    page.get_by_label("Assignee").select_option(label="coord1")
    page.get_by_label("Status").select_option("closed")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    enquiry = Enquiry.objects.get(reference=reference)
    assert enquiry.status == Enquiry.Status.CLOSED
    assert enquiry.assignee.username == "coord1"
    assert enquiry.name == "Tan Mei Ling"  # what the patient wrote is untouched
    assert csp_errors == [], csp_errors


def test_editor_cannot_open_enquiries(page: Page, site):
    staff("editor2", "Editors")
    sign_in(page, site, "editor2")
    expect(page.locator("#content")).not_to_contain_text("Enquiries")
    response = page.goto(site + reverse("admin:contact_enquiry_changelist"))
    assert response.status == 403


def test_coordinator_sees_a_sent_calculator_result_with_its_date_and_the_same_result_page(
    page: Page, site, size
):
    page.goto(site + reverse("grading:calculator"))
    eye_only = {"periocular": "yes", "other_regions": "no", "vision_interference": "no",
                "disfiguring_asymmetry": "no", "severity": "1", "frequency": "2"}  # fmt: skip
    answer(page, eye_only)
    page.get_by_role("button", name="Show my result").click()
    worked_out = page.locator(".result__date time").inner_text()
    page.get_by_role("link", name="Send this result to the care coordinator").click()
    fill_enquiry(page)
    page.get_by_role("button", name="Send my message").click()
    reference = page.locator(".contact-reference__number").inner_text().strip()

    staff("coord2", "Coordinators")
    sign_in(page, site, "coord2")
    page.goto(
        site + reverse("admin:contact_enquiry_change", args=[Enquiry.objects.get(reference=reference).pk])
    )
    result = page.locator(".field-calculator_summary")
    expect(result).to_contain_text("Grade I on a scale from I to IV.")
    expect(result).to_contain_text("Eyelid score 3 out of 8")
    expect(result).to_contain_text(f"Worked out with the calculator on {worked_out}.")
    expect(result.get_by_role("row", name=re.compile("1. Do the muscles around one eye"))).to_contain_text(
        "Yes"
    )
    expect(result.get_by_role("row", name=re.compile("5. How strong"))).to_contain_text("Very slight")
    page.get_by_role("link", name="Open the result page the patient saw").click()
    expect(page.locator(".result__date time")).to_have_text(worked_out)
    expect(page.locator("#result .result__value").first).to_have_text("Grade I")


def test_coordinator_sets_up_two_factor_sign_in_and_keeps_recovery_codes(page: Page, site, size, shoot):
    staff("coord2", COORDINATORS.GROUP, two_factor=False)
    page.goto(site + reverse("admin:login"))
    shoot("admin-sign-in")
    page.get_by_label("Username").fill("coord2")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()

    # The password alone leads only to setting up the app.
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    shoot("admin-two-factor-setup")
    key = b32decode(page.locator("code").inner_text().replace(" ", ""))
    page.get_by_label("Code from the app").fill(app_code(key))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    shoot("admin-recovery-codes")
    page.get_by_role("link", name=re.compile("continue to the admin")).click()
    expect(page.locator("#user-tools")).to_contain_text("Signed in until")
    page.goto(site + reverse("admin:contact_enquiry_changelist"))
    expect(page.get_by_role("heading", name=re.compile("enquir", re.I)).first).to_be_visible()
