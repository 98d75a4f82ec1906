"""Hostile input to the admin forms staff use: the article form with all its parts, the enquiry
form with its notes, searches, filters, actions and the sign-in form. Never a 500: text is saved
intact and shown escaped (Markdown sanitised), or refused with a message on the form."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import normalize_newlines
from pytest_django.asserts import assertContains, assertRedirects

from clinic.models import ClinicProfile
from conditions.models import Condition, tidy_text
from contact.models import Enquiry, EnquiryNote
from tests.conditions.factory import make_article, publish_version
from tests.contact.conftest import make_enquiry
from tests.hardening.catalogue import ALL_TEXTS, HOSTILE_TEXTS, UNICODE_TEXTS
from tests.hardening.conftest import active_content, assert_not_a_server_error, signed_in
from tests.hardening.formdata import form_values

pytestmark = pytest.mark.django_db

REFUSED = "Please correct the error"  # the admin's banner over a form with errors


@pytest.fixture
def article_form(superuser):
    """A published article with every kind of part, and its admin form as the browser has it."""
    article = make_article()
    staff = signed_in(superuser)
    url = reverse("admin:conditions_condition_change", args=[article.pk])
    data = form_values(staff.get(url).content.decode(), "condition_form")
    return staff, url, article, data


def text_fields(data: dict) -> list[str]:
    """The free-text fields of the article form and its parts (not choices, dates or numbers)."""
    names = ["summary", "also_known_as"]
    suffixes = ("-body", "-name", "-verdict", "-alt_text", "-caption", "-title", "-source")
    return names + [name for name in data if name.endswith(suffixes) and "__prefix__" not in name]


def public_article_html(article: Condition) -> str:
    """The article's page once its saved draft is published."""
    publish_version(article)
    page = Client().get(article.get_absolute_url())
    assert page.status_code == 200
    return page.content.decode()


def test_article_form_saves_unicode_in_every_text_field_and_the_page_shows_it_escaped(article_form):
    staff, url, article, data = article_form
    fields = text_fields(data)
    assert len(fields) > 20  # sections, treatments, urgency blocks, figure, reference
    posted = {}
    for number, name in enumerate(fields):
        posted[name] = UNICODE_TEXTS[number % len(UNICODE_TEXTS)][1]
    posted["name"] = "面肌痉挛 Hemifacial spasm 😣"
    response = staff.post(url, {**data, **posted})
    assertRedirects(response, reverse("admin:conditions_condition_changelist"))
    article.refresh_from_db()
    assert article.name == posted["name"]
    assert article.summary == posted["summary"]
    assert (
        article.sections.get(kind="overview").body == posted[next(f for f in fields if f.endswith("-body"))]
    )
    html = public_article_html(article)
    assert escape(posted["summary"]) in html
    assert escape(article.treatments.first().name) in html
    assert active_content(html) == []
    # And back in the admin form, escaped too.
    assertContains(staff.get(url), escape(posted["summary"]))


def test_article_markdown_with_raw_html_and_script_links_is_sanitised_on_the_page(article_form):
    staff, url, article, data = article_form
    markdown = (
        "Read [this](javascript:alert(1)) and [that](data:text/html;base64,PHNjcmlwdD4=).\n\n"
        "<script>alert(1)</script><iframe src=https://evil.example></iframe>"
        '<img src=x onerror="alert(1)"> <a href="javascript:alert(2)" onclick="x()">raw</a>\n\n'
        "![pic](javascript:alert(3)) [ok](https://www.moh.gov.sg/)"
    )
    bodies = {name: markdown for name in text_fields(data) if name.endswith("-body")}
    assertRedirects(staff.post(url, {**data, **bodies}), reverse("admin:conditions_condition_changelist"))
    article.refresh_from_db()
    assert article.sections.get(kind="overview").body == markdown  # stored as written
    html = public_article_html(article)
    assert active_content(html) == []
    assert 'href="https://www.moh.gov.sg/"' in html  # a real link survives


def test_article_form_refuses_hostile_text_with_a_message_or_saves_it_intact(article_form, subtests):
    staff, url, article, data = article_form
    body = next(name for name in text_fields(data) if name.startswith("sections-") and name.endswith("-body"))
    for label, text in HOSTILE_TEXTS:
        with subtests.test(text=label):
            posted = {
                "summary": text,
                "also_known_as": text[:250],
                body: text,
                "references-0-title": text[:300],
            }
            response = staff.post(url, {**data, **posted})
            assert_not_a_server_error(response)
            if response.status_code == 200:
                assertContains(response, REFUSED)
            else:
                assert response.status_code == 302
                article.refresh_from_db()
                # Kept as typed, with Unix line ends (what a browser's \r\n means in a text box).
                assert article.summary == tidy_text(text)
                assert "Traceback" not in public_article_html(article)


def fields_with_errors(response) -> set[str]:
    """The posted names of every field the admin marked with an error, inlines included."""
    form = response.context["adminform"].form
    names = {form.add_prefix(name) for name in form.errors}
    for inline in response.context["inline_admin_formsets"]:
        for inline_form in inline.formset.forms:
            names |= {inline_form.add_prefix(name) for name in inline_form.errors}
    return names


def test_article_form_refuses_script_and_data_links_in_references_and_bad_values(article_form):
    staff, url, _, data = article_form
    bad = {
        "references-0-url": "javascript:alert(1)",
        "slug": "../../admin",
        "calculator": "contact:form",
        "related": ["999999", "abc"],
        "sections-0-kind": "overview'); DROP TABLE x;--",
        "figures-0-section": "nowhere",
        "references-0-year": "99999999999999999999",
        "treatments-0-position": "-1",
        "treatments-1-verdict_kind": "\x00",
    }
    response = staff.post(url, {**data, **bad})
    assertContains(response, REFUSED)
    assert fields_with_errors(response) >= set(bad)
    data_link = staff.post(url, {**data, "references-0-url": "data:text/html,<script>alert(1)</script>"})
    assert fields_with_errors(data_link) == {"references-0-url"}


def test_article_form_with_broken_management_forms_is_a_400_not_a_500(article_form, subtests):
    staff, url, article, data = article_form
    sections = list(article.sections.values_list("kind", "body"))
    # (Not a huge number: the admin then builds and shows up to 2,000 empty forms, slowly.)
    for value in ["", "abc", "-1", "\x00", "0", "12"]:
        with subtests.test(value=repr(value)):
            response = staff.post(url, {**data, "sections-TOTAL_FORMS": value})
            assert_not_a_server_error(response)
            assert response.status_code in (200, 302, 400)
            assert list(article.sections.values_list("kind", "body")) == sections
    with subtests.test(case="missing management form"):
        trimmed = {k: v for k, v in data.items() if not k.startswith("sections-")}
        assert staff.post(url, trimmed).status_code in (200, 400)
    with subtests.test(case="a part of another article"):
        other = make_article(name="Other", slug="other")
        response = staff.post(url, {**data, "sections-0-id": str(other.sections.first().pk)})
        assert response.status_code in (200, 400)
        assert other.sections.first().body == "Hemifacial spasm makes one side of the face twitch."


# --- Enquiry notes ----------------------------------------------------------------------------


@pytest.fixture
def enquiry_form(coordinator):
    enquiry = make_enquiry()
    staff = signed_in(coordinator)
    url = reverse("admin:contact_enquiry_change", args=[enquiry.pk])
    return staff, url, enquiry, form_values(staff.get(url).content.decode(), "enquiry_form")


def test_a_coordinators_note_is_saved_intact_and_shown_escaped_or_refused(enquiry_form, subtests):
    staff, url, _, data = enquiry_form
    for label, text in ALL_TEXTS:
        with subtests.test(text=label):
            before = EnquiryNote.objects.count()
            response = staff.post(url, {**data, "notes-0-text": text})
            assert_not_a_server_error(response)
            if response.status_code == 302 and not text.strip():
                assert EnquiryNote.objects.count() == before  # an empty note is no note
            elif response.status_code == 302:
                note = EnquiryNote.objects.latest("id")
                assert note.text == text.strip()
                page = staff.get(url).content.decode()
                assert escape(normalize_newlines(note.text)).replace("\n", "<br>") in page
                assert "<script>alert" not in page
            else:
                assertContains(response, REFUSED)
                assert EnquiryNote.objects.count() == before


def test_the_enquiry_form_refuses_hostile_status_and_assignee(enquiry_form, subtests):
    staff, url, enquiry, data = enquiry_form
    for field, value in [("status", "<script>"), ("status", "\x00"), ("assignee", "abc"), ("assignee", "999999"),
                         ("assignee", "1 OR 1=1"), ("notes-TOTAL_FORMS", "abc")]:  # fmt: skip
        with subtests.test(field=field, value=value):
            response = staff.post(url, {**data, field: value})
            assert_not_a_server_error(response)
            assert response.status_code in (200, 400)
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.NEW


# --- Searches, filters, ordering, pages, actions ------------------------------------------------


def test_admin_lists_answer_any_search_filter_order_or_page(superuser, subtests):
    make_article()
    make_enquiry()
    staff = signed_in(superuser)
    lists = [
        "admin:contact_enquiry_changelist",
        "admin:conditions_condition_changelist",
        "admin:clinic_clinicprofile_changelist",
        "admin:auth_user_changelist",
        "admin:auth_group_changelist",
        "admin:axes_accessattempt_changelist",
        "admin:axes_accesslog_changelist",
        "admin:axes_accessfailurelog_changelist",
    ]
    searches = [{"q": text} for _, text in ALL_TEXTS]
    queries = [
        {"o": "99.-42.abc"},
        {"p": "999"},
        {"p": "-1"},
        {"p": "abc"},
        {"status__exact": "<script>"},
        {"created_at__gte": "yesterday"},
        {"assignee__id__exact": "abc"},
        {"mail": "' OR 1=1"},
        {"review": "%FF"},
        {"_to_field": "password", "_popup": "1"},
        {"all": "", "e": "1"},
        {"q": "9123 4567"},  # the enquiry list's phone search
        {"q": "+65 9123-4567 <b>"},
    ]
    for name in lists:
        # Every text for our own lists (the enquiry list has its own phone search), a few for the rest.
        texts = searches if name.startswith(("admin:contact", "admin:conditions")) else searches[::6]
        for query in texts + queries:
            with subtests.test(list=name, query=repr(query)[:40]):
                response = staff.get(reverse(name), query)
                assert_not_a_server_error(response)
                assert response.status_code in (200, 302, 400, 404)


def test_admin_actions_with_hostile_selections_never_fail(superuser, subtests):
    enquiry = make_enquiry()
    staff = signed_in(superuser)
    url = reverse("admin:contact_enquiry_changelist")
    for action, selected in [
        ("export_csv", ["abc"]),
        ("export_csv", ["-1", "999999"]),
        ("export_csv", ["1 OR 1=1"]),
        ("export_csv", ["99999999999999999999"]),
        ("export_csv", ["\x00"]),
        ("export_csv", [str(enquiry.pk)] * 500),
        ("delete_selected", ["x"]),
        ("<script>", [str(enquiry.pk)]),
        ("", [str(enquiry.pk)]),
        ("export_csv", []),
    ]:
        with subtests.test(action=action, selected=selected[:2]):
            response = staff.post(url, {"action": action, "_selected_action": selected, "index": "0"})
            assert_not_a_server_error(response)
            assert response.status_code in (200, 302, 400)
            if response.status_code == 400:  # clinic.admin.CheckedSelectionMixin
                assertContains(response, "could not understand that request", status_code=400)
    assert Enquiry.objects.filter(pk=enquiry.pk).exists()


def test_admin_change_addresses_with_hostile_ids_never_fail(superuser, subtests):
    staff = signed_in(superuser)
    for text in ["abc", "-1", "99999999999999999999", "1 OR 1=1", "%FF%FE", "<script>", "1.5"]:
        for name in ["contact_enquiry", "conditions_condition", "auth_user"]:
            with subtests.test(model=name, id=text):
                response = staff.get(f"/admin/{name.replace('_', '/', 1)}/{text}/change/")
                assert_not_a_server_error(response)
                assert response.status_code in (302, 404)


# --- Sign-in --------------------------------------------------------------------------------------


@pytest.fixture
def fast_hashing(settings):
    # Every failed sign-in hashes the password once (even for an unknown user): keep that quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_sign_in_with_hostile_user_names_is_refused_with_a_message(db, fast_hashing, subtests):
    for label, text in ALL_TEXTS:
        with subtests.test(text=label):
            client = Client()
            response = client.post(reverse("admin:login"), {"username": text, "password": "wrong password"})
            assert_not_a_server_error(response)
            assert response.status_code in (200, 429)
    assert all(len(attempt.username or "") <= 150 for attempt in AccessAttempt.objects.all())


def test_an_absurdly_long_user_name_is_recorded_cut_short_and_still_locks_out(db, settings, fast_hashing):
    """axes records the name in a 255-character column: on PostgreSQL this was a 500."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    name = "a" * 100_000
    client = Client()
    statuses = [
        client.post(reverse("admin:login"), {"username": name, "password": "wrong"}).status_code
        for _ in range(4)
    ]
    assert statuses[:2] == [200, 200] and statuses[-1] == 429
    assert AccessAttempt.objects.get().username == "a" * 150


def test_the_clinic_profile_is_shown_escaped_on_every_page_whatever_is_typed(superuser):
    """The profile fills every page's header and footer: hostile text there reaches every patient."""
    ClinicProfile.defaults().save()
    staff = signed_in(superuser)
    url = reverse("admin:clinic_clinicprofile_change", args=[1])
    data = form_values(staff.get(url).content.decode(), "clinicprofile_form")
    hostile = {
        "name": "Neuro <script>alert(1)</script> Care 😣",
        "tagline": '" onmouseover="alert(1)',
        "phone": "+65 6592 6871 <b>javascript:alert(1)</b>",
        "address": "面肌痉挛 Road\n<img src=x onerror=alert(1)>",
        "opening_hours": "Mon\u2013Fri 9\u20135\n[x](javascript:alert(1))",
    }
    assertRedirects(staff.post(url, {**data, **hostile}), reverse("admin:clinic_clinicprofile_changelist"))
    page = Client().get(reverse("home")).content.decode()
    assert active_content(page) == []
    assert escape(hostile["name"]) in page
    assert re.search(r'href="tel:\+65659268711"', page)  # digits only, whatever else the field holds
    refused = staff.post(url, {**data, "email": "javascript:alert(1)", "name": "x" * 500})
    assertContains(refused, REFUSED)
