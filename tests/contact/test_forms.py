import re
import uuid

import pytest

from contact.forms import EnquiryForm
from tests.contact.conftest import make_condition, signed_result, valid_post

pytestmark = pytest.mark.django_db


def errors_for(**overrides) -> dict:
    form = EnquiryForm(valid_post(**overrides))
    form.is_valid()
    return form.errors


def test_a_complete_form_is_valid_and_normalised():
    form = EnquiryForm(valid_post(name="  Tan   Mei  Ling ", phone="+65 9123-4567"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Tan Mei Ling"
    assert form.cleaned_data["phone"] == "+6591234567"
    assert isinstance(form.cleaned_data["submission_id"], uuid.UUID)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter your name."),
        ("name", "   ", "Enter your name."),
        ("name", "x" * 101, "Please shorten your name to 100 characters or fewer."),
        ("email", "mei.ling@", "Enter an email address like name@example.com."),
        ("email", "not an email", "Enter an email address like name@example.com."),
        ("email", "a" * 250 + "@example.com", "That is too long for an email address."),
        ("phone", "1234 5678", "Singapore number like 9123 4567"),
        ("phone", "+65 1234 5678", "A Singapore number has 8 digits after +65"),
        ("phone", "call me", "Singapore number like 9123 4567"),
        ("phone", "9" * 31, "That is too long for a phone number."),
        ("preferred_contact", "", "Choose how you would like us to reply."),
        ("preferred_contact", "carrier-pigeon", "Select a valid choice"),
        ("condition", "no-such-condition", "Choose a condition from the list."),
        ("message", "", "Enter your message."),
        ("message", "x" * 3001, "please shorten it to 3000 characters or fewer (it has 3001)"),
        ("consent", None, "Tick the box to agree"),
    ],
)
def test_every_field_explains_bad_input(field, value, message):
    errors = errors_for(**{field: value})
    assert field in errors
    assert message in " ".join(errors[field])


def test_a_message_of_the_maximum_length_is_accepted():
    assert not errors_for(message="x" * 3000)


def test_email_or_phone_is_required():
    errors = errors_for(email="", phone="", preferred_contact="either")
    assert errors["email"] == ["Enter an email address or a phone number, so that we can reply."]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "", "preferred_contact": "email"}, "email"),
        ({"phone": "", "preferred_contact": "phone"}, "phone"),
    ],
)
def test_the_preferred_way_to_reply_must_be_given(overrides, field):
    errors = errors_for(**overrides)
    assert list(errors) == [field]
    assert "You chose a reply by" in errors[field][0]


@pytest.mark.parametrize(
    ("overrides"),
    [
        {"email": "", "preferred_contact": "phone"},
        {"phone": "", "preferred_contact": "email"},
        {"phone": "", "preferred_contact": "either"},
    ],
)
def test_one_way_to_reply_is_enough(overrides):
    assert not errors_for(**overrides)


def test_only_published_conditions_can_be_chosen():
    make_condition(slug="draft-one", name="Draft one", publish=False)
    make_condition()
    assert "condition" in errors_for(condition="draft-one")
    form = EnquiryForm(valid_post(condition="hemifacial-spasm"))
    assert form.is_valid()
    assert form.cleaned_data["condition"].slug == "hemifacial-spasm"


def test_the_choices_are_the_live_articles_names_and_addresses_never_a_drafts():
    condition = make_condition()
    condition.name, condition.slug = "Hemifacial spasm (draft name)", "hfs-draft"
    condition.save()
    html = str(EnquiryForm()["condition"])
    assert re.search(
        r'<input type="radio" name="condition" value="hemifacial-spasm"[^>]*>\s*Hemifacial spasm', html
    )
    assert "draft" not in html
    form = EnquiryForm(valid_post(condition="hemifacial-spasm"))
    assert form.is_valid()
    assert form.cleaned_data["condition"].pk == condition.pk  # the enquiry records the article


def test_consent_box_starts_unticked():
    html = str(EnquiryForm()["consent"])
    assert 'type="checkbox"' in html
    assert "checked" not in html


def test_the_form_asks_for_nothing_it_does_not_need():
    names = set(EnquiryForm().fields)
    assert not {"nric", "date_of_birth", "dob", "birth_date", "address"} & names


def test_a_missing_or_garbled_submission_id_gets_a_fresh_one():
    # A garbled hidden token must not become an error the patient can neither see nor fix.
    for token in ["not-a-uuid", ""]:
        form = EnquiryForm(valid_post(submission_id=token))
        assert form.is_valid()
        assert isinstance(form.cleaned_data["submission_id"], uuid.UUID)


def test_a_genuine_calculator_result_is_attached_as_it_arrives():
    # The patient chose "Send this result": the result is sent unless they remove it.
    form = EnquiryForm(valid_post(result=signed_result()))
    assert form.is_valid(), form.errors
    data = form.calculator_data()
    assert data["smc_roman"] == "II"
    assert data["jankovic_total"] == 5
    assert data["date"] == "2026-11-21"
    assert data["periocular"] is True


def test_a_result_arriving_from_the_calculator_shows_attached_with_a_remove_box_unticked():
    form = EnquiryForm(result_token=signed_result())
    assert form.initial["result"] == signed_result()
    assert form["remove_result"].label == "Remove the result from my message"
    assert not form["remove_result"].value()


def test_the_patient_can_remove_the_result():
    form = EnquiryForm(valid_post(result=signed_result(), remove_result="on"))
    assert form.is_valid()
    assert form.calculator_data() is None


def test_a_tampered_result_the_patient_kept_stops_the_form():
    token = signed_result()
    form = EnquiryForm(valid_post(result=token[:-4] + "AAAA"))
    assert not form.is_valid()
    assert "could not be checked" in form.non_field_errors()[0]
    # The broken token is dropped, so sending again goes through without it.
    assert form.data["result"] == ""
    assert EnquiryForm(form.data).is_valid()


def test_a_tampered_result_the_patient_removed_is_ignored():
    form = EnquiryForm(valid_post(result="forged-token", remove_result="on"))
    assert form.is_valid()
    assert form.calculator_data() is None


def test_without_a_result_there_is_no_remove_box():
    assert "remove_result" not in EnquiryForm().fields
    assert "remove_result" not in EnquiryForm(valid_post()).fields
