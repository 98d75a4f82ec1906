"""The publishing workflow end to end through the admin: drafts of live articles, clinical sign-off,
"no clinical change", unpublish and republish, history, compare and restore (conditions/services.py,
conditions/admin.py)."""

import json
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from clinic.models import StaffProfile
from conditions.models import Condition, PublishedVersion, SlugRedirect
from conditions.services import (
    PublishRefused,
    condition_publish,
    condition_republish,
    condition_unpublish,
    version_restore,
)
from tests.conditions.factory import (
    EDITORS,
    make_article,
    make_condition,
    make_figure,
    make_reviewer,
    make_staff,
    png_bytes,
    publish_version,
)
from tests.hardening.formdata import form_values

pytestmark = pytest.mark.django_db

PAGE = reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"})
NEW_TEXT = "A sentence the editor wrote today about the symptoms."


def url(name: str, condition: Condition, *args) -> str:
    return reverse(f"admin:conditions_condition_{name}", args=[condition.pk, *args])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor():
    return signed_in(make_staff("editor", EDITORS))


@pytest.fixture
def reviewer_user():
    return make_reviewer()


@pytest.fixture
def reviewer(reviewer_user):
    return signed_in(reviewer_user)


def save_draft(client: Client, condition: Condition, **changes) -> None:
    """Change fields of the article's admin form as a browser would, and save it."""
    data = form_values(client.get(url("change", condition)).content.decode(), "condition_form")
    for name, value in changes.items():
        if callable(value):
            value = value(data)
        data[name] = value
    response = client.post(url("change", condition), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def symptoms_field(data: dict) -> str:
    return next(name[: -len("-kind")] + "-body" for name, value in data.items() if value == "symptoms")


def add_to_symptoms(data: dict) -> None:
    data[symptoms_field(data)] += f"\n\n{NEW_TEXT}"


def publish_form(client: Client, condition: Condition, **fields):
    data = form_values(client.get(url("publish", condition)).content.decode(), "publish-form")
    return client.post(url("publish", condition), {**data, **fields})


# --- Drafts of a live article ----------------------------------------------------------------------


def test_saving_a_draft_leaves_the_public_page_byte_for_byte_unchanged(editor):
    condition = make_article()
    public = Client()
    before = public.get(PAGE).content
    data = form_values(editor.get(url("change", condition)).content.decode(), "condition_form")
    symptoms = symptoms_field(data)
    edits = {
        "summary": "A new summary nobody has reviewed.",
        symptoms: data[symptoms] + "\n\nDraft text nobody has reviewed.",
        "references-0-title": "A retitled reference",
        "figures-0-caption": "A new caption",
        "sections-0-DELETE": "on",  # editors may remove a part: only from the draft
    }
    response = editor.post(url("change", condition), {**data, **edits})
    assert response.status_code == 302
    assert public.get(PAGE).content == before
    condition.refresh_from_db()
    assert condition.summary == "A new summary nobody has reviewed."
    assert condition.sections.count() == 7
    preview = editor.get(reverse("conditions:preview", args=[condition.pk]))
    assertContains(preview, "Draft text nobody has reviewed.")


def test_the_admin_says_an_article_has_unpublished_changes_and_who_made_them(editor, reviewer):
    condition = make_article()
    changelist = reverse("admin:conditions_condition_changelist")
    assertContains(reviewer.get(changelist), "Live (version 1)")
    save_draft(editor, condition, summary="A changed summary.")
    listing = reviewer.get(changelist)
    assertContains(listing, "Live, with unpublished changes (version 1)")
    assertContains(listing, "by editor")
    assertContains(reviewer.get(url("change", condition)), "Draft last changed")
    publish_form(reviewer, condition)
    assertContains(reviewer.get(changelist), "Live (version 2)")


def test_saving_the_form_unchanged_is_no_unpublished_change(editor):
    condition = make_article()
    data = form_values(editor.get(url("change", condition)).content.decode(), "condition_form")
    # As a browser sends text boxes: with \r\n line ends.
    data = {
        name: value.replace("\n", "\r\n") if isinstance(value, str) else value for name, value in data.items()
    }
    assert editor.post(url("change", condition), data).status_code == 302
    response = editor.get(reverse("admin:conditions_condition_changelist"))
    assertContains(response, "Live (version 1)")
    assertNotContains(response, "Live, with unpublished changes (version")


def test_the_list_tells_never_published_live_and_taken_off_apart_and_filters_by_them(reviewer):
    make_article(name="Live one", slug="live-one")
    make_condition(name="Never one", slug="never-one", publish=False)
    off = make_condition(name="Off one", slug="off-one")
    PublishedVersion.objects.filter(condition=off).update(is_live=False)
    changelist = reverse("admin:conditions_condition_changelist")
    listing = reviewer.get(changelist)
    assertContains(listing, "Never published")
    assertContains(listing, "Unpublished (taken off the site)")
    never = reviewer.get(changelist, {"state": "never"})
    assertContains(never, "Never one")
    assertNotContains(never, "Live one")
    assertNotContains(never, "Off one")


# --- Who may publish ---------------------------------------------------------------------------------


def test_an_editor_cannot_publish_unpublish_republish_or_restore_whatever_they_post(editor):
    condition = make_article()
    save_draft(editor, condition, summary="An unreviewed summary.")
    before = Client().get(PAGE).content
    today = timezone.localdate()
    sign_off = {
        "reviewed_on": today.isoformat(),
        "next_review_due": (today + timedelta(days=365)).isoformat(),
        "draft_changed_at": Condition.objects.get().updated_at.isoformat(),
    }
    for name, args, data in [
        ("publish", [], sign_off),
        ("unpublish", [], {}),
        ("republish", [], {}),
        ("restore", [1], {}),
    ]:
        assert editor.get(url(name, condition, *args)).status_code == 403, name
        assert editor.post(url(name, condition, *args), data).status_code == 403, name
    assert PublishedVersion.objects.count() == 1
    assert Client().get(PAGE).content == before
    assertNotContains(editor.get(url("change", condition)), "Sign off and publish")


def test_the_services_refuse_anyone_without_the_publish_permission():
    condition = make_article()
    editor_user = make_staff("editor", EDITORS)
    StaffProfile.objects.create(user=editor_user, display_name="Someone", role="Editor")
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        condition_publish(
            condition_id=condition.pk,
            user=editor_user,
            reviewed_on=today,
            next_review_due=today + timedelta(1),
        )
    for service in (condition_unpublish, condition_republish):
        with pytest.raises(PermissionDenied):
            service(condition_id=condition.pk, user=editor_user)
    with pytest.raises(PermissionDenied):
        version_restore(version_id=condition.versions.get().pk, user=editor_user)


def test_an_inactive_reviewer_cannot_publish(reviewer_user):
    condition = make_article()
    reviewer_user.is_active = False
    reviewer_user.save()
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        condition_publish(
            condition_id=condition.pk,
            user=reviewer_user,
            reviewed_on=today,
            next_review_due=today + timedelta(1),
        )


# --- Sign-off ----------------------------------------------------------------------------------------


def test_a_reviewers_publish_changes_the_page_and_records_the_sign_off(editor, reviewer, reviewer_user):
    condition = make_article()
    data = form_values(editor.get(url("change", condition)).content.decode(), "condition_form")
    add_to_symptoms(data)
    assert editor.post(url("change", condition), data).status_code == 302
    assertNotContains(Client().get(PAGE), NEW_TEXT)

    form_page = reviewer.get(url("publish", condition))
    assertContains(form_page, "<strong>Dr Tan Wei Ming</strong>, Consultant neurosurgeon")
    today = timezone.localdate()
    response = publish_form(
        reviewer,
        condition,
        change_note="Added a sentence about the symptoms.",
        reviewer_note="Checked against the 2024 guideline.",
    )
    assertRedirects(response, url("versions", condition))

    version = PublishedVersion.objects.published().get()
    assert version.number == 2
    assert (version.reviewer, version.reviewer_name, version.reviewer_role) == (
        reviewer_user,
        "Dr Tan Wei Ming",
        "Consultant neurosurgeon",
    )
    assert version.reviewed_on == today == version.last_reviewed_on
    assert version.next_review_due.year == today.year + 1  # the form's default: a year on
    assert version.published_by == reviewer_user and version.clinical_change
    page = Client().get(PAGE)
    assertContains(page, NEW_TEXT)
    assertContains(
        page, f"Last reviewed</dt><dd>{today.day} {today:%B %Y} by Dr Tan Wei Ming, Consultant neurosurgeon"
    )
    assertContains(page, "What changed</dt><dd>Added a sentence about the symptoms.")
    assertNotContains(page, "2024 guideline")  # the reviewer's note is private
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', page.content.decode(), re.S)[1])
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr Tan Wei Ming",
        "jobTitle": "Consultant neurosurgeon",
    }
    assert data["lastReviewed"] == today.isoformat()
    # The sign-off stays as it was, whatever happens to the profile later.
    StaffProfile.objects.filter(user=reviewer_user).update(display_name="Someone else")
    assertContains(Client().get(PAGE), "by Dr Tan Wei Ming, Consultant neurosurgeon")


def test_publishing_without_a_staff_profile_is_refused_with_a_clear_message():
    condition = make_article()
    client = signed_in(make_reviewer("newcomer", profile=False))
    page = client.get(url("publish", condition))
    assertContains(page, "your staff profile needs the name and role shown to patients")
    assertNotContains(page, 'type="submit" class="default" value="Sign off and publish"')
    today = timezone.localdate()
    response = client.post(
        url("publish", condition),
        {
            "reviewed_on": today.isoformat(),
            "next_review_due": (today + timedelta(days=365)).isoformat(),
            "draft_changed_at": Condition.objects.get().updated_at.isoformat(),
        },
    )
    assertContains(response, "your staff profile needs the name and role shown to patients")
    assert PublishedVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"next_review_due": "2020-01-01"}, "The next review must be due after the date of your review."),
        ({"next_review_due": ""}, "Enter when the next review is due."),
        ({"reviewed_on": (date.today() + timedelta(days=9)).isoformat()}, "cannot be in the future"),
        ({"reviewed_on": "not a date"}, "Enter a valid date."),
    ],
)
def test_the_sign_off_dates_are_checked(reviewer, fields, message):
    condition = make_article()
    response = publish_form(reviewer, condition, **fields)
    assertContains(response, message)
    assert PublishedVersion.objects.count() == 1


def test_a_draft_changed_after_the_reviewer_opened_the_form_is_not_published(editor, reviewer):
    condition = make_article()
    form_page = reviewer.get(url("publish", condition)).content.decode()
    save_draft(editor, condition, summary="Changed while the reviewer was reading.")
    response = reviewer.post(url("publish", condition), form_values(form_page, "publish-form"))
    assertContains(response, "The draft has changed since you opened this page (last changed by editor)")
    assert PublishedVersion.objects.count() == 1


def test_no_clinical_change_keeps_last_reviewed_and_shows_last_updated(editor, reviewer, reviewer_user):
    condition = make_article()  # last reviewed 1 Nov 2026 by the clinical team, due 1 Nov 2027
    save_draft(editor, condition, summary="Muscles on one side of the face twitch without any warning.")
    response = publish_form(reviewer, condition, no_clinical_change="on", next_review_due="")
    assert response.status_code == 302
    version = PublishedVersion.objects.published().get()
    assert not version.clinical_change
    assert version.reviewer == reviewer_user  # who checked the typo fix is recorded
    page = Client().get(PAGE)
    today = timezone.localdate()
    assertContains(
        page, "Last reviewed</dt><dd>1 November 2026 by Neuro Asia Care clinical team, Neurosurgery"
    )
    assertContains(page, f"Last updated</dt><dd>{today.day} {today:%B %Y}")
    assertContains(page, "Next review due</dt><dd>1 November 2027")
    assertContains(page, "without any warning")


def test_the_first_version_cannot_be_a_no_clinical_change_publish(reviewer_user):
    condition = make_condition(publish=False)
    with pytest.raises(PublishRefused, match="first version needs a clinical review"):
        condition_publish(
            condition_id=condition.pk,
            user=reviewer_user,
            reviewed_on=timezone.localdate(),
            next_review_due=None,
            clinical_change=False,
        )


def test_versions_are_numbered_per_article_and_only_one_is_live(reviewer_user):
    first = make_article()
    other = make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia")
    for _ in range(2):
        publish_version(first)
    publish_version(other)
    assert list(first.versions.values_list("number", "is_live")) == [(3, True), (2, False), (1, False)]
    assert list(other.versions.values_list("number", "is_live")) == [(2, True), (1, False)]


def test_a_new_address_conflicting_with_another_live_article_is_refused(reviewer_user):
    first = make_condition(slug="facial-spasm")
    first.slug = "hemifacial-spasm-old"
    first.save()  # the draft gives the address up, but the live version still uses it
    second = make_condition(name="Blepharospasm", slug="blepharospasm")
    second.slug = "facial-spasm"
    second.save()
    with pytest.raises(PublishRefused, match=r'still used by the live article "Hemifacial spasm"'):
        publish_version(second)
    publish_version(first)
    publish_version(second)
    assert Client().get("/conditions/facial-spasm/").status_code == 200
    assert not SlugRedirect.objects.filter(old_slug="facial-spasm").exists()


# --- Unpublish and republish ------------------------------------------------------------------------


def test_unpublish_takes_the_article_off_everything_public_and_republish_puts_it_back(
    reviewer, reviewer_user
):
    condition = make_article()
    public = Client()
    before = public.get(PAGE).content
    assertContains(reviewer.get(url("unpublish", condition)), "Yes, take it off the site")
    assertRedirects(reviewer.post(url("unpublish", condition)), url("versions", condition))
    assert public.get(PAGE).status_code == 404
    assertNotContains(public.get(reverse("conditions:list")), "Hemifacial spasm")
    assertNotContains(public.get("/sitemap-conditions.xml"), "/conditions/hemifacial-spasm/")
    assertNotContains(public.get(reverse("contact:form")), "Hemifacial spasm")
    assert Condition.objects.filter(pk=condition.pk).exists()  # kept in the admin
    off = PublishedVersion.objects.get(number=1)
    assert off.unpublished_by == reviewer_user and off.unpublished_at is not None

    assertContains(reviewer.get(url("republish", condition)), "Put version 1 back on the site")
    assertRedirects(reviewer.post(url("republish", condition)), url("versions", condition))
    back = PublishedVersion.objects.published().get()
    assert (back.number, back.republished_from.number, back.published_by) == (2, 1, reviewer_user)
    assert back.last_reviewed_on == off.last_reviewed_on and back.snapshot == off.snapshot
    page = public.get(PAGE)
    assert page.status_code == 200

    def article(html: bytes) -> bytes:
        # The "Is this page useful?" form names the version shown: 1 before, 2 now.
        page = html[html.index(b'<article class="article"') : html.index(b"</article>")]
        return re.sub(rb'name="version" value="\d+"', b"", page)

    assert article(page.content) == article(before)
    history = reviewer.get(url("versions", condition))
    assertContains(history, "Taken off the site")
    assertContains(history, "a copy of version 1")


def test_republish_needs_an_article_that_is_off_the_site(reviewer_user):
    condition = make_article()
    with pytest.raises(PublishRefused, match="already on the site"):
        condition_republish(condition_id=condition.pk, user=reviewer_user)
    never = make_condition(name="Never", slug="never", publish=False)
    with pytest.raises(PublishRefused, match="never been published"):
        condition_republish(condition_id=never.pk, user=reviewer_user)


# --- History, compare, restore ----------------------------------------------------------------------


def second_version(condition: Condition) -> None:
    """Change every kind of part of the article, and publish the result as version 2."""
    section = condition.sections.get(kind="causes")
    section.body = "Most often a blood vessel presses hard on the facial nerve."
    section.save()
    condition.sections.get(kind="outlook").delete()
    treatment = condition.treatments.get(name="Botulinum toxin injections")
    treatment.verdict = "Works for most people, repeated every 3 months"
    treatment.save()
    urgent = condition.urgency_advice.get(level="urgent")
    urgent.body = "If both sides twitch, or you cannot close an eye."
    urgent.save()
    condition.figures.get().delete()
    make_figure(condition, data=png_bytes(900, 500, color=(200, 10, 10)), caption="A new drawing.")
    condition.references.create(position=1, title="A newer study", source="Another journal", year=2024)
    condition.related.add(make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia"))
    condition.summary = "A changed summary."
    condition.save()
    publish_version(condition, reviewed_on=date(2026, 12, 1), next_review_due=date(2027, 12, 1))


def test_the_history_lists_every_version_with_its_sign_off_and_notes(reviewer, reviewer_user):
    condition = make_article()
    publish_form(reviewer, condition, change_note="Public note.", reviewer_note="Private note.")
    history = reviewer.get(url("versions", condition))
    assertContains(history, "Dr Tan Wei Ming, Consultant neurosurgeon, reviewed")
    assertContains(history, "Neuro Asia Care clinical team, Neurosurgery, reviewed 1 Nov 2026")
    assertContains(history, "Public note.")
    assertContains(history, "Private note.")
    assertContains(history, "(live)", count=1)
    assertContains(history, "by the site's initial content")


def test_the_history_page_costs_the_same_queries_however_many_versions(
    reviewer, django_assert_max_num_queries
):
    condition = make_article()
    reviewer.get(url("versions", condition))
    with django_assert_max_num_queries(12) as few:
        reviewer.get(url("versions", condition))
    for _ in range(30):
        publish_version(condition)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = reviewer.get(url("versions", condition))
    assertContains(response, "page 1 of 2")
    assertContains(response, '<th scope="row">31 <strong>(live)</strong></th>', html=True)
    assert all(
        "snapshot" not in query["sql"] for query in few.captured_queries if "publishedversion" in query["sql"]
    )


def test_compare_shows_words_added_and_removed_in_every_kind_of_part(reviewer):
    condition = make_article()
    second_version(condition)
    response = reviewer.get(url("compare", condition), {"a": 1, "b": 2})
    html = response.content.decode()
    for label in [
        "Summary",
        "Section: Causes",
        "Section: Outlook (prognosis)",
        "Treatment: Botulinum toxin injections",
        "When to get help: Urgent: see a doctor soon",
        "Figures",
        "References",
        "Related conditions",
    ]:
        assert f">{label}" in html, label
    assert re.search(r"<ins>.*?hard.*?</ins>", html)
    assert "(only in version 1)" in html  # the outlook section, removed
    assert re.search(r"<del>.*?Effective but must be repeated.*?</del>", html, re.S)
    assert "Trigeminal neuralgia" in html[html.index(">Related conditions") :]
    unchanged = html[html.index('id="diff-unchanged"') :]
    assert "Section: Overview" in unchanged and "Section: Causes" not in unchanged


def test_compare_escapes_what_it_shows(reviewer):
    condition = make_article()
    condition.summary = 'A <script>alert("x")</script> summary'
    condition.save()
    response = reviewer.get(url("compare", condition), {"a": 1, "b": "draft"})
    assertContains(response, "&lt;script&gt;")
    assertNotContains(response, '<script>alert("x")')


@pytest.mark.parametrize(
    "query", [{"a": "x", "b": "1"}, {"a": "1"}, {"a": "99", "b": "1"}, {"a": "-1", "b": "1"}]
)
def test_compare_with_a_bad_choice_is_a_4xx(reviewer, query):
    condition = make_article()
    assert reviewer.get(url("compare", condition), query).status_code in (400, 404)


def test_restore_puts_every_part_of_an_old_version_into_the_draft(reviewer):
    condition = make_article()
    first = PublishedVersion.objects.get(number=1).snapshot
    second_version(condition)
    assertContains(reviewer.get(url("restore", condition, 1)), "Restore version 1 as the draft")
    response = reviewer.post(url("restore", condition, 1))
    assertRedirects(response, url("change", condition))
    condition.refresh_from_db()
    from conditions.snapshots import snapshot_build

    assert snapshot_build(condition) == first  # every part, figures and related conditions included
    assert condition.versions.published().get().number == 2  # patients see no change yet
    assertContains(Client().get(PAGE), "A changed summary.")
    # The restored figure's files are the ones version 1 showed, still there.
    figure = condition.figures.get()
    preview = reviewer.get(reverse("conditions:preview", args=[condition.pk]))
    assertContains(preview, figure.sources()["src"])
    served = reviewer.get(figure.sources()["src"])
    assert served.status_code == 200
    assert b"".join(served.streaming_content)  # (reading it to the end closes the file)


def test_a_restored_draft_needs_a_sign_off_like_any_other(reviewer, reviewer_user):
    condition = make_article()
    second_version(condition)
    reviewer.post(url("restore", condition, 1))
    changelist = reviewer.get(reverse("admin:conditions_condition_changelist"))
    assertContains(changelist, "Live, with unpublished changes (version 2)")
    publish_form(reviewer, condition, change_note="Back to the first version.")
    version = condition.versions.published().get()
    assert (version.number, version.reviewer) == (3, reviewer_user)
    page = Client().get(PAGE)
    assertContains(page, "Muscles on one side of the face twitch without warning.")
    assertContains(page, "Back to the first version.")


def test_restore_is_refused_when_another_article_took_the_versions_name(reviewer_user):
    condition = make_article()
    condition.name, condition.slug = "Hemifacial spasm (HFS)", "hfs"
    condition.save()
    publish_version(condition)
    make_condition(name="Hemifacial spasm", slug="another", publish=False)
    with pytest.raises(PublishRefused, match="now has this version's name or address"):
        version_restore(version_id=condition.versions.get(number=1).pk, user=reviewer_user)
    assert Condition.objects.get(pk=condition.pk).sections.count() == 8  # nothing changed


def test_an_old_version_can_be_read_as_it_was_published(reviewer):
    condition = make_article()
    second_version(condition)
    response = reviewer.get(url("version", condition, 1))
    assertContains(response, "Version 1, published")
    assertContains(response, "Most often a blood vessel presses on the facial nerve.")
    assertContains(response, '<meta name="robots" content="noindex, nofollow">')
    assert "no-store" in response.headers["Cache-Control"]


# --- Draft text never reaches the public ------------------------------------------------------------


def test_draft_text_appears_nowhere_public(editor):
    condition = make_article()
    secret = "Zanzibarian"
    save_draft(
        editor,
        condition,
        name=f"Hemifacial spasm {secret}",
        summary=f"A {secret} summary.",
        also_known_as=secret,
        **{"sections-0-body": f"{secret} overview."},
    )
    public = Client()
    pages = [
        public.get(PAGE),
        public.get(reverse("conditions:list")),
        public.get(reverse("conditions:letter", kwargs={"letter": "h"})),
        public.get(reverse("conditions:search"), {"q": "spasm"}),
        public.get("/sitemap-conditions.xml"),
        public.get(reverse("contact:form"), {"condition": "hemifacial-spasm"}),
    ]
    for page in pages:
        assert page.status_code == 200
        assert secret not in page.content.decode()
    assertContains(public.get(reverse("conditions:search"), {"q": secret}), "No conditions found for")
    html = pages[0].content.decode()
    assert re.search(r'<meta name="description" content="Muscles on one side', html)
    assert secret not in re.search(r'ld\+json">(.*?)</script>', html, re.S)[1]
