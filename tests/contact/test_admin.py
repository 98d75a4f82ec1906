import csv
import datetime
import io
import re
import tracemalloc
import uuid
from html import unescape as html_unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from contact.export import phone_cell
from contact.models import COORDINATORS_GROUP, Enquiry, EnquiryNote
from grading.forms import answer_summary
from grading.handoff import result_from_answers
from tests.conftest import staff_login
from tests.contact.conftest import ANSWERS, make_condition, make_enquiry, make_staff

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:contact_enquiry_changelist")
PAGE_QUERY = 'SELECT "contact_enquiry"."id", "contact_enquiry"."reference"'  # the list's rows
COUNT_QUERY = 'SELECT COUNT(*) AS "__count" FROM "contact_enquiry"'  # and their number


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
    assertContains(page, "Grade II on a scale from I to IV.")
    assertContains(page, "Eyelid score 5 out of 8.")
    assertContains(page, "Worked out with the calculator on 21 November 2026.")
    assertContains(page, "Hemifacial spasm")
    assert client.get(reverse("admin:contact_enquiry_history", args=[enquiry.pk])).status_code == 200
    # Handling, not deleting: enquiries go only through the retention command (or a superuser).
    assert client.get(reverse("admin:contact_enquiry_delete", args=[enquiry.pk])).status_code == 403


def test_a_coordinator_sees_a_sent_result_with_its_date_the_answers_in_words_and_a_link_to_it(
    client, coordinator
):
    worked_out = datetime.date(2026, 10, 2)
    result = result_from_answers(ANSWERS, date=worked_out)
    enquiry = make_enquiry(calculator_result=result.as_data())
    staff_login(client, coordinator)
    page = client.get(change_url(enquiry))
    html = page.content.decode()
    assertContains(page, "Worked out with the calculator on 2 October 2026.")
    assertContains(page, "Grade II on a scale from I to IV.")
    assertContains(page, "<caption>The patient's answers</caption>")
    for number, (question, answer) in enumerate(answer_summary(ANSWERS), start=1):
        assert f'<tr><th scope="row">{number}. {escape(question)}</th><td>{escape(answer)}</td></tr>' in html
    [href] = re.findall(r'<a href="([^"]+)">Open the result page the patient saw</a>', html)
    shown = client.get(html_unescape(href))
    assertContains(shown, '<time datetime="2026-10-02">2 October 2026</time>')
    assertContains(shown, '<span class="result__value">Grade II</span>')
    assertContains(shown, '<span class="result__value">5 out of 8</span>')


def test_a_stored_result_from_before_the_agreement_rules_still_shows_without_a_link(client, coordinator):
    # Rule B, which did not exist when this was sent: its grade and date still show.
    data = {
        **result_from_answers(ANSWERS, date=datetime.date(2026, 1, 5)).as_data(),
        "severity": 0,
        "frequency": 0,
    }
    enquiry = make_enquiry(calculator_result=data)
    staff_login(client, coordinator)
    page = client.get(change_url(enquiry))
    assertContains(page, "Worked out with the calculator on 5 January 2026.")
    assertNotContains(page, "Open the result page the patient saw")


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


def test_the_list_shows_who_wrote_about_what_and_the_first_words_only(client, coordinator):
    older = make_enquiry(message="Older message", status=Enquiry.Status.IN_PROGRESS)
    newer = make_enquiry(
        name="Lim Wei",
        condition=make_condition(),
        message="My right eyelid has been twitching since March and now my cheek moves too. "
        "The private ending of this long message stays on its own page.",
    )
    staff_login(client, coordinator)
    html = client.get(CHANGELIST).content.decode()
    assert html.index(newer.reference) < html.index(older.reference)  # newest first
    assert "Lim Wei" in html and "Tan Mei Ling" in html
    assert "Hemifacial spasm" in html
    assert "My right eyelid has been twitching since March and now my cheek" in html
    assert "private ending" not in html
    assert "mei.ling@example.com" not in html and "+6591234567" not in html  # contact details stay inside
    assert "<strong>" in html and "New</strong>" in html
    assert "In progress" in html


def test_the_list_reads_no_article_and_no_whole_message(client, coordinator):
    """A condition row also holds its article; the list needs only the name."""
    make_enquiry(condition=make_condition(), message="A message " * 200)
    staff_login(client, coordinator)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CHANGELIST).status_code == 200
    (page_query,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(PAGE_QUERY)]
    assert set(re.findall(r'"conditions_condition"\."(\w+)"', page_query)) <= {"id", "name"}
    # The message only as its first words (SUBSTR, or LEFT on PostgreSQL), never whole.
    assert page_query.count('"contact_enquiry"."message"') == 1 and 'AS "message_start"' in page_query
    assert '"calculator_result"' not in page_query


def test_the_list_runs_no_distinct_and_the_same_queries_however_many_enquiries(
    client, coordinator, django_assert_max_num_queries
):
    condition = make_condition()
    staff_login(client, coordinator)

    def list_queries() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHANGELIST).status_code == 200
        return [q["sql"] for q in queries.captured_queries]

    make_enquiry(condition=condition, assignee=coordinator)
    list_queries()  # the first page of a process also loads the clinic's details into the cache
    few = list_queries()
    for _ in range(30):
        make_enquiry(condition=condition, assignee=coordinator, status=Enquiry.Status.CLOSED)
    many = list_queries()
    assert len(many) == len(few) <= 14
    assert not [sql for sql in many if "DISTINCT" in sql.upper()]
    assert sum("COUNT(" in sql.upper() for sql in many if "contact_enquiry" in sql) == 1  # the page's own
    # "Show counts" would count every filter choice over the whole table: not offered, not run.
    assert "_facets" not in client.get(CHANGELIST).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(CHANGELIST, {"_facets": "True"})
    assert len(queries.captured_queries) == len(many)


@pytest.mark.parametrize(
    "term",
    [
        "REF",
        "REF lower",
        "REF without prefix",
        "REF spaced",
        "Tan Mei",
        "mei",
        "mei.ling@example.com",
        "MEI.LING@EXAMPLE.COM",
        "mei.ling@example",
        "9123 4567",
        "+65 9123-4567",
        "6591234567",
        "1234567",
    ],
)
def test_coordinators_can_search_by_reference_name_email_and_phone(client, coordinator, term):
    wanted = make_enquiry()
    other = make_enquiry(name="Lim Wei", email="wei@example.com", phone="+6588887777")
    staff_login(client, coordinator)
    term = {
        "REF": wanted.reference,
        "REF lower": wanted.reference.lower(),
        "REF without prefix": wanted.reference.removeprefix("NAC-"),
        "REF spaced": wanted.reference.replace("-", " "),
    }.get(term, term)
    html = client.get(CHANGELIST, {"q": term}).content.decode()
    assert wanted.reference in html
    assert other.reference not in html


def test_a_reference_search_looks_up_the_reference_and_nothing_else(client, coordinator):
    wanted = make_enquiry()
    staff_login(client, coordinator)
    with CaptureQueriesContext(connection) as queries:
        assertContains(client.get(CHANGELIST, {"q": wanted.reference.lower()}), wanted.name)
    searches = [q["sql"] for q in queries.captured_queries if q["sql"].startswith((PAGE_QUERY, COUNT_QUERY))]
    assert len(searches) == 2
    assert all('"contact_enquiry"."reference" =' in sql and "LIKE" not in sql for sql in searches)


@pytest.mark.parametrize("term", ["Jonathan", "Jonathan Koh 2", "koh 2nd"])
def test_a_name_of_eight_letters_is_not_taken_for_a_reference(client, coordinator, term):
    wanted = make_enquiry(name="Jonathan Koh 2nd")
    staff_login(client, coordinator)
    assertContains(client.get(CHANGELIST, {"q": term}), wanted.reference)


def test_coordinators_can_filter_by_status_assignee_condition_date_and_mail(client, coordinator):
    condition = make_condition()
    match = make_enquiry(
        status=Enquiry.Status.WAITING, assignee=coordinator, condition=condition, coordinator_mail="failed"
    )
    other = make_enquiry(coordinator_mail="sent", acknowledgement_mail="sent")
    staff_login(client, coordinator)
    for params in [
        {"status__exact": "waiting"},
        {"assignee": coordinator.pk},
        {"assignee": "me"},
        {"condition": condition.pk},
        {"mail": "failed"},
    ]:
        html = client.get(CHANGELIST, params).content.decode()
        assert match.reference in html and other.reference not in html, params
    html = client.get(CHANGELIST, {"assignee": "nobody"}).content.decode()
    assert other.reference in html and match.reference not in html
    html = client.get(CHANGELIST, {"mail": "owed"}).content.decode()
    assert match.reference not in html and other.reference not in html  # failed is its own choice
    # The date filter's own "Past 7 days" link.
    html = client.get(CHANGELIST).content.decode()
    past_week = html_unescape(
        re.search(r'href="(\?created_at__gte=[^"]+)"[^>]*>\s*Past 7 days', html).group(1)
    )
    assert match.reference in client.get(CHANGELIST + past_week).content.decode()


@pytest.mark.parametrize("params", [{"assignee": "x"}, {"condition": "'; --"}, {"mail": "nonsense"}])
def test_a_filter_value_that_makes_no_sense_is_ignored(client, coordinator, params):
    enquiry = make_enquiry()
    staff_login(client, coordinator)
    assertContains(client.get(CHANGELIST, params), enquiry.reference)


def test_the_condition_filter_offers_only_conditions_with_open_enquiries(client, coordinator):
    open_about = make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia")
    closed_about = make_condition()
    make_enquiry(condition=open_about, status=Enquiry.Status.IN_PROGRESS)
    make_enquiry(condition=closed_about, status=Enquiry.Status.CLOSED)
    staff_login(client, coordinator)
    html = client.get(CHANGELIST).content.decode()
    assert f"?condition={open_about.pk}" in html
    assert f"?condition={closed_about.pk}" not in html


def test_the_assignee_filter_offers_me_nobody_and_the_coordinators(client, coordinator, editor):
    colleague = make_staff("colleague", groups=[COORDINATORS_GROUP])
    colleague.first_name, colleague.last_name = "Siti", "Rahman"
    colleague.save()
    staff_login(client, coordinator)
    html = client.get(CHANGELIST).content.decode()
    for choice in ["?assignee=me", "?assignee=nobody", f"?assignee={colleague.pk}", "Siti Rahman"]:
        assert choice in html
    assert f"?assignee={editor.pk}" not in html


# --- Assign to me ---


def take_url(enquiry: Enquiry) -> str:
    return reverse("admin:contact_enquiry_take", args=[enquiry.pk])


def test_a_coordinator_takes_an_enquiry_from_the_list_in_one_click(client, coordinator):
    enquiry = make_enquiry()
    staff_login(client, coordinator)
    html = client.get(CHANGELIST).content.decode()
    # The "Take" button posts the list's own form (which carries the CSRF token) to take_url.
    assert f'formaction="{take_url(enquiry)}"' in html
    response = client.post(take_url(enquiry))
    assertRedirects(response, change_url(enquiry), fetch_redirect_response=False)
    enquiry.refresh_from_db()
    assert enquiry.assignee == coordinator
    entry = LogEntry.objects.get(object_id=str(enquiry.pk))
    assert (entry.user, entry.get_change_message()) == (coordinator, "Changed Assignee.")
    page = client.get(change_url(enquiry))
    assertContains(page, f"{enquiry.reference} is now assigned to you.")
    assertNotContains(page, "Assign to me")  # already yours
    assertNotContains(client.get(CHANGELIST), f'formaction="{take_url(enquiry)}"')


def test_the_enquiry_page_has_an_assign_to_me_button(client, coordinator):
    enquiry = make_enquiry()
    staff_login(client, coordinator)
    html = client.get(change_url(enquiry)).content.decode()
    form = re.search(rf'<form method="post" action="{take_url(enquiry)}"[^>]*>(.*?)</form>', html, re.S)
    assert form and 'name="csrfmiddlewaretoken"' in form.group(1) and "Assign to me" in form.group(1)


def test_taking_needs_a_post_with_the_csrf_token(coordinator):
    enquiry = make_enquiry()
    client = Client(enforce_csrf_checks=True)
    staff_login(client, coordinator)
    assert client.get(take_url(enquiry)).status_code == 405
    assert client.post(take_url(enquiry)).status_code == 403
    enquiry.refresh_from_db()
    assert enquiry.assignee is None


def test_an_enquiry_someone_else_has_is_not_taken_over_by_a_click(client, coordinator):
    colleague = make_staff("colleague", groups=[COORDINATORS_GROUP])
    enquiry = make_enquiry(assignee=colleague)
    staff_login(client, coordinator)
    response = client.post(take_url(enquiry), follow=True)
    assertContains(response, "is already assigned to colleague")
    enquiry.refresh_from_db()
    assert enquiry.assignee == colleague


def test_only_coordinators_can_take_enquiries(client, admin_client, editor):
    enquiry = make_enquiry()
    client.force_login(editor)
    assert client.post(take_url(enquiry)).status_code == 403
    # A superuser outside the Coordinators group sees enquiries but is never an assignee.
    assert admin_client.post(take_url(enquiry)).status_code == 403
    assertNotContains(admin_client.get(CHANGELIST), "enquiry-take")
    enquiry.refresh_from_db()
    assert enquiry.assignee is None


def test_selected_enquiries_can_be_assigned_to_me_at_once(client, coordinator):
    colleague = make_staff("colleague", groups=[COORDINATORS_GROUP])
    free, theirs = make_enquiry(), make_enquiry(assignee=colleague)
    staff_login(client, coordinator)
    data = {"action": "assign_to_me", "_selected_action": [str(free.pk), str(theirs.pk)], "index": "0"}
    response = client.post(CHANGELIST, data, follow=True)
    assertContains(response, "1 enquiries assigned to you. 1 already had another coordinator")
    free.refresh_from_db()
    theirs.refresh_from_db()
    assert (free.assignee, theirs.assignee) == (coordinator, colleague)


# --- The enquiry's page and the admin home ---


def test_phone_and_email_are_links_on_the_enquiry_page(client, coordinator):
    enquiry = make_enquiry()
    staff_login(client, coordinator)
    page = client.get(change_url(enquiry))
    assertContains(page, '<a href="mailto:mei.ling@example.com">mei.ling@example.com</a>', html=True)
    assertContains(page, '<a href="tel:+6591234567">+6591234567</a>', html=True)


def test_the_enquiry_page_shows_each_mails_status_attempts_and_error(client, coordinator):
    enquiry = make_enquiry(
        coordinator_mail="sent",
        coordinator_mail_attempts=1,
        acknowledgement_mail="failed",
        acknowledgement_mail_attempts=2,
        acknowledgement_mail_error="SMTPRecipientsRefused: mailbox full",
        acknowledgement_mail_tried_at=timezone.now(),
    )
    staff_login(client, coordinator)
    html = client.get(change_url(enquiry)).content.decode()
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", html, re.S)
    coordinator_row, acknowledgement_row = rows[-2:]
    assert "Coordinator notice</th><td>Sent</td><td>1</td>" in coordinator_row
    assert "Acknowledgement to patient</th><td>Failed</td><td>2</td>" in acknowledgement_row
    assert "SMTPRecipientsRefused: mailbox full Next try about" in acknowledgement_row


def test_the_admin_home_says_how_many_new_enquiries_nobody_has_taken(client, coordinator, editor):
    make_enquiry()
    make_enquiry()
    make_enquiry(assignee=coordinator)
    make_enquiry(status=Enquiry.Status.IN_PROGRESS)
    staff_login(client, coordinator)
    html = client.get(reverse("admin:index")).content.decode()
    link = re.search(r'<a href="([^"]+)"><strong>2</strong> new enquiries assigned to nobody</a>', html)
    assert link
    listed = client.get(html_unescape(link.group(1))).content.decode()
    assert listed.count('class="enquiry-take"') == 2
    client.force_login(editor)
    assertNotContains(client.get(reverse("admin:index")), "new enquir")


# --- Export ---


def csv_rows(response) -> list[list[str]]:
    assert response.streaming  # sent as it is written, never built whole in memory
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def export(client, *enquiries):
    return client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [str(e.pk) for e in enquiries], "index": "0"}
    )


def test_coordinators_can_export_selected_enquiries_as_csv(client, coordinator):
    first = make_enquiry(condition=make_condition())
    second = make_enquiry(
        name='=HYPERLINK("http://evil")',
        email="",
        preferred_contact="phone",
        condition_other="Something rarer",
    )
    staff_login(client, coordinator)
    response = export(client, first, second)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["reference", "received", "status"]
    assert [row[0] for row in rows[1:]] == [second.reference, first.reference]  # newest first
    by_reference = {row[0]: row for row in rows[1:]}
    assert by_reference[first.reference][4] == "Hemifacial spasm"
    assert by_reference[second.reference][5] == "Something rarer"  # the patient's own words
    assert by_reference[second.reference][6].startswith("'=")  # no formula runs in a spreadsheet
    # The phone number as text a spreadsheet shows with its +, not as a number or a formula.
    assert by_reference[first.reference][8] == '="+6591234567"'
    assert "twitching" not in "".join(",".join(row) for row in rows)  # the message stays in the admin
    (entry,) = LogEntry.objects.all()
    assert entry.user == coordinator
    assert entry.change_message == "Exported 2 enquiries as CSV: rows selected in the list."


def test_a_phone_cell_keeps_the_formula_guard_for_anything_not_a_stored_number():
    assert phone_cell("+6591234567") == '="+6591234567"'
    assert phone_cell('+1"),HYPERLINK("x') == '\'+1"),HYPERLINK("x'
    assert phone_cell("") == ""


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
    assertNotContains(client.get(CHANGELIST), EXPORT)
    response = export(client, enquiry)
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert client.post(EXPORT).status_code == 403
    assert not LogEntry.objects.exists()


EXPORT = reverse("admin:contact_enquiry_export")


def test_everything_a_filter_matches_is_exported_with_one_history_entry(client, coordinator):
    waiting = [make_enquiry(status=Enquiry.Status.WAITING, name="Tan Ah Kow") for _ in range(3)]
    make_enquiry(status=Enquiry.Status.CLOSED, name="Tan Ah Kow")
    make_enquiry(status=Enquiry.Status.WAITING, name="Lim Wei")
    staff_login(client, coordinator)
    query = "?status__exact=waiting&q=Tan+Ah"
    page = client.get(CHANGELIST + query).content.decode()
    button = re.search(r'<form method="post" action="([^"]+)" class="enquiry-export">', page)
    assert button and html_unescape(button.group(1)) == f"{EXPORT}?q=Tan+Ah&status__exact=waiting"
    assert client.get(EXPORT + query).status_code == 405  # a POST: every export is recorded

    rows = csv_rows(client.post(EXPORT + query))
    assert sorted(row[0] for row in rows[1:]) == sorted(e.reference for e in waiting)
    (entry,) = LogEntry.objects.all()
    assert entry.change_message == (
        "Exported 3 enquiries as CSV: status: Waiting for patient; with a search (the term is not recorded)."
    )
    assert "Tan" not in entry.change_message + entry.object_repr  # a search may be a patient's name
    assert entry.object_id is None


def test_an_export_address_that_makes_no_sense_goes_back_to_the_list(client, coordinator):
    make_enquiry()
    staff_login(client, coordinator)
    response = client.post(EXPORT + "?created_at__gte=yesterday")
    assert response.status_code == 302 and response["Location"].startswith(CHANGELIST)
    assert not LogEntry.objects.exists()


def test_exporting_a_thousand_enquiries_needs_no_selection_and_no_thousand_fields(client, coordinator):
    """Django refuses a POST of more than 1,000 fields: ticking 1,000 rows could never work, so
    the list exports its filter instead, and "select all" sends no list of ids either."""
    Enquiry.objects.bulk_create(bulk_enquiries(1000))
    staff_login(client, coordinator)
    assert len(csv_rows(client.post(EXPORT))) == 1001
    everything = {"action": "export_csv", "select_across": "1", "index": "0", "_selected_action": ["1"]}
    assert len(csv_rows(client.post(CHANGELIST, everything))) == 1001
    assert [entry.change_message.split(":")[0] for entry in LogEntry.objects.order_by("pk")] == [
        "Exported 1000 enquiries as CSV",
        "Exported 1000 enquiries as CSV",
    ]


def test_an_export_streams_in_constant_memory(client, coordinator):
    """Four times the rows, four times the file, about the same peak memory while it is made: rows
    are read a thousand at a time and sent as they are written, never gathered."""

    def export_peak() -> tuple[int, int]:
        response = client.post(EXPORT)
        size = 0
        tracemalloc.start()
        try:
            for chunk in response.streaming_content:
                size += len(chunk)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return size, peak

    staff_login(client, coordinator)
    Enquiry.objects.bulk_create(bulk_enquiries(1500))
    small_size, small_peak = export_peak()
    Enquiry.objects.bulk_create(bulk_enquiries(4500, start=1500))
    big_size, big_peak = export_peak()
    assert big_size > 3.5 * small_size
    assert big_peak < 1.3 * small_peak


def bulk_enquiries(count: int, start: int = 0) -> list[Enquiry]:
    now = timezone.now()
    return [
        Enquiry(
            reference=f"NAC-{number:04d}-{number:04d}".replace("0", "A").replace("1", "B"),
            submission_id=uuid.uuid4(),
            name=f"Patient number {number}",
            email=f"patient{number}@example.com",
            phone="+6591234567",
            preferred_contact=Enquiry.ContactMethod.EITHER,
            message="A message long enough to be a real one. " * 10,
            consent_at=now,
        )
        for number in range(start, start + count)
    ]
