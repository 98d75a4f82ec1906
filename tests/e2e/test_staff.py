"""Journey 4: staff in the admin. An editor changes and publishes an article and sees it live; a
coordinator finds a new enquiry, takes it and closes it; an editor cannot open enquiries."""

import importlib
import re
from base64 import b32decode

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from conditions.models import Condition
from contact.models import Enquiry
from tests.e2e.test_write_in import REFERENCE, fill_enquiry

PASSWORD = "a-long-pass-phrase-for-tests-1"


EDITORS = importlib.import_module("conditions.migrations.0005_editors_group")
COORDINATORS = importlib.import_module("contact.migrations.0002_coordinators_group")


@pytest.fixture(autouse=True)
def staff_groups(site):
    """The groups come from data migrations, but live-server tests flush the database between
    tests; rebuild them from the same permission lists the migrations use."""
    editors, _ = Group.objects.get_or_create(name=EDITORS.GROUP)
    codenames = [f"{a}_{m}" for m in EDITORS.MODELS for a in EDITORS.ACTIONS if m != "slugredirect"]
    editors.permissions.set(
        Permission.objects.filter(
            content_type__app_label="conditions", codename__in=[*codenames, "view_slugredirect"]
        )
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


def test_editor_edits_symptoms_publishes_and_sees_it_live(page: Page, site, size, shoot, csp_errors):
    Condition.objects.filter(slug="hemifacial-spasm").update(status=Condition.Status.DRAFT)
    staff("editor1", "Editors")
    sign_in(page, site, "editor1")
    page.get_by_role("link", name="Conditions", exact=True).first.click()
    page.get_by_role("link", name="Hemifacial spasm").click()
    shoot("admin-article")

    kind = page.locator("select[name$='-kind']").filter(has=page.locator("option[value='symptoms']:checked"))
    body = page.locator(f"textarea[name='{kind.get_attribute('name').replace('-kind', '-body')}']")
    body.fill(body.input_value() + "\n\nA new sentence written by the editor today.")
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(site + reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"}))
    expect(page.locator("#symptoms").locator("xpath=..")).to_contain_text(
        "A new sentence written by the editor today."
    )
    assert csp_errors == [], csp_errors


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
