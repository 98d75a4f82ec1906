"""The write-in form's "what is your enquiry about?": a short list, never every article, the
article the patient came from first, and "another condition or not sure" in their own words."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from clinic.models import ClinicProfile
from contact.models import Enquiry
from contact.popular import SHORTLIST_SIZE
from tests.contact.conftest import make_condition, make_enquiry, valid_post

pytestmark = pytest.mark.django_db

FORM_URL = reverse("contact:form")


def radios(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="condition" value="([^"]+)"', html)


def make_conditions(count: int) -> list:
    return [
        make_condition(name=f"Condition {number:03}", slug=f"condition-{number}") for number in range(count)
    ]


def test_the_short_list_is_the_most_written_about_then_the_oldest_articles(client):
    conditions = make_conditions(8)
    for _ in range(3):
        make_enquiry(condition=conditions[6])
    make_enquiry(condition=conditions[7])
    choices = radios(client.get(FORM_URL).content.decode())
    # The two asked about, topped up with the oldest articles, listed by name; then "other".
    assert choices == ["condition-0", "condition-1", "condition-2", "condition-6", "condition-7", "other"]
    assert len(choices) == SHORTLIST_SIZE + 1


def test_the_article_the_patient_came_from_comes_first_and_is_chosen_even_off_the_short_list(client):
    make_conditions(8)
    html = client.get(FORM_URL, {"condition": "condition-7"}).content.decode()
    assert radios(html)[0] == "condition-7"
    assert re.search(r'value="condition-7" id="id_condition_0" checked', html)


def test_an_article_off_the_short_list_can_be_sent(client):
    conditions = make_conditions(8)
    client.post(FORM_URL, valid_post(condition="condition-7"))
    assert Enquiry.objects.get().condition == conditions[7]


def test_another_condition_is_sent_in_the_patient_s_words(client):
    make_condition()
    post = valid_post(condition="other", condition_other="  A  tremor in my hand ")
    client.post(FORM_URL, post)
    enquiry = Enquiry.objects.get()
    assert enquiry.condition is None
    assert enquiry.condition_other == "A tremor in my hand"


def test_an_unpublished_article_cannot_be_sent(client):
    make_condition(slug="draft-one", name="Draft one", publish=False)
    response = client.post(FORM_URL, valid_post(condition="draft-one"))
    assertContains(response, "Choose a condition from the list.")
    assert not Enquiry.objects.exists()


def test_coordinators_see_what_the_patient_wrote(client, coordinator):
    from tests.conftest import staff_login

    enquiry = make_enquiry(condition_other="A tremor in my hand")
    staff_login(client, coordinator)
    assertContains(client.get(reverse("admin:contact_enquiry_changelist")), "A tremor in my hand")
    assertContains(
        client.get(reverse("admin:contact_enquiry_change", args=[enquiry.pk])), "A tremor in my hand"
    )


@pytest.mark.parametrize("articles", [2, 200])
def test_the_form_is_the_same_size_and_queries_however_many_articles(
    client, django_assert_num_queries, articles
):
    make_conditions(articles)
    ClinicProfile.load()
    client.get(FORM_URL)  # the short list is counted once, then kept for an hour
    with django_assert_num_queries(1):
        response = client.get(FORM_URL, {"condition": "condition-1"})
    assert len(radios(response.content.decode())) == min(articles, SHORTLIST_SIZE) + 1
    assertNotContains(response, "<select")
    assert len(response.content) < 20_000


@pytest.mark.parametrize("value", ["\x00", "hemifacial\x00spasm", "../admin", "x" * 300 + " y"])
def test_a_condition_that_cannot_be_an_articles_address_is_refused_with_a_message(client, value):
    make_conditions(2)
    response = client.post(FORM_URL, {**valid_post(), "condition": value})
    assertContains(response, "Choose a condition from the list.")
    assert not Enquiry.objects.exists()
    # Arriving with it: the form, or (a NUL in the address) the site's friendly 400, never a 500.
    assert client.get(FORM_URL, {"condition": value}).status_code in (200, 400)
