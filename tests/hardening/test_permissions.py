"""Who may do what in the admin, as one table: every registered model's list, add, change, delete
and history pages, the autocomplete and the actions, and the publishing workflow's pages, for a
signed-out visitor, an editor (Editors group), a clinical reviewer (Clinical reviewers group), a
coordinator (Coordinators group) and a superuser. Then what the public may see.

The table must name every model registered in the admin: a new model without a row fails
test_the_table_covers_every_registered_admin_model, so its permissions are decided, not inherited.
"""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains

from clinic.models import ClinicProfile
from conditions.models import ArticleFeedback, Condition, PublishedVersion, Section, Synonym
from contact.models import Enquiry, EnquiryAccess, EnquiryNote
from contact.tasks import send_enquiry_mails
from tests.conditions.factory import REVIEWERS, make_condition, make_staff, publish_version
from tests.contact.conftest import make_enquiry, signed_result
from tests.hardening.conftest import signed_in

pytestmark = pytest.mark.django_db

ANONYMOUS, EDITOR, REVIEWER, COORDINATOR, SUPERUSER = (
    "anonymous",
    "editor",
    "reviewer",
    "coordinator",
    "superuser",
)
ROLES = [ANONYMOUS, EDITOR, REVIEWER, COORDINATOR, SUPERUSER]
VIEWS = ["changelist", "add", "change", "delete", "history"]
E, R, C, S = EDITOR, REVIEWER, COORDINATOR, SUPERUSER
ONLY_SUPERUSER = {"changelist": {S}, "add": {S}, "change": {S}, "delete": {S}, "history": {S}}
LOGS = {
    "changelist": {S},
    "add": set(),
    "change": {S},
    "delete": {S},
    "history": {S},
}  # axes: never added by hand

# Model -> page -> the roles that get the page (200). Everyone else: signed out -> the sign-in
# page (302), signed in -> 403 (or 404 for an app index with nothing to show).
TABLE = {
    "conditions.condition": {"changelist": {E, R, S}, "add": {E, R, S}, "change": {E, R, S}, "delete": {S}, "history": {E, R, S}},
    # Search synonyms: the editors' and reviewers' to keep.
    "conditions.synonym": {"changelist": {E, R, S}, "add": {E, R, S}, "change": {E, R, S}, "delete": {E, R, S}, "history": {E, R, S}},
    # Readers' answers to "Is this page useful?": read (a read-only page) by editors and reviewers;
    # added only by readers on the site; deleted only by superusers.
    "conditions.articlefeedback": {"changelist": {E, R, S}, "add": set(), "change": {E, R, S}, "delete": {S}, "history": {E, R, S}},
    "contact.enquiry": {"changelist": {C, S}, "add": set(), "change": {C, S}, "delete": {S}, "history": {C, S}},
    "clinic.clinicprofile": {"changelist": {S}, "add": set(), "change": {S}, "delete": set(), "history": {S}},
    "auth.user": ONLY_SUPERUSER,
    "auth.group": ONLY_SUPERUSER,
    "axes.accessattempt": LOGS,
    "axes.accesslog": LOGS,
    "axes.accessfailurelog": LOGS,
    # The task queue (django-tasks-db's own admin, read-only): for the administrator.
    "django_tasks_database.dbtaskresult": {"changelist": {S}, "add": set(), "change": {S}, "delete": set(), "history": {S}},
    # Staff members' two-factor devices: seen and removed (a lost phone) by superusers, added by nobody
    # here (each person sets up their own, on their two-factor page).
    # The access trail: superusers read it; nobody adds, changes or deletes an entry.
    "contact.enquiryaccess": {"changelist": {S}, "add": set(), "change": {S}, "delete": set(), "history": {S}},
    "otp_totp.totpdevice": {**ONLY_SUPERUSER, "add": set()},
    "otp_static.staticdevice": {**ONLY_SUPERUSER, "add": set()},
}  # fmt: skip


@pytest.fixture
def objects(db) -> dict:
    """One saved object of every registered model, by "app.model"."""
    ClinicProfile.defaults().save()
    condition = make_condition()
    Section.objects.create(condition=condition, kind="overview", body="One side of the face twitches.")
    someone = User.objects.create_user("someone", password=None)
    seen = {
        "user_agent": "test",
        "ip_address": "203.0.113.7",
        "http_accept": "*/*",
        "path_info": "/admin/login/",
    }
    return {
        "conditions.condition": condition,
        "conditions.synonym": Synonym.objects.get(terms="botox, botulinum toxin"),
        "conditions.articlefeedback": ArticleFeedback.objects.create(
            condition=condition, version=condition.versions.get(), useful=False, comment="More pictures."
        ),
        "contact.enquiry": make_enquiry(condition=condition, calculator_result=None),
        "clinic.clinicprofile": ClinicProfile.objects.get(),
        "auth.user": someone,
        "auth.group": Group.objects.get(name="Editors"),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="x", get_data="", post_data="", failures_since_start=1, **seen
        ),
        "axes.accesslog": AccessLog.objects.create(username="x", **seen),
        "axes.accessfailurelog": AccessFailureLog.objects.create(username="x", **seen),
        "django_tasks_database.dbtaskresult": send_enquiry_mails.enqueue(
            enquiry_id=1, mails=["coordinator"]
        ).db_result,
        "contact.enquiryaccess": EnquiryAccess.objects.create(username="someone", action="view"),
        "otp_totp.totpdevice": TOTPDevice.objects.create(user=someone, name="Phone"),
        "otp_static.staticdevice": StaticDevice.objects.create(user=someone, name="Recovery codes"),
    }


@pytest.fixture
def clients(editor, coordinator, superuser) -> dict[str, Client]:
    return {
        ANONYMOUS: signed_in(None),
        EDITOR: signed_in(editor),
        REVIEWER: signed_in(make_staff("reviewer", REVIEWERS)),
        COORDINATOR: signed_in(coordinator),
        SUPERUSER: signed_in(superuser),
    }


def admin_url(label: str, view: str, obj) -> str:
    name = f"admin:{label.replace('.', '_')}_{view}"
    return reverse(name) if view in ("changelist", "add") else reverse(name, args=[obj.pk])


def expect_refused(response, role: str) -> None:
    if role == ANONYMOUS:
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == 403


def test_the_table_covers_every_registered_admin_model():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(TABLE)


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_of_every_model_answers_each_role_as_the_table_says(
    role, objects, clients, subtests
):
    client = clients[role]
    for label, pages in TABLE.items():
        for view in VIEWS:
            with subtests.test(model=label, view=view):
                response = client.get(admin_url(label, view, objects[label]))
                if role in pages[view]:
                    assert response.status_code == 200
                else:
                    expect_refused(response, role)
                assert response.headers["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize("role", ROLES)
def test_admin_index_lists_only_what_each_role_may_use(role, objects, clients):
    response = clients[role].get(reverse("admin:index"))
    if role == ANONYMOUS:
        expect_refused(response, role)
        return
    body = response.content.decode()
    assert ("/admin/conditions/condition/" in body) == (role in (EDITOR, REVIEWER, SUPERUSER))
    assert ("/admin/contact/enquiry/" in body) == (role in (COORDINATOR, SUPERUSER))
    assert ("/admin/auth/user/" in body) == (role == SUPERUSER)
    hidden_app = {EDITOR: "contact", REVIEWER: "contact", COORDINATOR: "conditions"}.get(role)
    if hidden_app:
        assert clients[role].get(reverse("admin:app_list", args=[hidden_app])).status_code == 404


AUTOCOMPLETE = [
    # (source app, source model, field) -> the model searched, and who may search it
    ("contact", "enquirynote", "enquiry", {C, S}),  # finds enquiries
    ("contact", "enquiry", "assignee", {S}),  # finds users
    ("contact", "enquiry", "condition", {E, R, S}),  # finds articles
    ("conditions", "condition", "related", {E, R, S}),
    ("auth", "user", "groups", {S}),
]


@pytest.mark.parametrize("role", ROLES)
def test_autocomplete_searches_only_what_the_role_may_view(role, objects, clients, subtests):
    for app_label, model_name, field_name, allowed in AUTOCOMPLETE:
        with subtests.test(source=f"{model_name}.{field_name}"):
            query = {
                "app_label": app_label,
                "model_name": model_name,
                "field_name": field_name,
                "term": "Tan",
            }
            response = clients[role].get(reverse("admin:autocomplete"), query)
            if role in allowed:
                assert response.status_code == 200
                assert "mei.ling@example.com" not in response.content.decode()  # never contact details
            else:
                expect_refused(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_enquiry_search_export_and_history_are_for_coordinators_and_superusers_only(role, objects, clients):
    enquiry = objects["contact.enquiry"]
    client = clients[role]
    url = reverse("admin:contact_enquiry_changelist")
    search = client.get(url, {"q": "Tan Mei Ling"})
    exports = [
        client.post(url, {"action": "export_csv", "_selected_action": [enquiry.pk], "index": "0"}),
        client.post(reverse("admin:contact_enquiry_export") + "?q=Tan+Mei+Ling"),  # the whole filter
    ]
    if role in (COORDINATOR, SUPERUSER):
        assertContains(search, enquiry.reference)
        for export in exports:
            assert export.status_code == 200
            assert export.headers["Content-Type"].startswith("text/csv")
            assert enquiry.reference in b"".join(export.streaming_content).decode()
    else:
        expect_refused(search, role)
        for export in exports:
            expect_refused(export, role)
            assert enquiry.reference not in export.content.decode()


@pytest.mark.parametrize("role", [ANONYMOUS, EDITOR, REVIEWER, COORDINATOR])
def test_only_a_superuser_can_delete_enquiries_or_articles_even_through_the_bulk_action(
    role, objects, clients
):
    for label in ("contact.enquiry", "conditions.condition"):
        obj = objects[label]
        url = admin_url(label, "changelist", obj)
        data = {"action": "delete_selected", "_selected_action": [obj.pk], "index": "0", "post": "yes"}
        response = clients[role].post(url, data)
        assert response.status_code in (200, 302, 403)
        clients[role].post(admin_url(label, "delete", obj), {"post": "yes"})
        assert type(obj).objects.filter(pk=obj.pk).exists(), label
    superuser = clients[SUPERUSER]
    superuser.post(admin_url("contact.enquiry", "delete", objects["contact.enquiry"]), {"post": "yes"})
    assert not Enquiry.objects.exists()


def test_coordinators_cannot_change_articles_even_with_a_crafted_post(objects, clients):
    condition = objects["conditions.condition"]
    url = admin_url("conditions.condition", "change", condition)
    response = clients[COORDINATOR].post(url, {"name": "Changed", "slug": "changed", "summary": "x"})
    assert response.status_code == 403
    condition.refresh_from_db()
    assert condition.name == "Hemifacial spasm"
    add = clients[COORDINATOR].post(
        admin_url("conditions.condition", "add", None), {"name": "New", "slug": "new"}
    )
    assert add.status_code == 403
    assert Condition.objects.count() == 1


def test_coordinators_cannot_change_what_the_patient_wrote_nor_a_saved_note(objects, clients, coordinator):
    enquiry = objects["contact.enquiry"]
    note = EnquiryNote.objects.create(enquiry=enquiry, author=coordinator, text="Called, no answer.")
    before = Enquiry.objects.filter(pk=enquiry.pk).values().get()
    crafted = {
        "status": "in_progress",
        "assignee": "",
        # What the patient sent: not in the form at all, so ignored whatever is posted.
        "name": "Someone else", "email": "attacker@example.com", "phone": "+6580000000",
        "message": "Changed", "reference": "NAC-XXXX-XXXX", "preferred_contact": "phone",
        "consent_at": "2020-01-01 00:00", "calculator_result": signed_result(), "condition": "",
        "coordinator_mail": "sent", "coordinator_mail_error": "", "coordinator_mail_attempts": "9",
        "mail_owed": "0", "submission_id": "x",
        # A saved note may be neither edited nor deleted.
        "notes-TOTAL_FORMS": "1", "notes-INITIAL_FORMS": "1", "notes-MIN_NUM_FORMS": "0",
        "notes-MAX_NUM_FORMS": "1000", "notes-0-id": str(note.pk), "notes-0-enquiry": str(enquiry.pk),
        "notes-0-text": "Rewritten history", "notes-0-DELETE": "on",
    }  # fmt: skip
    response = clients[COORDINATOR].post(admin_url("contact.enquiry", "change", enquiry), crafted)
    assert response.status_code == 302
    after = Enquiry.objects.filter(pk=enquiry.pk).values().get()
    assert after["status"] == "in_progress"
    changed = {key for key in before if before[key] != after[key]}
    assert changed <= {"status", "updated_at"}
    assert EnquiryNote.objects.get(pk=note.pk).text == "Called, no answer."


def test_editors_cannot_reach_enquiries_through_any_door(objects, clients):
    enquiry = objects["contact.enquiry"]
    editor = clients[EDITOR]
    doors = [
        admin_url("contact.enquiry", "changelist", enquiry) + "?q=Tan",
        admin_url("contact.enquiry", "change", enquiry),
        admin_url("contact.enquiry", "history", enquiry),
        admin_url("contact.enquiry", "delete", enquiry),
        reverse("admin:contact_enquiry_changelist") + "?_popup=1&_to_field=id",
    ]
    for door in doors:
        response = editor.get(door)
        assert response.status_code == 403, door
        assertNotContains(response, "Tan Mei Ling", status_code=403)
    # "View on site" only sends staff on to the enquiry's admin page, which is refused as above.
    shortcut = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Enquiry).pk, enquiry.pk])
    assert editor.get(shortcut, follow=True).status_code == 403


# --- The publishing workflow ------------------------------------------------------------------------

# Page -> the roles that get it (200). Others: signed out -> the sign-in page, signed in -> 403; the
# draft preview, outside the admin, is a 404 to anyone who may not see it.
VIEWERS, PUBLISHERS = {E, R, S}, {R, S}
WORKFLOW = {
    "versions": VIEWERS,
    "compare": VIEWERS,
    "version": VIEWERS,
    "publish": PUBLISHERS,
    "unpublish": PUBLISHERS,
    "republish": PUBLISHERS,
    "restore": PUBLISHERS,
}


def workflow_url(name: str, condition: Condition) -> str:
    if name == "compare":
        return reverse("admin:conditions_condition_compare", args=[condition.pk]) + "?a=1&b=draft"
    args = [condition.pk, 1] if name in ("version", "restore") else [condition.pk]
    return reverse(f"admin:conditions_condition_{name}", args=args)


@pytest.mark.parametrize("role", ROLES)
def test_every_workflow_page_answers_each_role_as_the_table_says(role, objects, clients, subtests):
    condition = objects["conditions.condition"]
    client = clients[role]
    for name, allowed in WORKFLOW.items():
        with subtests.test(page=name):
            response = client.get(workflow_url(name, condition))
            if role in allowed:
                assert response.status_code == 200
            else:
                expect_refused(response, role)
    with subtests.test(page="preview"):
        preview = client.get(reverse("conditions:preview", args=[condition.pk]))
        assert preview.status_code == (200 if role in VIEWERS else 404)


@pytest.mark.parametrize("role", [ANONYMOUS, EDITOR, COORDINATOR])
def test_nobody_without_the_publish_permission_changes_what_is_live_whatever_they_post(
    role, objects, clients
):
    condition = objects["conditions.condition"]
    before = list(PublishedVersion.objects.values_list("pk", "number", "is_live"))
    sign_off = {
        "reviewed_on": "2026-11-01",
        "next_review_due": "2027-11-01",
        "draft_changed_at": "2026-11-01T00:00",
    }
    for name in ["publish", "unpublish", "republish", "restore"]:
        response = clients[role].post(workflow_url(name, condition), sign_off)
        expect_refused(response, role)
    assert list(PublishedVersion.objects.values_list("pk", "number", "is_live")) == before
    assert Client().get(condition.get_absolute_url()).status_code == 200


# --- What the public sees -------------------------------------------------------------------------


def test_signed_out_visitors_and_staff_who_may_not_edit_see_only_published_articles(objects, clients, draft):
    published = objects["conditions.condition"]
    for role in (ANONYMOUS, COORDINATOR):
        client = clients[role]
        assert client.get(draft.get_absolute_url()).status_code == 404
        listing = client.get(reverse("conditions:list")).content.decode()
        assert published.name in listing and draft.name not in listing
        assert draft.name not in client.get(reverse("conditions:search"), {"q": "Secret"}).content.decode()
        sitemap = client.get(reverse("sitemap-section", kwargs={"section": "conditions"})).content.decode()
        assert published.get_absolute_url() in sitemap and draft.get_absolute_url() not in sitemap
        assertNotContains(client.get(reverse("contact:form"), {"condition": draft.slug}), "Secret draft")
    assert clients[EDITOR].get(draft.get_absolute_url()).status_code == 404  # only published pages here
    preview = reverse("conditions:preview", args=[draft.pk])
    assert clients[EDITOR].get(preview).status_code == 200  # editors preview drafts at their own address
    assert clients[ANONYMOUS].get(preview).status_code == 404


def test_a_draft_related_to_a_published_article_is_not_shown_on_it(objects, draft):
    published = objects["conditions.condition"]
    published.related.add(draft)
    publish_version(published)
    assertNotContains(Client().get(published.get_absolute_url()), "Secret draft")


def test_an_old_address_of_a_draft_does_not_reveal_where_it_moved(objects, draft):
    draft.slug = "secret-draft-renamed"
    draft.save()
    response = Client().get("/conditions/secret-draft/")
    assert response.status_code == 404
    assert "secret-draft-renamed" not in response.content.decode()
