"""A patient's data request (PDPA), answered by a coordinator: find their enquiries by email or
phone, export them all for the patient, correct their contact details, delete them; every step in
the access trail."""

import csv
import io

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from contact.models import Enquiry, EnquiryAccess, EnquiryNote
from tests.contact.conftest import make_enquiry, make_staff, signed_result

pytestmark = pytest.mark.django_db
URL = reverse("admin:contact_enquiry_data_request")


@pytest.fixture
def signed_in(client, coordinator, staff_login):
    staff_login(client, coordinator)
    return client


@pytest.fixture
def patient() -> list[Enquiry]:
    """Two enquiries from one patient (one by email, one by phone only) and one from someone else."""
    by_email = make_enquiry(email="Mei.Ling@Example.com", phone="", message='=HYPERLINK("x") first')
    by_phone = make_enquiry(
        email="", phone="+6591234567", preferred_contact="phone", message="Second, by phone."
    )
    make_enquiry(name="Someone Else", email="else@example.com", phone="+6598765432")
    return [by_email, by_phone]


def actions() -> list[str]:
    return list(EnquiryAccess.objects.order_by("id").values_list("action", flat=True))


def test_finding_a_patients_enquiries_by_email_and_phone(signed_in, patient):
    page = signed_in.get(URL, {"email": "mei.ling@example.com", "phone": "9123 4567"})
    for enquiry in patient:
        assertContains(page, enquiry.reference)
    assertNotContains(page, "Someone Else")
    assertContains(page, "2 enquiries found")
    entry = EnquiryAccess.objects.get()
    assert entry.action == "request_list" and entry.count == 2
    assert entry.query == "email mei.ling@example.com; phone +6591234567"


def test_the_export_holds_every_field_and_message_for_the_patient(signed_in, patient):
    Enquiry.objects.filter(pk=patient[1].pk).update(calculator_result=None)
    response = signed_in.post(
        URL, {"email": "mei.ling@example.com", "phone": "+6591234567", "step": "export"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="your-enquiries-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert sorted(row["reference"] for row in rows) == sorted(e.reference for e in patient)
    messages = {row["message"] for row in rows}
    assert "Second, by phone." in messages
    assert '\'=HYPERLINK("x") first' in messages  # a formula is never run by a spreadsheet
    assert {"name", "email", "phone", "consent given", "privacy notice version"} <= set(rows[0])
    assert actions() == ["request_export"]


def test_a_calculator_result_is_exported_in_words(signed_in):
    from grading.handoff import load_result

    enquiry = make_enquiry(email="calc@example.com", calculator_result=load_result(signed_result()).as_data())
    response = signed_in.post(URL, {"email": "calc@example.com", "step": "export"})
    (row,) = csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff")))
    assert row["reference"] == enquiry.reference
    assert "Grade" in row["calculator result"] or "grade" in row["calculator result"]


def test_correcting_contact_details_changes_every_enquiry_and_records_which_fields(signed_in, patient):
    response = signed_in.post(
        URL,
        {
            "email": "mei.ling@example.com",
            "phone": "+6591234567",
            "step": "correct",
            "new-name": "Tan  Mei Lin",
            "new-phone": "",
        },
    )
    assertRedirects(
        response, f"{URL}?email=mei.ling%40example.com&phone=%2B6591234567", fetch_redirect_response=False
    )
    assert set(Enquiry.objects.filter(pk__in=[e.pk for e in patient]).values_list("name", flat=True)) == {
        "Tan Mei Lin"
    }
    assert Enquiry.objects.get(name="Someone Else")  # untouched
    entry = EnquiryAccess.objects.get()
    assert (entry.action, entry.count, entry.query) == ("request_correct", 2, "corrected: name")


def test_a_correction_that_breaks_a_rule_changes_nothing(signed_in, patient):
    response = signed_in.post(
        URL, {"email": "mei.ling@example.com", "step": "correct", "new-phone": "not a phone"}
    )
    assert response.status_code == 200
    assert Enquiry.objects.get(pk=patient[0].pk).email == "Mei.Ling@Example.com"
    assert "request_correct" not in actions()


def test_deleting_needs_confirmation_then_removes_the_enquiries_and_notes(signed_in, patient):
    EnquiryNote.objects.create(enquiry=patient[0], text="Called back.")
    who = {"email": "mei.ling@example.com", "phone": "+6591234567", "step": "delete"}
    signed_in.post(URL, who)
    assert Enquiry.objects.count() == 3  # not confirmed: nothing deleted
    response = signed_in.post(URL, {**who, "confirm": "yes"})
    assertRedirects(response, URL, fetch_redirect_response=False)
    assert list(Enquiry.objects.values_list("name", flat=True)) == ["Someone Else"]
    assert EnquiryNote.objects.count() == 0
    entry = EnquiryAccess.objects.get(action="request_delete")
    assert sorted(entry.references.split(", ")) == sorted(e.reference for e in patient)


def test_only_those_who_answer_data_requests_reach_the_page(client, staff_login, patient):
    editor = make_staff("writer")
    staff_login(client, editor)
    assert client.get(URL, {"email": "mei.ling@example.com"}).status_code in (302, 403)
    assert client.post(
        URL, {"email": "mei.ling@example.com", "step": "delete", "confirm": "yes"}
    ).status_code in (302, 403)
    assert Enquiry.objects.count() == 3
    assert EnquiryAccess.objects.count() == 0


def test_the_enquiry_list_links_to_the_data_request_page(signed_in):
    assertContains(signed_in.get(reverse("admin:contact_enquiry_changelist")), URL)


def test_each_enquiry_records_the_privacy_notice_version_and_the_admin_shows_it(signed_in, settings):
    from tests.contact.conftest import submit

    enquiry = submit()
    assert enquiry.privacy_notice_version == settings.PRIVACY_NOTICE_VERSION
    page = signed_in.get(reverse("admin:contact_enquiry_change", args=[enquiry.pk]))
    assertContains(page, "Privacy notice agreed to")
    assertContains(page, settings.PRIVACY_NOTICE_VERSION)
