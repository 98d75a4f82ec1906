"""'Is this page useful?' at the end of an article: with JavaScript the answer replaces the buttons
in place; without it, plain pages. Every state is accessible, and an editor finds the answer and
its comment in the admin."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from conditions.models import ArticleFeedback
from tests.e2e.audit import assert_no_axe_violations, assert_sound_structure
from tests.e2e.conftest import SIZES
from tests.e2e.test_staff import sign_in, staff

ARTICLE = reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"})
COMMENT = "More about how long the operation takes."
GROUPS = importlib.import_module("conditions.migrations.0009_clinical_reviewers_group")


@pytest.fixture
def editors(site):
    """The Editors group as the migrations leave it (live-server tests flush the database)."""
    group, _ = Group.objects.get_or_create(name=GROUPS.EDITORS)
    codenames = [*GROUPS.EDITOR_CODENAMES, "view_articlefeedback"]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="conditions", codename__in=codenames)
    )
    return group


def feedback_region(page: Page):
    return page.locator("#feedback")


def test_feedback_with_javascript_swaps_in_place_and_reaches_the_admin(
    page: Page, site, size, shoot, editors
):
    page.goto(site + ARTICLE)
    region = feedback_region(page)
    region.scroll_into_view_if_needed()
    assert_no_axe_violations(page)
    region.get_by_role("button", name="No").click()
    expect(region).to_contain_text("Thank you for your answer")
    expect(page).to_have_url(site + ARTICLE)  # swapped in place, no new page
    expect(page.locator(".feedback__message")).to_be_focused()
    box = page.get_by_label("What was missing? (optional)")
    expect(box).to_have_attribute("maxlength", "500")
    assert_no_axe_violations(page)
    shoot("article-feedback-comment")
    box.fill(COMMENT)
    region.get_by_role("button", name="Send comment").click()
    expect(region).to_contain_text("The team who write this page will read your feedback")
    expect(page).to_have_url(site + ARTICLE)
    assert_no_axe_violations(page)
    shoot("article-feedback-thanks")
    feedback = ArticleFeedback.objects.get()
    assert (feedback.useful, feedback.comment, feedback.version.is_live) == (False, COMMENT, True)

    # An editor finds it in the admin: the count on the articles list, then the comment.
    staff("editor", GROUPS.EDITORS)
    sign_in(page, site, "editor")
    page.goto(site + reverse("admin:conditions_condition_changelist"))
    page.get_by_role("link", name="0 yes, 1 no").click()
    expect(page.locator("#result_list")).to_contain_text(COMMENT[:40])
    expect(page.locator("#result_list")).to_contain_text("Hemifacial spasm")
    assert_no_axe_violations(page)


def test_feedback_without_javascript_is_plain_pages(browser: Browser, page: Page, site, size, shoot):
    context = browser.new_context(java_script_enabled=False, viewport=SIZES[size])
    plain = context.new_page()
    try:
        plain.goto(site + ARTICLE)
        plain.get_by_role("button", name="Yes").click()
        expect(plain.get_by_role("heading", level=1)).to_have_text("Thank you for your answer")
        assert "/feedback/comment/?token=" in plain.url
        comment_page = plain.url
        plain.get_by_label("What was missing? (optional)").fill("A picture of the injection sites.")
        plain.get_by_role("button", name="Send comment").click()
        expect(plain.get_by_role("heading", level=1)).to_have_text("Thank you for your comment")
        thanks_page = plain.url
        plain.get_by_role("link", name="Back to Hemifacial spasm").click()
        expect(plain).to_have_url(site + ARTICLE)
    finally:
        context.close()
    feedback = ArticleFeedback.objects.get()
    assert (feedback.useful, feedback.comment) == (True, "A picture of the injection sites.")
    # The same pages checked by axe (which needs script: page.evaluate hangs where it is off).
    for url, name in [(comment_page, "feedback-comment-plain"), (thanks_page, "feedback-thanks-plain")]:
        page.goto(url)
        assert_no_axe_violations(page)
        assert_sound_structure(page)
        shoot(name)


def test_feedback_problem_and_busy_pages_are_friendly_and_accessible(page: Page, site, size, shoot, settings):
    response = page.goto(
        site + reverse("conditions:feedback-comment", kwargs={"slug": "hemifacial-spasm"}) + "?token=x"
    )
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not record your answer")
    assert_no_axe_violations(page)
    shoot("feedback-problem")

    settings.FEEDBACK_RATE_LIMIT = 1
    page.goto(site + ARTICLE)
    page.get_by_role("button", name="Yes").click()
    expect(feedback_region(page)).to_contain_text("Thank you for your answer")
    page.goto(site + ARTICLE)
    page.get_by_role("button", name="No").click()
    expect(feedback_region(page)).to_contain_text("many answers from your connection")
    assert_no_axe_violations(page)
    assert ArticleFeedback.objects.count() == 1


def test_a_too_long_comment_is_refused_in_place(page: Page, site):
    page.set_viewport_size(SIZES["phone"])
    page.goto(site + ARTICLE)
    feedback_region(page).get_by_role("button", name="No").click()
    box = page.get_by_label("What was missing? (optional)")
    # The box stops at 500 characters; a page edited to allow more is refused by the server.
    box.evaluate("b => b.removeAttribute('maxlength')")
    box.fill("a" * 600)
    page.get_by_role("button", name="Send comment").click()
    expect(feedback_region(page)).to_contain_text("at most 500 characters")
    expect(page.get_by_label("What was missing? (optional)")).to_be_focused()
    assert_no_axe_violations(page)
    assert ArticleFeedback.objects.get().comment == ""
