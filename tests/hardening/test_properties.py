"""Property-based tests (hypothesis) for every public form and address: whatever arrives, the site
answers with a page or the right 4xx, never a 500, and what it accepts it stores exactly.

The examples share one test database per test (hypothesis runs them inside one pytest test), so
each looks up only the rows it made itself.
"""

from urllib.parse import quote, unquote

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from contact.models import Enquiry
from grading.handoff import load_result
from tests.conftest import BrowserClient
from tests.contact.conftest import signed_result, valid_post
from tests.hardening.conftest import address, assert_not_a_server_error, refused_address, signed_in

pytestmark = pytest.mark.django_db

PROPERTY = hypothesis_settings(
    max_examples=50,
    deadline=None,  # a request through the whole stack takes a few milliseconds, sometimes more
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEWER = hypothesis_settings(PROPERTY, max_examples=20)

# Any text, NUL and control characters included (no lone surrogates: they cannot be sent as UTF-8).
ANY_TEXT = st.text(max_size=300)
# Text a patient may really type: any character but control characters and lone surrogates.
WRITTEN = st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"])
CALCULATOR_VALUES = {
    "periocular": ["yes", "no"],
    "other_regions": ["yes", "no"],
    "vision_interference": ["yes", "no"],
    "disfiguring_asymmetry": ["yes", "no"],
    "severity": ["0", "1", "2", "3", "4"],
    "frequency": ["0", "1", "2", "3", "4"],
}


def answer(choices: list[str]):
    # Mostly real choices (so some forms are complete and valid), sometimes anything at all.
    return st.one_of(st.sampled_from(choices), st.sampled_from(choices), st.text(max_size=20))


calculator_posts = st.fixed_dictionaries(
    {}, optional={name: answer(choices) for name, choices in CALCULATOR_VALUES.items()}
)


@pytest.fixture
def client_(open_rate_limit) -> BrowserClient:
    return BrowserClient()


@PROPERTY
@given(data=calculator_posts, htmx=st.booleans())
def test_calculator_post_never_fails_and_a_valid_one_leads_to_a_genuine_result(client_, data, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client_.post(reverse("grading:calculator"), data, headers=headers)
    assert_not_a_server_error(response)
    if htmx:
        assert response.status_code == 200
        assert b"<html" not in response.content
    elif response.status_code == 302:
        token = response.headers["Location"].split("result=", 1)[1].split("#", 1)[0]
        assert load_result(unquote(token)).answers  # the redirect carries a genuine result
    else:
        assert response.status_code in (200, 400)


@PROPERTY
@given(token=ANY_TEXT)
def test_any_result_token_is_refused_with_400_on_the_calculator_and_ignored_by_the_form(client_, token):
    response = client_.get(reverse("grading:calculator"), {"result": token})
    assert response.status_code == 400
    url = address(reverse("contact:form"), {"result": token})
    assert client_.get(url).status_code == (400 if refused_address(url) else 200)


@PROPERTY
@given(position=st.integers(min_value=0), replacement=st.characters(codec="ascii"), cut=st.booleans())
def test_an_edited_genuine_token_is_refused(client_, position, replacement, cut):
    token = signed_result()
    position %= len(token)
    edited = token[:position] + ("" if cut else replacement) + token[position + 1 :]
    response = client_.get(reverse("grading:calculator"), {"result": edited})
    if edited == token:
        assert response.status_code == 200
    else:
        assert_not_a_server_error(response)
        assert response.status_code == 400


@PROPERTY
@given(
    name=st.one_of(st.text(max_size=120), st.text(WRITTEN, min_size=1, max_size=100)),
    email=st.one_of(st.emails(), st.text(max_size=60)),
    phone=st.one_of(st.from_regex(r"\+?(65)? ?[689]\d{3} ?\d{4}", fullmatch=True), st.text(max_size=40)),
    message=st.one_of(st.text(max_size=3100), st.text(WRITTEN, min_size=1, max_size=600)),
    preferred=st.sampled_from(["email", "phone", "either", "", "fax"]),
)
def test_enquiry_post_never_fails_and_what_it_accepts_is_stored_exactly(
    client_, name, email, phone, message, preferred
):
    data = valid_post(name=name, email=email, phone=phone, message=message, preferred_contact=preferred)
    response = client_.post(reverse("contact:form"), data)
    assert_not_a_server_error(response)
    if response.status_code == 302:
        enquiry = Enquiry.objects.get(submission_id=data["submission_id"])
        assert enquiry.message == message.strip()
        assert enquiry.name == " ".join(name.split())
        assert enquiry.email == email.strip()
        assert enquiry.preferred_contact == preferred
    else:
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
        assert not Enquiry.objects.filter(submission_id=data["submission_id"]).exists()


@FEWER
@given(text=st.text(WRITTEN, min_size=1, max_size=400).filter(str.strip))
def test_written_unicode_round_trips_exactly_and_is_shown_escaped_to_the_coordinator(
    client_, superuser, text
):
    data = valid_post(message=text, name=text[:100])
    assert client_.post(reverse("contact:form"), data).status_code == 302
    enquiry = Enquiry.objects.get(submission_id=data["submission_id"])
    assert enquiry.message == text.strip()
    page = signed_in(superuser).get(reverse("admin:contact_enquiry_change", args=[enquiry.pk]))
    assert escape(text.strip()) in page.content.decode()


@PROPERTY
@given(query=st.dictionaries(st.text(max_size=20), ANY_TEXT, max_size=4))
def test_any_query_string_on_the_enquiry_form_shows_the_form_or_a_400(client_, query):
    url = address(reverse("contact:form"), query)
    assert client_.get(url).status_code == (400 if refused_address(url) else 200)


@PROPERTY
@given(q=ANY_TEXT, htmx=st.booleans())
def test_any_search_answers_the_list_with_the_words_escaped(client_, q, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    url = address(reverse("conditions:search"), {"q": q})
    response = client_.get(url, headers=headers)
    assert_not_a_server_error(response)
    if refused_address(url):
        assert response.status_code == 400
        return
    assert response.status_code == 200
    if q.strip() and len(q) <= 100 and not htmx:
        assert escape(q.strip()) in response.content.decode()


@PROPERTY
@given(segment=st.text(min_size=1, max_size=200))
def test_any_condition_address_is_a_page_a_redirect_or_a_4xx(client_, segment):
    response = client_.get(f"/conditions/{quote(segment, safe='')}/")
    assert_not_a_server_error(response)
    assert response.status_code in (200, 301, 400, 404)


@PROPERTY
@given(raw=st.binary(min_size=1, max_size=40))
def test_any_bytes_in_the_path_and_query_string_are_a_page_or_a_4xx(client_, raw):
    encoded = quote(raw, safe="")
    for url in [
        f"/conditions/{encoded}/",
        f"/conditions/search/?q={encoded}",
        f"/contact/?condition={encoded}",
    ]:
        response = client_.get(url)
        assert_not_a_server_error(response, what=url)
        assert response.status_code in (200, 400, 404)


@FEWER
@given(field=st.sampled_from(["name", "email", "phone", "message"]), value=ANY_TEXT)
def test_inline_check_answers_the_field_alone_for_any_value(client_, field, value):
    response = client_.post(reverse("contact:validate", args=[field]), valid_post(**{field: value}))
    assert response.status_code == 200
    assert b"<html" not in response.content


@FEWER
@given(session=st.text(max_size=100), reference=ANY_TEXT)
def test_thank_you_page_shows_only_the_sessions_own_reference(client_, session, reference):
    client_.cookies["sessionid"] = quote(session)
    url = address(reverse("contact:thanks"), {"reference": reference})
    response = client_.get(url)
    if refused_address(url):
        assert response.status_code == 400
    else:  # no reference in this session: back to the form, whatever the address says
        assert (response.status_code, response.headers["Location"]) == (302, reverse("contact:form"))
