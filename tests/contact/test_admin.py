import csv
import io
import re
from html import unescape as html_unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from contact.models import COORDINATORS_GROUP, Enquiry, EnquiryNote
from tests.conftest import staff_login
from tests.contact.conftest import make_condition, make_enquiry, make_staff

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:contact_enquiry_changelist")


def change_url(enquiry: Enquiry) -> str:
    return reverse("admin:contact_enquiry_change", args=[enquiry.pk])


def every_enquiry_url(enquiry: Enquiry) -> list[str]:
    return [
        CHANGELIST,
        change_url(enquiry),
        reverse("admin:contact_enquiry_history", args=[enquiry.pk]),
        reverse("admin:contact_enquiry_delete", args=[enquiry.pk]),
        reverse("admin:contact_enquiry_add"),
    ]


def change_post(enquiry: Enquiry, **overrides) -> dict:
    """What the admin's change form posts: status, assignee and the notes inline."""
    notes = list(enquiry.notes.all())
    data = {
        "status": enquiry.status,
        "assignee": enquiry.assignee_id or "",
        "notes-TOTAL_FORMS": str(len(notes) + 1),
        "notes-INITIAL_FORMS": str(len(notes)),
        "notes-MIN_NUM_FORMS": "0",
        "notes-MAX_NUM_FORMS": "1000",
        f"notes-{len(notes)}-text": "",
        f"notes-{len(notes)}-enquiry": str(enquiry.pk),
    }
    for index, note in enumerate(notes):
        data[f"notes-{index}-id"] = str(note.pk)
        data[f"notes-{index}-enquiry"] = str(enquiry.pk)
    data.update(overrides)
    return data


def test_the_coordinators_group_may_handle_enquiries_and_nothing_else():
    group = Group.objects.get(name=COORDINATORS_GROUP)
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert codenames == {
        ("contact", "view_enquiry"),
        ("contact", "change_enquiry"),
        ("contact", "export_enquiry"),
        ("contact", "answer_data_request"),  # PDPA: export, correct, delete one patient's enquiries
        ("contact", "add_enquirynote"),
        ("contact", "view_enquirynote"),
    }


def test_a_coordinator_sees_the_list_and_everything_the_patient_sent(client, coordinator):
    enquiry = make_enquiry(
        condition=make_condition(),
        calculator_result={"smc_grade": 2, "smc_roman": "II", "jankovic_total": 5, "date": "2026-11-21"},
    )
    staff_login(client, coordinator)
    assertContains(client.get(CHANGELIST), enquiry.reference)
    page = client.get(change_url(enquiry))
    assert page.status_code == 200
    for sent in ["Tan Mei Ling", "mei.ling@example.com", "+6591234567", "My left eye has been twitching"]:
        assertContains(page, sent)
    assertContains(page, "SMC grade II")
    assertContains(page, "Hemifacial spasm")
    assert client.get(reverse("admin:contact_enquiry_history", args=[enquiry.pk])).status_code == 200
    # Handling, not deleting: enquiries go only through the retention command (or a superuser).
    assert client.get(reverse("admin:contact_enquiry_delete", args=[enquiry.pk])).status_code == 403


def test_a_coordinator_sees_nothing_else_in_the_admin(client, coordinator):
    staff_login(client, coordinator)
    index = client.get(reverse("admin:index"))
    assertContains(index, CHANGELIST)
    assertNotContains(index, reverse("admin:auth_user_changelist"))
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:clinic_clinicprofile_changelist")).status_code == 403


def test_an_editor_cannot_see_enquiries_at_all(client, editor):
    enquiry = make_enquiry()
    staff_login(client, editor)
    assertNotContains(client.get(reverse("admin:index")), CHANGELIST)
    for url in every_enquiry_url(enquiry):
        assert client.get(url).status_code == 403, url
    assert client.post(change_url(enquiry), change_post(enquiry, status="closed")).status_code == 403
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.NEW


def test_other_staff_cannot_see_enquiries(client):
    enquiry = make_enquiry()
    staff_login(client, make_staff("receptionist"))
    for url in every_enquiry_url(enquiry):
        assert client.get(url).status_code == 403, url


def test_signed_out_visitors_are_sent_to_the_login_page(client):
    enquiry = make_enquiry()
    response = client.get(change_url(enquiry))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_superuser_can_handle_enquiries(admin_client):
    enquiry = make_enquiry()
    assert admin_client.get(change_url(enquiry)).status_code == 200


def test_nobody_can_add_an_enquiry_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:contact_enquiry_add")).status_code == 403


def test_a_coordinator_can_assign_and_close_but_never_change_what_the_patient_wrote(client, coordinator):
    enquiry = make_enquiry()
    staff_login(client, coordinator)
    crafted = change_post(
        enquiry,
        status="closed",
        assignee=str(coordinator.pk),
        name="Someone else",
        email="other@example.com",
        phone="+6580000000",
        message="Rewritten",
        calculator_result='{"smc_grade": 4}',
        reference="NAC-2222-2222",
        coordinator_mail="sent",
    )
    response = client.post(change_url(enquiry), crafted)
    assert response.status_code == 302, response.content.decode()[:2000]
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.CLOSED
    assert enquiry.assignee == coordinator
    assert enquiry.name == "Tan Mei Ling"
    assert enquiry.email == "mei.ling@example.com"
    assert enquiry.phone == "+6591234567"
    assert enquiry.message == "My left eye has been twitching for months."
    assert enquiry.calculator_result is None
    assert enquiry.reference != "NAC-2222-2222"
    assert enquiry.coordinator_mail == Enquiry.MailStatus.PENDING
    entry = LogEntry.objects.get(object_id=str(enquiry.pk))
    assert entry.user == coordinator
    assert "Status" in entry.get_change_message() and "Assignee" in entry.get_change_message()
    assert entry.object_repr == enquiry.reference  # no personal data in the history


def test_only_coordinators_can_be_assigned(client, coordinator, editor):
    enquiry = make_enquiry()
    staff_login(client, coordinator)
    page = client.get(change_url(enquiry)).content.decode()
    assert f'<option value="{coordinator.pk}">' in page
    assert f'<option value="{editor.pk}">' not in page
    response = client.post(change_url(enquiry), change_post(enquiry, assignee=str(editor.pk)))
    assert response.status_code == 200  # the form refuses the choice
    enquiry.refresh_from_db()
    assert enquiry.assignee is None


def test_notes_are_added_with_author_and_time_and_never_changed_or_deleted(client, coordinator):
    enquiry = make_enquiry()
    staff_login(client, coordinator)
    response = client.post(
        change_url(enquiry), change_post(enquiry, **{"notes-0-text": "Called, no answer."})
    )
    assert response.status_code == 302
    note = EnquiryNote.objects.get()
    assert note.author == coordinator
    assert note.created_at is not None
    assert note.text == "Called, no answer."

    # A crafted POST trying to edit or delete the note changes nothing.
    crafted = change_post(
        enquiry, **{"notes-0-text": "Edited", "notes-0-DELETE": "on", "notes-1-text": "Second"}
    )
    assert client.post(change_url(enquiry), crafted).status_code == 302
    assert list(EnquiryNote.objects.values_list("text", flat=True)) == ["Called, no answer.", "Second"]

    page = client.get(change_url(enquiry))
    assertContains(page, "Called, no answer.")
    assertContains(page, "coordinator")  # the author, shown next to the note
    assertNotContains(page, 'name="notes-0-text"')  # saved notes are not editable
    assertNotContains(page, "notes-0-DELETE")
    history = client.get(reverse("admin:contact_enquiry_history", args=[enquiry.pk]))
    assertContains(history, "Added")
    assertNotContains(history, "Called, no answer.")  # note text stays out of the history


def test_the_list_is_newest_first_minimal_and_new_enquiries_stand_out(client, coordinator):
    older = make_enquiry(message="Older private message", status=Enquiry.Status.IN_PROGRESS)
    newer = make_enquiry(message="Newer private message")
    staff_login(client, coordinator)
    html = client.get(CHANGELIST).content.decode()
    assert html.index(newer.reference) < html.index(older.reference)
    assert "private message" not in html
    assert "<strong>" in html and "New</strong>" in html
    assert "In progress" in html


def test_the_list_does_not_query_per_row(client, coordinator, django_assert_max_num_queries):
    condition = make_condition()
    for _ in range(15):
        make_enquiry(condition=condition, assignee=coordinator)
    staff_login(client, coordinator)
    client.get(CHANGELIST)
    with django_assert_max_num_queries(14):
        assert client.get(CHANGELIST).status_code == 200


@pytest.mark.parametrize(
    "term",
    ["REF", "Tan Mei", "mei.ling@example", "9123 4567", "+65 9123-4567", "6591234567"],
)
def test_coordinators_can_search_by_reference_name_email_and_phone(client, coordinator, term):
    wanted = make_enquiry()
    other = make_enquiry(name="Lim Wei", email="wei@example.com", phone="+6588887777")
    staff_login(client, coordinator)
    term = wanted.reference if term == "REF" else term
    html = client.get(CHANGELIST, {"q": term}).content.decode()
    assert wanted.reference in html
    assert other.reference not in html


def test_coordinators_can_filter_by_status_assignee_condition_date_and_mail(client, coordinator):
    condition = make_condition()
    match = make_enquiry(
        status=Enquiry.Status.WAITING, assignee=coordinator, condition=condition, coordinator_mail="failed"
    )
    other = make_enquiry()
    staff_login(client, coordinator)
    for params in [
        {"status__exact": "waiting"},
        {"assignee__id__exact": coordinator.pk},
        {"condition__id__exact": condition.pk},
        {"mail": "failed"},
    ]:
        html = client.get(CHANGELIST, params).content.decode()
        assert match.reference in html and other.reference not in html, params
    # The date filter's own "Past 7 days" link.
    html = client.get(CHANGELIST).content.decode()
    past_week = html_unescape(
        re.search(r'href="(\?created_at__gte=[^"]+)"[^>]*>\s*Past 7 days', html).group(1)
    )
    assert match.reference in client.get(CHANGELIST + past_week).content.decode()


def export(client, *enquiries):
    return client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [str(e.pk) for e in enquiries], "index": "0"}
    )


def test_coordinators_can_export_enquiries_as_csv(client, coordinator):
    first = make_enquiry(condition=make_condition())
    second = make_enquiry(name='=HYPERLINK("http://evil")', email="", preferred_contact="phone")
    staff_login(client, coordinator)
    response = export(client, first, second)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["reference", "received", "status"]
    assert {row[0] for row in rows[1:]} == {first.reference, second.reference}
    by_reference = {row[0]: row for row in rows[1:]}
    assert by_reference[first.reference][4] == "Hemifacial spasm"
    assert by_reference[second.reference][5].startswith("'=")  # no formula runs in a spreadsheet
    assert "twitching" not in response.content.decode()  # the message stays in the admin
    assert LogEntry.objects.filter(change_message="Exported as CSV.").count() == 2


def test_exporting_needs_the_export_permission(client):
    enquiry = make_enquiry()
    viewer = make_staff(
        "viewer",
        permissions=Permission.objects.filter(
            content_type__app_label="contact", codename__in=["view_enquiry", "change_enquiry"]
        ),
    )
    staff_login(client, viewer)
    assertNotContains(client.get(CHANGELIST), "export_csv")
    response = export(client, enquiry)
    assert not response.get("Content-Type", "").startswith("text/csv")
