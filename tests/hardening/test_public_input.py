"""Hostile input to every public form and address: never a 500, always a clear message or the
right 4xx, and valid Unicode kept intact from the form to the database and back onto the page.

Each test walks the whole catalogue (tests/hardening/catalogue.py) as subtests, so one failing
value is reported by name without stopping the others.
"""

import datetime
import json
import logging
from urllib.parse import quote, urlencode

import pytest
from django.core import signing
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertRedirects

from clinic.middleware import PUBLIC_BODY_MAX
from conditions.models import Condition, Section
from contact.models import Enquiry
from grading.handoff import SALT, result_from_answers, sign_result
from tests.conditions.factory import make_condition, publish_version
from tests.conftest import BrowserClient
from tests.contact.conftest import make_enquiry, valid_post
from tests.hardening.catalogue import ALL_TEXTS, INVALID_UTF8, UNICODE_TEXTS
from tests.hardening.conftest import (
    REFUSED_ADDRESS,
    address,
    assert_not_a_server_error,
    refused_address,
    refused_as_too_large,
    signed_in,
)

pytestmark = pytest.mark.django_db

CALCULATOR = "grading:calculator"
CALCULATOR_ANSWERS = {
    "periocular": "yes",
    "other_regions": "yes",
    "vision_interference": "no",
    "disfiguring_asymmetry": "no",
    "severity": "2",
    "frequency": "3",
}
# The free-text fields get every value; the others (choices, tokens, boxes) one value each in turn.
TEXT_FIELDS = ["name", "email", "phone", "message"]
OTHER_FIELDS = ["preferred_contact", "condition", "result", "submission_id", "consent", "remove_result"]


@pytest.fixture
def condition(db) -> Condition:
    """A published article with one section: enough for every public page, and quick to make."""
    condition = make_condition(publish=False)
    Section.objects.create(condition=condition, kind=Section.Kind.OVERVIEW, body="It makes one side twitch.")
    publish_version(condition)
    return condition


def public_urls(condition: Condition) -> list[str]:
    return [
        reverse("home"),
        reverse("privacy"),
        reverse("conditions:list"),
        reverse("conditions:letter", kwargs={"letter": "h"}),
        reverse("conditions:search"),
        condition.get_absolute_url(),
        reverse(CALCULATOR),
        reverse("contact:form"),
        reverse("contact:thanks"),
        reverse("contact:validate", args=["name"]),
        reverse("healthz"),
        reverse("robots"),
        reverse("sitemap"),
        reverse("sitemap-section", kwargs={"section": "conditions"}),
    ]


# --- The severity calculator ------------------------------------------------------------------


def test_calculator_answers_the_page_never_offers_get_a_message_and_400(client, subtests):
    # Every question is the same kind of field: each value goes to the next question in turn.
    fields = list(CALCULATOR_ANSWERS)
    for number, (name, value) in enumerate(ALL_TEXTS):
        field = fields[number % len(fields)]
        with subtests.test(field=field, value=name):
            data = {**CALCULATOR_ANSWERS, field: value}
            response = client.post(reverse(CALCULATOR), data)
            assert_not_a_server_error(response)
            if not refused_as_too_large(response, data):
                assertContains(response, "not one of the choices on this page", status_code=400)


def test_calculator_htmx_posts_with_hostile_answers_get_a_fragment(client, subtests):
    for name, value in ALL_TEXTS:
        with subtests.test(value=name):
            data = {**CALCULATOR_ANSWERS, "severity": value}
            response = client.post(reverse(CALCULATOR), data, headers={"HX-Request": "true"})
            if refused_as_too_large(response, data):
                continue
            assert response.status_code == 200
            assert b"<html" not in response.content
            assertContains(response, "not one of the choices")


def test_calculator_with_missing_duplicated_and_unknown_fields_never_fails(client):
    url = reverse(CALCULATOR)
    assertContains(client.post(url, {}), "Answer question 1")
    duplicated = urlencode([*CALCULATOR_ANSWERS.items(), ("severity", "9"), ("severity", "1")])
    response = client.post(url, duplicated, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302  # the last value wins, as in any Django form
    extra = {**CALCULATOR_ANSWERS, "smc_grade": "4", "is_superuser": "1"}
    assert client.post(url, extra).status_code == 302


def test_calculator_result_tokens_that_are_not_genuine_get_a_message_and_400(client, subtests):
    tokens = [
        *ALL_TEXTS,
        ("empty", ""),
        ("colons", "x:y:z"),
        ("shape", "e30:1abc:bad"),
        ("long", "a" * 20_000),
    ]
    urls = [(name, address(reverse(CALCULATOR), {"result": token})) for name, token in tokens]
    urls += [(raw, f"{reverse(CALCULATOR)}?result={raw}") for raw in INVALID_UTF8]
    for name, url in urls:
        with subtests.test(token=name):
            response = client.get(url)
            assert_not_a_server_error(response)
            expected = REFUSED_ADDRESS if refused_address(url) else "Please use the calculator again"
            assertContains(response, expected, status_code=400)


SIGNED_NONSENSE = [
    {**CALCULATOR_ANSWERS, "date": "2026-11-21"},  # strings where bools and ints belong
    {"periocular": True, "other_regions": True, "date": "2026-11-21"},  # answers missing
    {"periocular": True, "other_regions": False, "vision_interference": False,
     "disfiguring_asymmetry": False, "severity": 99, "frequency": -1, "date": "2026-11-21"},
    {"periocular": True, "other_regions": False, "vision_interference": False,
     "disfiguring_asymmetry": False, "severity": 2, "frequency": 2, "date": 20261121},
    {"periocular": [], "other_regions": {}, "vision_interference": None,
     "disfiguring_asymmetry": 1.5, "severity": "2", "frequency": [2], "date": "tomorrow"},
    [1, 2, 3],
    "a string",
    None,
]  # fmt: skip


def test_genuinely_signed_tokens_with_wrong_types_are_refused_not_a_crash(client, subtests):
    # Only someone with the secret key could sign these; the checks stand all the same.
    for payload in SIGNED_NONSENSE:
        with subtests.test(payload=repr(payload)[:60]):
            token = signing.dumps(payload, salt=SALT, compress=True)
            response = client.get(reverse(CALCULATOR), {"result": token})
            assertContains(response, "Please use the calculator again", status_code=400)
            enquiry_form = client.get(reverse("contact:form"), {"result": token})
            assertContains(enquiry_form, "We could not check your calculator result")


def test_forged_tokens_are_refused_on_both_pages(client):
    forged = signing.dumps({**CALCULATOR_ANSWERS, "date": "2026-11-21"}, key="not-our-key", salt=SALT)
    words = "could not be checked"
    assertContains(client.get(reverse(CALCULATOR), {"result": forged}), words, status_code=400)
    assertContains(client.get(reverse("contact:form"), {"result": forged}), words)


# --- The enquiry form -------------------------------------------------------------------------


def test_every_enquiry_field_with_hostile_text_is_stored_intact_or_refused_with_a_message(
    client, condition, open_rate_limit, subtests
):
    cases = [(field, name, value) for field in TEXT_FIELDS for name, value in ALL_TEXTS]
    cases += [
        (OTHER_FIELDS[n % len(OTHER_FIELDS)], name, value) for n, (name, value) in enumerate(ALL_TEXTS * 2)
    ]
    for field, name, value in cases:
        with subtests.test(field=field, value=name):
            data = valid_post(**{field: value})
            if field == "phone":
                data["preferred_contact"] = "either"
            response = client.post(reverse("contact:form"), data)
            assert_not_a_server_error(response)
            submission = data["submission_id"] if field != "submission_id" else None
            if response.status_code == 302:
                enquiry = Enquiry.objects.order_by("-pk").first()
                if submission:
                    assert str(enquiry.submission_id) == submission
                if field == "message":
                    assert enquiry.message == value.strip()
                elif field == "name":
                    assert enquiry.name == " ".join(value.split())
                else:
                    assert enquiry.message == valid_post()["message"]
                stored = enquiry.name + enquiry.email + enquiry.phone + enquiry.message
                assert "\x00" not in stored
            else:
                if not refused_as_too_large(response, data):
                    assert response.status_code == 200
                    assertContains(response, "There is a problem")
                assert not Enquiry.objects.filter(submission_id=submission).exists()


def test_unicode_round_trips_into_the_database_and_onto_the_admin_page_escaped(
    client, superuser, open_rate_limit, subtests
):
    staff = signed_in(superuser)
    for name, value in UNICODE_TEXTS:
        with subtests.test(value=name):
            data = valid_post(name=value[:100], message=value)
            assert client.post(reverse("contact:form"), data).status_code == 302
            enquiry = Enquiry.objects.get(submission_id=data["submission_id"])
            assert enquiry.message == value
            assert enquiry.name == " ".join(value[:100].split())
            page = staff.get(reverse("admin:contact_enquiry_change", args=[enquiry.pk]))
            assertContains(page, escape(value))
            if "<" in value:
                assert value not in page.content.decode()


def test_unicode_is_kept_escaped_in_the_form_after_a_mistake(client, subtests):
    for name, value in UNICODE_TEXTS:
        with subtests.test(value=name):
            response = client.post(reverse("contact:form"), valid_post(message=value, email="not an email"))
            assertContains(response, "Enter an email address like")
            assertContains(response, escape(value))
            if "<" in value:
                assert value not in response.content.decode()
    assert Enquiry.objects.count() == 0


def test_enquiry_form_links_with_hostile_parameters_still_show_the_form(client, condition, subtests):
    for parameter in ["result", "condition"]:
        urls = [(name, address(reverse("contact:form"), {parameter: value})) for name, value in ALL_TEXTS]
        urls += [(raw, f"{reverse('contact:form')}?{parameter}={raw}") for raw in INVALID_UTF8]
        for name, url in urls:
            with subtests.test(parameter=parameter, value=name):
                response = client.get(url)
                if refused_address(url):
                    assertContains(response, REFUSED_ADDRESS, status_code=400)
                else:
                    assertContains(response, "Write in to our care coordinator")


def test_an_empty_post_gets_a_message_for_every_required_field(client):
    response = client.post(reverse("contact:form"), {})
    for message in [
        "Enter your name.",
        "Choose how you would like us to reply.",
        "Enter your message.",
        "Tick the box",
    ]:
        assertContains(response, message)
    assert Enquiry.objects.count() == 0


def test_a_malformed_one_time_token_is_replaced_not_shown_as_an_error_the_patient_cannot_fix(client):
    theirs = make_enquiry()
    for value in [f"{theirs.submission_id}x", "' OR 1=1 --", "<script>", "\x00"]:
        response = client.post(reverse("contact:form"), valid_post(submission_id=value))
        assert response.status_code == 302, value
        assert client.get(reverse("contact:thanks")).context["reference"] != theirs.reference
    assert Enquiry.objects.count() == 5


def test_duplicated_fields_store_one_enquiry_with_the_last_value(client):
    body = urlencode([*valid_post().items(), ("message", "The second message wins."), ("name", "Lim")])
    response = client.post(reverse("contact:form"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert (enquiry.name, enquiry.message) == ("Lim", "The second message wins.")


def test_a_json_body_is_not_read_as_a_form_and_stores_nothing(client):
    response = client.post(reverse("contact:form"), json.dumps(valid_post()), content_type="application/json")
    assertContains(response, "Enter your name.")
    assert Enquiry.objects.count() == 0


def test_a_file_upload_to_a_public_form_is_refused_before_it_is_read(client, tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-temp")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # any file read would be spooled to that folder
    (tmp_path / "upload-temp").mkdir()
    upload = tmp_path / "evil.html"
    upload.write_text("<script>alert(1)</script>")
    for url in [reverse("contact:form"), reverse(CALCULATOR), reverse("contact:validate", args=["name"])]:
        with upload.open("rb") as handle:
            response = client.post(url, {**valid_post(), "attachment": handle})
        assertContains(response, "could not understand that request", status_code=400)
    assert Enquiry.objects.count() == 0
    assert list((tmp_path / "upload-temp").iterdir()) == []


MALFORMED_BODIES = [
    ("multipart/form-data; boundary=XYZ", b'--XYZ\r\nContent-Disposition: form-data; name="name"\r\n\r\nTan'),
    ("multipart/form-data", b"no boundary at all"),
    ("multipart/form-data; boundary=", b"--\r\n"),
    ("multipart/form-data; boundary=" + "B" * 300, b"x"),
    ("application/x-www-form-urlencoded; charset=utf-99", b"name=Tan"),
    ("application/x-www-form-urlencoded", b"name=%FF%FE&message=%C0%AF&consent=on&preferred_contact=%00"),
    ("text/plain", b"\x00\x01\x02\xff"),
    ("application/xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'),
]


def test_malformed_bodies_and_wrong_content_types_get_a_4xx_or_a_form_error(client, subtests):
    json_body = ("application/json", json.dumps(CALCULATOR_ANSWERS).encode())
    for url in [reverse("contact:form"), reverse(CALCULATOR), reverse("contact:validate", args=["name"])]:
        for content_type, body in [*MALFORMED_BODIES, json_body]:
            with subtests.test(url=url, content_type=content_type[:40]):
                response = client.generic("POST", url, body, content_type=content_type)
                assert_not_a_server_error(response)
                assert response.status_code in (200, 400)  # never a redirect: nothing was accepted
    assert Enquiry.objects.count() == 0


def test_a_body_over_what_the_form_takes_gets_the_friendly_413_unread(client):
    response = client.post(reverse("contact:form"), valid_post(message="A" * (PUBLIC_BODY_MAX + 1)))
    assertContains(response, "too much to send", status_code=413)
    assert Enquiry.objects.count() == 0


def test_the_largest_real_enquiry_is_well_within_the_public_body_limit(client):
    # 3,000 characters of a script that takes 3 bytes each (9 once percent-encoded), the most a
    # patient can send: accepted, not refused as too large.
    response = client.post(reverse("contact:form"), valid_post(message="面" * 3000, name="面" * 100))
    assert response.status_code == 302
    assert Enquiry.objects.get().message == "面" * 3000


def test_too_many_fields_get_the_friendly_400(client, settings):
    extra = ((f"f{n}", "x") for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    body = urlencode([*valid_post().items(), *extra])
    response = client.post(reverse("contact:form"), body, content_type="application/x-www-form-urlencoded")
    assertContains(response, "could not understand that request", status_code=400)
    assert Enquiry.objects.count() == 0


def test_inline_check_of_an_unknown_field_is_404_and_of_a_real_one_the_field_alone(client, subtests):
    for name, value in [*ALL_TEXTS, ("traversal", "../name"), ("website", "website"), ("consent", "consent")]:
        with subtests.test(field=name):
            response = client.post(f"/contact/check/{quote(value[:300], safe='')}/", valid_post())  # small
            assert_not_a_server_error(response)
            assert response.status_code == (400 if "\x00" in value else 404)
    for field in ["name", "email", "phone", "message"]:
        for name, value in ALL_TEXTS:
            with subtests.test(field=field, value=name):
                data = valid_post(**{field: value})
                response = client.post(reverse("contact:validate", args=[field]), data)
                if refused_as_too_large(response, data):
                    continue
                assert response.status_code == 200
                assert b"<html" not in response.content
    assert Enquiry.objects.count() == 0


# --- Thank-you page references ----------------------------------------------------------------


def test_thank_you_page_with_a_forged_session_shows_no_reference(client, subtests):
    make_enquiry(reference="NAC-AAAA-BBBB")
    for cookie in ["", "x" * 5000, "<script>", "../../etc", "%FF%FE", "a:b:c", "NAC-AAAA-BBBB"]:
        with subtests.test(cookie=cookie[:20]):
            client.cookies["sessionid"] = cookie
            response = client.get(reverse("contact:thanks"), {"reference": "NAC-AAAA-BBBB"})
            assertRedirects(response, reverse("contact:form"))


def test_thank_you_page_ignores_a_reference_in_the_address(client):
    make_enquiry(reference="NAC-AAAA-BBBB")
    client.post(reverse("contact:form"), valid_post())
    mine = Enquiry.objects.exclude(reference="NAC-AAAA-BBBB").get().reference
    response = client.get(reverse("contact:thanks"), {"reference": "NAC-AAAA-BBBB", "ref": "<script>"})
    assertContains(response, mine)
    assert "NAC-AAAA-BBBB" not in response.content.decode()


def test_a_signed_result_survives_a_hostile_message_around_it(client):
    answers = {"periocular": True, "other_regions": False, "vision_interference": False,
               "disfiguring_asymmetry": False, "severity": 1, "frequency": 1}  # fmt: skip
    token = sign_result(result_from_answers(answers, date=datetime.date(2026, 11, 21)))
    data = valid_post(result=token, message="<b>bold</b> 😣 " * 10)
    assert client.post(reverse("contact:form"), data).status_code == 302
    assert Enquiry.objects.get().calculator_result["smc_grade"] == 1


# --- Condition pages and search ---------------------------------------------------------------


def test_search_with_hostile_text_answers_the_list_page_with_the_words_escaped(client, condition, subtests):
    for name, value in ALL_TEXTS:
        with subtests.test(value=name):
            url = address(reverse("conditions:search"), {"q": value})
            response = client.get(url)
            assert_not_a_server_error(response)
            if refused_address(url):
                assertContains(response, REFUSED_ADDRESS, status_code=400)
                continue
            assert response.status_code == 200
            if len(value) <= 100 and value.strip():
                assertContains(response, escape(value.strip()))
                if "<" in value:
                    assert value not in response.content.decode()
            fragment = client.get(reverse("conditions:search"), {"q": value}, headers={"HX-Request": "true"})
            assert fragment.status_code == 200
            assert b"<html" not in fragment.content
    for raw in INVALID_UTF8:
        with subtests.test(raw=raw):
            assert client.get(f"{reverse('conditions:search')}?q={raw}").status_code == (
                400 if raw == "%00" else 200
            )


MALFORMED_SEGMENTS = [
    *INVALID_UTF8,
    "%3Cscript%3E",
    "a" * 2000,
    "..%2F..%2Fetc%2Fpasswd",
    "%E9%9D%A2%E8%82%8C",  # CJK, which a slug never has
    "%F0%9F%98%A3",  # an emoji
    "secret-draft",
    "hemifacial-spasm%00",
    "hemifacial-spasm.php",
    "'%20OR%201=1",
]


def test_unknown_or_malformed_condition_addresses_get_the_friendly_404(client, condition, draft, subtests):
    for segment in MALFORMED_SEGMENTS:
        with subtests.test(segment=segment[:40]):
            response = client.get(f"/conditions/{segment}/")
            assert_not_a_server_error(response)
            if "%00" in segment:
                assertContains(response, REFUSED_ADDRESS, status_code=400)
            else:
                assertContains(response, "Page not found", status_code=404)


def test_invalid_utf8_anywhere_in_a_path_gets_a_4xx(client, condition, subtests):
    for raw in INVALID_UTF8:
        for path in [
            f"/{raw}/",
            f"/contact/{raw}",
            f"/grading/{raw}/",
            f"/admin/{raw}/",
            f"/media/conditions/figures/{raw}.png",
        ]:
            with subtests.test(path=path):
                response = client.get(path)
                assert_not_a_server_error(response)
                assert response.status_code in (301, 302, 400, 404)


def test_a_forged_host_header_is_refused_with_400(client):
    assert client.get(reverse("home"), headers={"host": "evil.example"}).status_code == 400


def test_hostile_htmx_headers_are_harmless(client, condition, subtests):
    for value in ["true\x00", "<script>", "ÿ", "x" * 5000]:
        headers = {"HX-Request": "true", "HX-Current-URL": value, "HX-Target": value, "HX-Trigger": value}
        for url in [reverse("conditions:list"), condition.get_absolute_url(), reverse(CALCULATOR)]:
            with subtests.test(url=url, value=value[:10]):
                assert client.get(url, headers=headers).status_code == 200


# --- Methods and CSRF -------------------------------------------------------------------------


def test_wrong_methods_get_405_on_every_public_address(client, condition, subtests):
    for method in ["PUT", "PATCH", "DELETE"]:
        for url in public_urls(condition):
            with subtests.test(method=method, url=url):
                response = client.generic(
                    method, url, "x=1", content_type="application/x-www-form-urlencoded"
                )
                assert response.status_code == 405


def test_missing_or_wrong_csrf_token_gets_the_friendly_403_and_stores_nothing(db, subtests):
    strict = BrowserClient(enforce_csrf_checks=True)
    strict.get(reverse("contact:form"))  # sets the CSRF cookie
    posts = [
        (reverse("contact:form"), valid_post()),
        (reverse("contact:validate", args=["name"]), valid_post()),
        (reverse("admin:login"), {"username": "x", "password": "y"}),
    ]
    for url, data in posts:
        for token in [None, "wrong", "x" * 64, "\x00", "ÿ" * 32]:
            with subtests.test(url=url, token=repr(token)[:10]):
                body = dict(data) if token is None else {**data, "csrfmiddlewaretoken": token}
                assertContains(strict.post(url, body), "Please try that again", status_code=403)
    without_cookie = BrowserClient(enforce_csrf_checks=True)
    assertContains(
        without_cookie.post(reverse("contact:form"), valid_post()), "Please try that again", status_code=403
    )
    assert Enquiry.objects.count() == 0


def test_the_calculator_needs_no_csrf_token_as_its_post_changes_nothing(db):
    """It only works out a result from the answers it carries (grading/views.py): no token, no
    cookie, nothing stored, so its questions page is the same for everyone."""
    from tests.clinic.test_privacy import every_row_count

    strict = BrowserClient(enforce_csrf_checks=True)
    before = every_row_count()
    assert strict.post(reverse(CALCULATOR), CALCULATOR_ANSWERS).status_code == 302
    assertContains(
        strict.post(reverse(CALCULATOR), CALCULATOR_ANSWERS, headers={"HX-Request": "true"}), "Grade"
    )
    assert every_row_count() == before
    assert dict(strict.cookies) == {}


def test_a_nul_anywhere_in_the_address_gets_the_friendly_400_before_any_view(client, superuser, subtests):
    """PostgreSQL refuses NUL in text: before clinic.middleware.MalformedAddressMiddleware these
    were 500s there (the enquiry form's ?condition=, the admin's filters and autocomplete)."""
    staff = signed_in(superuser)
    for url in [
        "/contact/?condition=%00",
        "/contact/?cond%00ition=x",
        "/conditions/search/?q=a%00b",
        "/grading/hemifacial-spasm/?result=%00",
        "/conditions/%00/",
        "/admin/contact/enquiry/?status=%00",
        "/admin/conditions/condition/?status__exact=%00",
        "/admin/autocomplete/?app_label=contact&model_name=enquiry&field_name=assignee&term=%00",
    ]:
        with subtests.test(url=url):
            response = staff.get(url)
            assertContains(response, REFUSED_ADDRESS, status_code=400)
            assert response.headers["X-Request-ID"]


def test_an_address_longer_than_gunicorn_accepts_gets_the_friendly_400(client, superuser, subtests):
    """A 100,000-character admin search was a LIKE pattern SQLite refuses: it read as an outage (503)."""
    staff = signed_in(superuser)
    for url in ["/conditions/search/?q=" + "a" * 5000, "/contact/?result=" + "x" * 5000, "/" + "a" * 5000,
                "/admin/contact/enquiry/?q=" + "A" * 100_000, "/admin/auth/user/?q=" + "%F0%9F%98%A3" * 1000]:  # fmt: skip
        with subtests.test(url=url[:30]):
            assertContains(staff.get(url), REFUSED_ADDRESS, status_code=400)
    assert staff.get("/conditions/search/?q=" + "a" * 4000).status_code == 200  # long, but within the limit


def test_an_address_cannot_forge_or_split_lines_in_the_access_log(client, caplog, subtests):
    with caplog.at_level(logging.INFO, logger="clinic.access"):
        for path in [
            "/x%0AGET%20/admin/%20200%200.1ms%20id=forged",
            "/x%0D%0Ay",
            "/%1B[31mred",
            "/%E2%80%A8next",
        ]:
            with subtests.test(path=path):
                caplog.clear()
                client.get(path)
                lines = [record.getMessage() for record in caplog.records if record.name == "clinic.access"]
                assert len(lines) == 1
                assert not any(character in lines[0] for character in "\n\r\x1b\u2028")
                assert lines[0].startswith("GET /") and " id=forged" not in lines[0].split(" 404 ", 1)[1]
