import re
import time
from unittest import mock

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects, assertTemplateUsed

from contact.models import Enquiry
from contact.views import THANKS_COOKIE
from tests.contact.conftest import make_condition, signed_result, valid_post

pytestmark = pytest.mark.django_db

FORM_URL = reverse("contact:form")
THANKS_URL = reverse("contact:thanks")


def test_form_page_warns_it_is_not_for_emergencies_and_gives_the_reply_time(client):
    response = client.get(FORM_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "not for emergencies" in html
    assert 'href="tel:995"' in html
    assert "within two working days" in html
    # The notice comes before the form.
    assert html.index("not for emergencies") < html.index("<form")


def test_form_has_a_label_for_every_field_and_no_personal_identifiers(client):
    html = client.get(FORM_URL).content.decode()
    for field in [
        "name",
        "email",
        "phone",
        "condition_0",
        "condition_other",
        "message",
        "consent",
        "website",
    ]:
        assert f'for="id_{field}"' in html
    for radio in range(3):
        assert f'for="id_preferred_contact_{radio}"' in html
    assert "<legend>How can we reach you?</legend>" in html
    assert not re.search(r'name="(nric|dob|date_of_birth)"', html)


def test_consent_is_unticked_and_links_the_privacy_notice(client):
    html = client.get(FORM_URL).content.decode()
    consent = re.search(r"<input[^>]*name=\"consent\"[^>]*>", html).group(0)
    assert "checked" not in consent
    assert 'aria-describedby="id_consent_helptext"' in consent
    assert f'href="{reverse("privacy")}"' in html


def test_honeypot_is_hidden_from_people_and_out_of_the_tab_order(client):
    html = client.get(FORM_URL).content.decode()
    honeypot = re.search(r"<input[^>]*name=\"website\"[^>]*>", html).group(0)
    assert 'tabindex="-1"' in honeypot
    assert 'autocomplete="off"' in honeypot
    assertContains(client.get(FORM_URL), '<div class="contact-hp" aria-hidden="true">')


def test_each_form_gets_a_fresh_one_time_token(client):
    first = re.search(r'name="submission_id" value="([^"]+)"', client.get(FORM_URL).content.decode())
    second = re.search(r'name="submission_id" value="([^"]+)"', client.get(FORM_URL).content.decode())
    assert first and second and first.group(1) != second.group(1)


def test_coming_from_a_condition_page_preselects_it(client):
    make_condition()
    response = client.get(FORM_URL, {"condition": "hemifacial-spasm"})
    assertContains(
        response, '<input type="radio" name="condition" value="hemifacial-spasm" id="id_condition_0" checked>'
    )


@pytest.mark.parametrize("slug", ["no-such-thing", "draft-one", "<script>"])
def test_an_unknown_or_unpublished_condition_is_ignored(client, slug):
    make_condition(slug="draft-one", name="Draft", publish=False)
    response = client.get(FORM_URL, {"condition": slug})
    assert response.status_code == 200
    assert not re.search(r'<input type="radio" name="condition"[^>]*checked', response.content.decode())
    assertNotContains(response, "Draft")


def test_a_valid_enquiry_is_saved_and_the_patient_gets_a_reference(client, coordinator_emails, mailoutbox):
    make_condition()
    response = client.post(FORM_URL, valid_post(condition="hemifacial-spasm"))
    assertRedirects(response, THANKS_URL)
    enquiry = Enquiry.objects.get()
    assert enquiry.name == "Tan Mei Ling"
    assert enquiry.phone == "+6591234567"
    assert enquiry.condition.slug == "hemifacial-spasm"
    assert enquiry.consent_at is not None
    assert enquiry.status == Enquiry.Status.NEW
    thanks = client.get(THANKS_URL)
    assertTemplateUsed(thanks, "contact/thanks.html")
    assertContains(thanks, enquiry.reference)
    assertContains(thanks, "What happens next")
    assert str(enquiry.pk) not in enquiry.reference


def test_the_thank_you_page_shows_nothing_to_a_stranger(client):
    assertRedirects(client.get(THANKS_URL), FORM_URL)


def test_the_thank_you_page_is_private_and_never_cached(client):
    client.post(FORM_URL, valid_post())
    response = client.get(THANKS_URL)
    assert "no-store" in response.headers["Cache-Control"]


def test_refreshing_the_thank_you_page_creates_nothing(client):
    client.post(FORM_URL, valid_post())
    for _ in range(3):
        assert client.get(THANKS_URL).status_code == 200
    assert Enquiry.objects.count() == 1


def test_sending_the_same_form_twice_creates_one_enquiry(client):
    data = valid_post()
    first = client.post(FORM_URL, data)
    second = client.post(FORM_URL, data)
    assertRedirects(first, THANKS_URL)
    assertRedirects(second, THANKS_URL)
    enquiry = Enquiry.objects.get()
    assertContains(client.get(THANKS_URL), enquiry.reference)


def test_the_reference_is_kept_in_a_signed_cookie_for_the_thank_you_page_only(client, settings):
    response = client.post(FORM_URL, valid_post())
    cookie = response.cookies[THANKS_COOKIE]
    assert cookie["path"] == THANKS_URL
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert 0 < int(cookie["max-age"]) <= 3600
    enquiry = Enquiry.objects.get()
    assert cookie.value.startswith(enquiry.reference + ":")  # signed: reference, then signature
    # No session, so no database write for it and no session cookie.
    assert settings.SESSION_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("forged", ["NAC-AAAA-BBBB", "NAC-AAAA-BBBB:forgedsignature", ""])
def test_a_forged_or_edited_thank_you_cookie_shows_nothing(client, forged):
    client.post(FORM_URL, valid_post())
    real = client.cookies[THANKS_COOKIE].value
    client.cookies[THANKS_COOKIE] = forged or real.replace(real[4], "Z" if real[4] != "Z" else "Y", 1)
    response = client.get(THANKS_URL)
    assertRedirects(response, FORM_URL)


def test_a_bad_submission_shows_an_error_summary_linked_to_each_field(client):
    response = client.post(FORM_URL, valid_post(name="", email="nope", preferred_contact="", consent=None))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert 'class="error-summary"' in html
    for anchor in ["#id_name", "#id_email", "#id_preferred_contact_0", "#id_consent"]:
        assert f'href="{anchor}"' in html
    # Errors are tied to their fields for screen readers.
    name_input = re.search(r"<input[^>]*name=\"name\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in name_input
    assert "id_name_error" in name_input
    assert 'id="id_name_error"' in html
    assert Enquiry.objects.count() == 0


def test_every_kind_of_field_can_be_linked_from_the_error_summary(client):
    make_condition()
    response = client.post(FORM_URL, valid_post(message="", condition="not-a-condition", phone="12"))
    html = response.content.decode()
    for anchor in ["#id_message", "#id_condition_0", "#id_phone"]:
        assert f'href="{anchor}"' in html


def test_what_the_patient_typed_is_kept_after_an_error(client):
    response = client.post(FORM_URL, valid_post(consent=None, message="Please call me in the morning."))
    assertContains(response, "Please call me in the morning.")
    assertContains(response, 'value="Tan Mei Ling"')


def test_no_consent_no_enquiry(client):
    response = client.post(FORM_URL, valid_post(consent=None))
    assertContains(response, "Tick the box to agree")
    assert Enquiry.objects.count() == 0


def test_a_filled_honeypot_is_discarded_but_looks_like_success(client, mailoutbox):
    response = client.post(FORM_URL, valid_post(website="http://spam.example"))
    assertRedirects(response, THANKS_URL)
    thanks = client.get(THANKS_URL)
    assert re.search(r"NAC-[A-Z2-9]{4}-[A-Z2-9]{4}", thanks.content.decode())
    assert Enquiry.objects.count() == 0
    assert mailoutbox == []


def test_too_many_enquiries_from_one_address_get_429_and_keep_the_text(client, settings):
    settings.CONTACT_RATE_LIMIT = 2
    for _ in range(2):
        assertRedirects(client.post(FORM_URL, valid_post()), THANKS_URL)
    response = client.post(FORM_URL, valid_post(message="My third message, please keep it."))
    assert response.status_code == 429
    assertContains(response, "Please wait a few minutes", status_code=429)
    assertContains(response, "My third message, please keep it.", status_code=429)
    assert Enquiry.objects.count() == 2


def test_a_refused_enquiry_says_when_to_try_again_and_the_places_free_up_one_by_one(client, settings):
    settings.CONTACT_RATE_LIMIT, settings.CONTACT_RATE_LIMIT_WINDOW = 2, 600
    now = time.time()
    with mock.patch("contact.ratelimit.time.time", return_value=now):
        client.post(FORM_URL, valid_post())
    with mock.patch("contact.ratelimit.time.time", return_value=now + 100):
        client.post(FORM_URL, valid_post())
        refused = client.post(FORM_URL, valid_post())
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "500"  # when the first place frees up


def test_a_form_sent_again_after_the_limit_is_reached_still_gets_its_thank_you_page(client, settings):
    settings.CONTACT_RATE_LIMIT = 1
    data = valid_post()
    assertRedirects(client.post(FORM_URL, data), THANKS_URL)
    assertRedirects(client.post(FORM_URL, data), THANKS_URL)  # a double click: not refused
    assert client.post(FORM_URL, valid_post()).status_code == 429  # a new enquiry is
    assert Enquiry.objects.count() == 1


def test_sending_an_enquiry_costs_the_database_two_inserts_and_no_read(client, no_mail_here):
    # The thank-you reference is in a cookie: the enquiry's statements are its insert and its mails'
    # task, in one transaction. No mail is sent here. Without Redis the rate limit's place is a row
    # in the shared database cache (its own read and insert, in the cache's table only).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.post(FORM_URL, valid_post()).status_code == 302
    site = [q["sql"] for q in queries.captured_queries if "clinic_shared_cache" not in q["sql"]]
    statements = [sql.split()[0].upper() for sql in site]
    assert statements.count("INSERT") == 2
    assert "SELECT" not in statements and "UPDATE" not in statements
    rate_limit = [q["sql"] for q in queries.captured_queries if "clinic_shared_cache" in q["sql"]]
    assert [sql.split()[0].upper() for sql in rate_limit].count("INSERT") == 1


def test_the_rate_limit_is_per_client_address(client, settings):
    settings.CONTACT_RATE_LIMIT = 1
    assert client.post(FORM_URL, valid_post(), REMOTE_ADDR="203.0.113.1").status_code == 302
    assert client.post(FORM_URL, valid_post(), REMOTE_ADDR="203.0.113.1").status_code == 429
    assert client.post(FORM_URL, valid_post(), REMOTE_ADDR="203.0.113.2").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_rate_limit(client, settings):
    settings.CONTACT_RATE_LIMIT = 1
    client.post(FORM_URL, valid_post(), HTTP_X_FORWARDED_FOR="198.51.100.1")
    response = client.post(FORM_URL, valid_post(), HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_used(client, settings):
    settings.CONTACT_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appends the address it saw; anything further left is the client's own claim.
    assert (
        client.post(FORM_URL, valid_post(), HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.1").status_code == 302
    )
    assert (
        client.post(FORM_URL, valid_post(), HTTP_X_FORWARDED_FOR="2.2.2.2, 198.51.100.1").status_code == 429
    )
    assert client.post(FORM_URL, valid_post(), HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_mistakes_do_not_use_up_the_rate_limit(client, settings):
    settings.CONTACT_RATE_LIMIT = 1
    for _ in range(3):
        assert client.post(FORM_URL, valid_post(name="")).status_code == 200
    assertRedirects(client.post(FORM_URL, valid_post()), THANKS_URL)


def test_send_this_result_arrives_attached_in_the_patient_s_words_with_the_condition_chosen(client):
    make_condition()  # hemifacial-spasm, published
    url = f"{FORM_URL}?condition=hemifacial-spasm&result={signed_result()}"
    html = client.get(url).content.decode()
    assert "Attached: your severity calculator result" in html
    assert "Grade II on a scale from I to IV." in html
    assert "Eyelid score 5 out of 8 (how strong: 2 out of 4; how often: 3 out of 4)." in html
    assert "Worked out with the calculator on 21 November 2026." in html
    assert "SMC" not in html and "Jankovic" not in html  # words the patient never saw
    box = re.search(r'<input type="checkbox" name="remove_result"[^>]*>', html).group(0)
    assert "checked" not in box
    assert '<label for="id_remove_result">Remove the result from my message</label>' in html
    assert re.search(r'<input type="hidden" name="result" value="[^"]+"', html)
    selected = re.search(r'<input type="radio" name="condition" value="hemifacial-spasm"[^>]*>', html).group(
        0
    )
    assert "checked" in selected


def test_the_consent_wording_says_the_result_is_sent_only_when_one_is_attached(client):
    with_result = client.get(FORM_URL, {"result": signed_result()}).content.decode()
    consent = with_result[with_result.index('id="id_consent_helptext"') :]
    consent = consent[: consent.index("</p>")]
    assert "your answers to its six questions, your grade, your eyelid score and the date" in consent
    assert "your answers to its six questions" not in client.get(FORM_URL).content.decode()


def test_an_attached_calculator_result_is_verified_and_stored_with_its_date(client):
    token = signed_result()
    response = client.post(FORM_URL, valid_post(result=token))
    assertRedirects(response, THANKS_URL)
    result = Enquiry.objects.get().calculator_result
    assert result["smc_grade"] == 2
    assert result["jankovic_total"] == 5
    assert result["periocular"] is True
    assert result["date"] == "2026-11-21"


def test_a_removed_calculator_result_is_not_stored(client):
    assertRedirects(client.post(FORM_URL, valid_post(result=signed_result(), remove_result="on")), THANKS_URL)
    assert Enquiry.objects.get().calculator_result is None


def test_a_tampered_calculator_link_shows_a_notice_and_the_form_still_works(client):
    token = signed_result()
    response = client.get(FORM_URL, {"result": token[:-4] + "AAAA"})
    assert response.status_code == 200
    assertContains(response, "We could not check your calculator result")
    assertNotContains(response, 'name="remove_result"')
    assertRedirects(client.post(FORM_URL, valid_post()), THANKS_URL)


def test_a_tampered_calculator_result_is_never_stored(client):
    token = signed_result(severity=1)
    # Swap in a higher score without re-signing: the signature no longer matches.
    forged = token.replace(token.split(":")[0], signed_result(severity=4).split(":")[0])
    response = client.post(FORM_URL, valid_post(result=forged))
    assert response.status_code == 200
    assertContains(response, "could not be checked")
    assertContains(response, "Your message has not been sent yet")
    assert Enquiry.objects.count() == 0
    # Sending the re-shown form again goes through, without the result.
    html = response.content.decode()
    assert '<input type="hidden" name="result" id="id_result">' in html
    assert 'name="remove_result"' not in html
    assertRedirects(client.post(FORM_URL, valid_post(result="")), THANKS_URL)
    assert Enquiry.objects.get().calculator_result is None


def test_inline_check_returns_only_the_field_with_its_error(client):
    response = client.post(
        reverse("contact:validate", args=["phone"]), valid_post(phone="1234"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<div class="field field--error" id="id_phone_group"')
    assert "Singapore number like 9123 4567" in html
    assert Enquiry.objects.count() == 0


def test_inline_check_of_a_good_field_shows_no_error(client):
    response = client.post(reverse("contact:validate", args=["email"]), valid_post())
    assert "field--error" not in response.content.decode()


def test_inline_check_refuses_unknown_fields_and_get(client):
    assert client.post(reverse("contact:validate", args=["website"]), valid_post()).status_code == 404
    assert client.get(reverse("contact:validate", args=["name"])).status_code == 405


def test_the_form_works_without_javascript(client):
    """A plain form post, with every htmx attribute only an extra: the form has a real action."""
    html = client.get(FORM_URL).content.decode()
    assert f'<form method="post" action="{FORM_URL}"' in html
    assert '<button type="submit">' in html
    assert "hx-on" not in html


def test_wrong_method_is_refused(client):
    assert client.put(FORM_URL).status_code == 405
    assert client.post(THANKS_URL).status_code == 405
