"""The access trail: every reading of enquiries in the admin is recorded (who, when, which
enquiries or what was searched for; never the message), and nobody can change or remove it."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from pytest_django.asserts import assertContains

from contact.models import Enquiry, EnquiryAccess
from tests.conftest import BrowserClient
from tests.contact.conftest import make_enquiry

pytestmark = pytest.mark.django_db
LIST = reverse("admin:contact_enquiry_changelist")


def change_url(enquiry: Enquiry) -> str:
    return reverse("admin:contact_enquiry_change", args=[enquiry.pk])


def trail() -> list[tuple[str, str, str, str]]:
    return list(EnquiryAccess.objects.order_by("id").values_list("username", "action", "references", "query"))


@pytest.fixture
def signed_in(client, coordinator, staff_login):
    staff_login(client, coordinator)
    return client


def test_opening_an_enquiry_and_its_history_is_recorded_with_its_reference(signed_in):
    enquiry = make_enquiry(message="A private message about my eye.")
    assert signed_in.get(change_url(enquiry)).status_code == 200
    assert signed_in.get(reverse("admin:contact_enquiry_history", args=[enquiry.pk])).status_code == 200
    assert trail() == [
        ("coordinator", "view", enquiry.reference, ""),
        ("coordinator", "view", enquiry.reference, ""),
    ]
    entry = EnquiryAccess.objects.first()
    assert entry.user.username == "coordinator" and entry.count == 1 and entry.at is not None


def test_every_read_of_an_enquiry_is_recorded_including_after_saving(signed_in):
    enquiry = make_enquiry()
    for _ in range(3):
        signed_in.get(change_url(enquiry))
    signed_in.post(change_url(enquiry), {"status": "in_progress", "assignee": "", **empty_notes()})
    signed_in.get(change_url(enquiry))
    assert [action for _, action, _, _ in trail()] == ["view"] * 4


def empty_notes() -> dict:
    return {
        "notes-TOTAL_FORMS": "0",
        "notes-INITIAL_FORMS": "0",
        "notes-MIN_NUM_FORMS": "0",
        "notes-MAX_NUM_FORMS": "1000",
    }


def test_a_search_or_filter_is_recorded_with_what_was_shown_but_a_plain_list_is_not(signed_in):
    tan = make_enquiry(name="Tan Mei Ling")
    make_enquiry(name="Lim Wei", email="lim@example.com", phone="+6598765432")
    signed_in.get(LIST)
    signed_in.get(LIST, {"p": "1", "o": "2"})  # paging and sorting only
    assert trail() == []
    signed_in.get(LIST, {"q": "Tan"})
    signed_in.get(LIST, {"status__exact": "new"})
    (_, action, references, query), (_, _, both, status) = trail()
    assert (action, references, query) == ("list", tan.reference, "q=Tan")
    assert status == "status__exact=new" and len(both.split(", ")) == 2


def test_an_export_and_a_deletion_are_recorded(client, admin_user, admin_client):
    enquiries = [make_enquiry(), make_enquiry()]
    references = sorted(e.reference for e in enquiries)
    selected = {"action": "export_csv", "_selected_action": [e.pk for e in enquiries]}
    assert admin_client.post(LIST, selected).status_code == 200
    delete = {"action": "delete_selected", "_selected_action": [e.pk for e in enquiries], "post": "yes"}
    assert admin_client.post(LIST, delete).status_code == 302
    assert Enquiry.objects.count() == 0
    export, deletion = EnquiryAccess.objects.order_by("id")
    assert (export.action, sorted(export.references.split(", "))) == ("export", references)
    assert (deletion.action, sorted(deletion.references.split(", "))) == ("delete", references)


def test_the_trail_never_holds_what_the_patient_wrote(signed_in):
    enquiry = make_enquiry(message="My secret symptom is a twitch.")
    signed_in.get(change_url(enquiry))
    signed_in.get(LIST, {"q": enquiry.reference})
    for entry in EnquiryAccess.objects.all():
        assert "secret symptom" not in f"{entry.references} {entry.query} {entry}"


def test_superusers_see_the_trail_and_nobody_can_change_or_delete_it(signed_in, admin_user, staff_login):
    signed_in.get(change_url(make_enquiry()))  # the coordinator reads an enquiry
    admin_client = BrowserClient()
    staff_login(admin_client, admin_user)
    entry = EnquiryAccess.objects.get()
    trail_list = reverse("admin:contact_enquiryaccess_changelist")
    page = admin_client.get(trail_list)
    assertContains(page, "coordinator")
    assertContains(page, entry.references)
    change = reverse("admin:contact_enquiryaccess_change", args=[entry.pk])
    assert admin_client.get(change).status_code == 200  # read-only
    admin_client.post(change, {"username": "someone else", "references": ""})
    assert EnquiryAccess.objects.get().username == "coordinator"
    assert admin_client.get(reverse("admin:contact_enquiryaccess_delete", args=[entry.pk])).status_code == 403
    assert admin_client.get(reverse("admin:contact_enquiryaccess_add")).status_code == 403
    # The coordinator, whose reading it records, cannot see it at all.
    assert signed_in.get(trail_list).status_code == 403
    assert signed_in.get(change).status_code == 403
    assert User.objects.get(username="coordinator").has_perm("contact.delete_enquiryaccess") is False
