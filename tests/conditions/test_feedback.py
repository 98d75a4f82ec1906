"""'Is this page useful?' at the end of each article: the vote, the optional comment tied to it,
htmx and plain posts, bad input, the rate limit, and what editors see in the admin."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from conditions import views
from conditions.models import ArticleFeedback, PublishedVersion
from tests.conditions.factory import (
    EDITORS,
    REVIEWERS,
    make_article,
    make_condition,
    make_staff,
    publish_version,
)
from tests.conftest import BrowserClient, staff_login

pytestmark = pytest.mark.django_db

SLUG = "hemifacial-spasm"
DETAIL = reverse("conditions:detail", kwargs={"slug": SLUG})
VOTE = reverse("conditions:feedback", kwargs={"slug": SLUG})
COMMENT = reverse("conditions:feedback-comment", kwargs={"slug": SLUG})
THANKS = reverse("conditions:feedback-thanks", kwargs={"slug": SLUG})
HTMX = {"HX-Request": "true"}


@pytest.fixture
def strict_client() -> BrowserClient:
    """A browser that checks CSRF as a real one would be checked (Django's test client skips it)."""
    return BrowserClient(enforce_csrf_checks=True)


def token_from(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html)[1]


def test_article_ends_with_the_question_as_a_plain_form_with_no_per_visitor_token(client):
    make_article()
    response = client.get(DETAIL)
    html = response.content.decode()
    form = html[
        html.index('<form class="feedback__vote"') : html.index("</form>", html.index("feedback__vote"))
    ]
    assert f'action="{VOTE}"' in form and 'method="post"' in form
    assert 'name="useful" value="yes"' in form and 'name="useful" value="no"' in form
    assert 'name="version" value="1"' in form
    assert "csrfmiddlewaretoken" not in html  # the page is shared by every visitor
    assert "csrftoken" not in response.cookies


def test_a_vote_without_javascript_is_stored_for_the_version_and_leads_to_the_comment_page(strict_client):
    make_article()
    response = strict_client.post(VOTE, {"useful": "no", "version": "1"})
    feedback = ArticleFeedback.objects.get()
    assert (feedback.useful, feedback.version.number, feedback.condition.slug, feedback.comment) == (
        False,
        1,
        SLUG,
        "",
    )
    assert response.status_code == 302 and response.url.startswith(COMMENT + "?token=")
    page = strict_client.get(response.url)
    assertContains(page, "<h1>Thank you for your answer</h1>", html=True)
    assertContains(page, "What was missing? (optional)")
    assertContains(page, "Do not include your name, contact details")
    assertNotContains(page, "hx-post")  # a plain form here: the page has no region to swap into
    assert page.headers["Cache-Control"].startswith("max-age=0")


def test_the_comment_is_added_to_its_own_vote_once_then_thanks(strict_client):
    make_article()
    page = strict_client.get(strict_client.post(VOTE, {"useful": "no", "version": "1"}).url)
    token = token_from(page.content.decode())
    response = strict_client.post(
        COMMENT, {"token": token, "comment": "  How long does the operation take?  "}
    )
    assertRedirects(response, THANKS)
    assert ArticleFeedback.objects.get().comment == "How long does the operation take?"
    # The same token cannot overwrite it.
    strict_client.post(COMMENT, {"token": token, "comment": "Something else"})
    assert ArticleFeedback.objects.get().comment == "How long does the operation take?"
    assertContains(strict_client.get(THANKS), "Thank you for your comment")


def test_an_empty_comment_stores_nothing_and_still_thanks(client):
    make_article()
    token = token_from(client.get(client.post(VOTE, {"useful": "yes"}).url).content.decode())
    assertRedirects(client.post(COMMENT, {"token": token, "comment": "   "}), THANKS)
    assert ArticleFeedback.objects.get().comment == ""


def test_a_vote_with_htmx_answers_with_the_comment_form_fragment_only(client):
    make_article()
    response = client.post(VOTE, {"useful": "yes", "version": "1"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "Thank you for your answer" in html
    assert f'hx-post="{COMMENT}"' in html and 'hx-target="#feedback"' in html
    response = client.post(COMMENT, {"token": token_from(html), "comment": "Pictures"}, headers=HTMX)
    assert "<html" not in response.content.decode()
    assertContains(response, "Thank you.")
    assert ArticleFeedback.objects.get().comment == "Pictures"


def test_a_comment_cannot_be_attached_to_someone_elses_vote_or_with_a_forged_token(client):
    make_article()
    client.post(VOTE, {"useful": "no"})
    someone_else = ArticleFeedback.objects.get()
    forged = signing.dumps(someone_else.pk, salt="another.salt")
    for token in [forged, str(someone_else.pk), "", "x" * 150]:
        response = client.post(COMMENT, {"token": token, "comment": "spam"})
        assert response.status_code == 400, token
        assertContains(response, "could not record", status_code=400)
    assert ArticleFeedback.objects.get().comment == ""


def test_an_old_token_has_expired(client, monkeypatch):
    make_article()
    token = token_from(client.get(client.post(VOTE, {"useful": "no"}).url).content.decode())
    monkeypatch.setattr(views, "FEEDBACK_TOKEN_MAX_AGE", -1)  # as if the form had been open too long
    assert client.get(f"{COMMENT}?token={token}").status_code == 400
    assert client.post(COMMENT, {"token": token, "comment": "late"}).status_code == 400
    assert ArticleFeedback.objects.get().comment == ""


def test_a_too_long_comment_is_refused_with_its_error_and_kept_in_the_box(client):
    make_article()
    token = token_from(client.get(client.post(VOTE, {"useful": "no"}).url).content.decode())
    response = client.post(COMMENT, {"token": token, "comment": "a" * 501})
    assertContains(response, "Ensure this value has at most 500 characters")
    assertContains(response, "<title>Error: Thank you for your answer")
    assert ArticleFeedback.objects.get().comment == ""


@pytest.mark.parametrize(
    "data",
    [{}, {"useful": "maybe"}, {"useful": "yes", "version": "9"}, {"useful": "yes", "version": "-1"}],
    ids=["no-vote", "unknown-answer", "unknown-version", "bad-version"],
)
def test_bad_votes_get_a_friendly_400_page_and_store_nothing(client, data):
    make_article()
    response = client.post(VOTE, data)
    assertContains(response, "We could not record your answer", status_code=400)
    assertContains(response, f'href="{DETAIL}"', status_code=400)
    assert not ArticleFeedback.objects.exists()


def test_unknown_or_unpublished_articles_are_404_and_get_is_405(client):
    make_condition(slug="draft-only", name="Draft only", publish=False)
    assert (
        client.post(reverse("conditions:feedback", kwargs={"slug": "nope"}), {"useful": "yes"}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("conditions:feedback", kwargs={"slug": "draft-only"}), {"useful": "yes"}
        ).status_code
        == 404
    )
    assert client.get(reverse("conditions:feedback-thanks", kwargs={"slug": "nope"})).status_code == 404
    make_article()
    assert client.get(VOTE).status_code == 405


def test_a_vote_for_the_version_the_reader_saw_counts_for_that_version(client):
    condition = make_article()
    publish_version(condition)  # version 2 goes live while the reader has version 1 open
    client.post(VOTE, {"useful": "yes", "version": "1"})
    client.post(VOTE, {"useful": "no"})  # no version named: the live one
    assert list(ArticleFeedback.objects.order_by("pk").values_list("version__number", flat=True)) == [1, 2]


def test_votes_are_rate_limited_per_address_with_retry_after(client, settings):
    settings.FEEDBACK_RATE_LIMIT = 2
    make_article()
    for _ in range(2):
        assert client.post(VOTE, {"useful": "yes"}).status_code == 302
    response = client.post(VOTE, {"useful": "yes"})
    assertContains(response, "Too many answers at once", status_code=429)
    assert 0 < int(response.headers["Retry-After"]) <= settings.FEEDBACK_RATE_LIMIT_WINDOW
    assert ArticleFeedback.objects.count() == 2
    # Another address is not held back.
    assert client.post(VOTE, {"useful": "yes"}, REMOTE_ADDR="192.0.2.7").status_code == 302
    # With htmx the refusal replaces the buttons (htmx swaps only 2xx answers).
    response = client.post(VOTE, {"useful": "yes"}, headers=HTMX)
    assert response.status_code == 200 and "many answers from your connection" in response.content.decode()


def test_the_preview_and_old_versions_collect_no_answers(client):
    condition = make_article()
    editor = make_staff("editor", EDITORS)
    client.force_login(editor)
    assertNotContains(client.get(reverse("conditions:preview", args=[condition.pk])), "Is this page useful?")


# --- The admin ------------------------------------------------------------------------------------


def test_editors_see_counts_per_article_without_a_query_per_row(client, django_assert_max_num_queries):
    hfs = make_article()
    other = make_condition(slug="trigeminal-neuralgia", name="Trigeminal neuralgia")
    version = PublishedVersion.objects.get(condition=hfs)
    for useful in [True, True, False]:
        ArticleFeedback.objects.create(condition=hfs, version=version, useful=useful)
    for number in range(3, 8):
        make_condition(slug=f"condition-{number}", name=f"Condition {number}")
    staff_login(client, make_staff("editor", EDITORS))
    changelist = reverse("admin:conditions_condition_changelist")
    response = client.get(changelist)
    list_url = reverse("admin:conditions_articlefeedback_changelist")
    assertContains(response, f'<a href="{list_url}?condition__id__exact={hfs.pk}">2 yes, 1 no</a>', html=True)
    assertContains(response, "No answers yet")
    assert other.pk
    with django_assert_max_num_queries(12) as few:
        client.get(changelist)
    many = len(few.captured_queries)
    for number in range(8, 14):
        make_condition(slug=f"condition-{number}", name=f"Condition {number}")
    with django_assert_max_num_queries(many):
        client.get(changelist)


def test_editors_and_reviewers_read_feedback_filtered_but_nobody_changes_it(client):
    condition = make_article()
    version = PublishedVersion.objects.get(condition=condition)
    feedback = ArticleFeedback.objects.create(
        condition=condition, version=version, useful=False, comment="Costs?"
    )
    ArticleFeedback.objects.create(condition=condition, version=version, useful=True)
    list_url = reverse("admin:conditions_articlefeedback_changelist")
    for user in [make_staff("editor", EDITORS), make_staff("reviewer", REVIEWERS)]:
        staff_login(client, user)
        page = client.get(list_url + f"?condition__id__exact={condition.pk}&useful__exact=0&version=1")
        assertContains(page, "Costs?")
        assertContains(page, "1 reader feedback")
        change = reverse("admin:conditions_articlefeedback_change", args=[feedback.pk])
        detail = client.get(change)
        assertContains(detail, "Costs?")
        assertNotContains(detail, 'name="comment"')  # read-only
        client.post(change, {"comment": "edited", "useful": "on"})
        assert client.get(reverse("admin:conditions_articlefeedback_add")).status_code == 403
        assert (
            client.post(reverse("admin:conditions_articlefeedback_delete", args=[feedback.pk])).status_code
            == 403
        )
    feedback.refresh_from_db()
    assert feedback.comment == "Costs?"
    assert (
        Group.objects.get(name=EDITORS).permissions.filter(codename__endswith="_articlefeedback").count() == 1
    )


def test_comments_are_never_shown_on_the_public_page(client):
    condition = make_article()
    version = PublishedVersion.objects.get(condition=condition)
    ArticleFeedback.objects.create(
        condition=condition, version=version, useful=False, comment="Secret-ish note"
    )
    assertNotContains(client.get(DETAIL), "Secret-ish note")
    assertNotContains(client.get(THANKS), "Secret-ish note")
