from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains

from clinic.models import ClinicProfile
from conditions.models import Condition
from tests.conftest import staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_content", stdout=StringIO())


def test_seed_creates_the_profile_from_the_source_documents(seeded):
    profile = ClinicProfile.objects.get()
    assert profile.name == "Neuro Asia Care"
    assert profile.phone == "+65 6592 6871"
    assert "Singapore" in profile.tagline


def test_seed_is_idempotent_and_keeps_staff_edits(seeded):
    ClinicProfile.objects.filter(pk=1).update(phone="+65 6000 0000")
    counts = (ClinicProfile.objects.count(), Condition.objects.count())
    call_command("seed_content", stdout=StringIO())
    assert (ClinicProfile.objects.count(), Condition.objects.count()) == counts
    assert ClinicProfile.objects.get().phone == "+65 6000 0000"


def test_every_page_shows_the_profile_phone_as_a_tel_link(client, seeded):
    response = client.get(reverse("privacy"))
    assertContains(response, '<a href="tel:+6565926871">+65 6592 6871</a>')


def test_profile_is_read_from_the_cache_after_the_first_request(client, seeded, django_assert_num_queries):
    client.get(reverse("privacy"))
    with django_assert_num_queries(0):
        assertContains(client.get(reverse("privacy")), "+65 6592 6871")


def test_editing_the_profile_in_the_admin_shows_on_the_site_at_once(client, seeded):
    admin = User.objects.create_superuser("boss", "boss@example.sg", "a-long-pass-phrase-1")
    staff_login(client, admin)
    client.get(reverse("home"))  # warm the cache with the old details
    url = reverse("admin:clinic_clinicprofile_change", args=[1])
    form = {
        "name": "Neuro Asia Care",
        "tagline": "Neurosurgery specialist clinic, Singapore",
        "phone": "+65 6123 4567",
        "email": "care@clinic.example.sg",
        "address": "1 Example Road\nSingapore 000000",
        "opening_hours": "Mon to Fri: 9am to 5pm",
        "reply_time": "within one working day",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    page = client.get(reverse("home"))
    assertContains(page, '<a href="tel:+6561234567">+65 6123 4567</a>')
    assertContains(page, "care@clinic.example.sg")
    assertContains(page, "1 Example Road<br>Singapore 000000")


def test_admin_allows_no_second_profile_and_no_deletion(client, seeded):
    admin = User.objects.create_superuser("boss", "boss@example.sg", "a-long-pass-phrase-1")
    staff_login(client, admin)
    assert client.get(reverse("admin:clinic_clinicprofile_add")).status_code == 403
    assert client.get(reverse("admin:clinic_clinicprofile_delete", args=[1])).status_code == 403


def test_profile_defaults_apply_before_anything_is_seeded(client):
    response = client.get(reverse("home"))
    assertContains(response, "Neuro Asia Care")
    assert not ClinicProfile.objects.exists()


def test_a_per_process_cache_keeps_the_profile_only_briefly(seeded, settings, monkeypatch):
    """Another worker's cache is not cleared by a save here, so its copy must expire by itself."""
    from django.core.cache import cache

    settings.CLINIC_PROFILE_CACHE_SECONDS = 30
    calls = []
    real_set = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, value, timeout=None: calls.append(timeout) or real_set(key, value, timeout)
    )
    ClinicProfile.load()
    assert calls == [30]


def test_a_shared_cache_keeps_the_profile_until_it_is_saved(seeded, settings, monkeypatch):
    from django.core.cache import cache

    settings.CLINIC_PROFILE_CACHE_SECONDS = None
    calls = []
    real_set = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, value, timeout=None: calls.append(timeout) or real_set(key, value, timeout)
    )
    ClinicProfile.load()
    assert calls == [None]
    profile = ClinicProfile.objects.get()
    profile.phone = "+65 6999 0000"
    profile.save()
    assert ClinicProfile.load().phone == "+65 6999 0000"


def test_the_cached_profile_is_the_saved_one_field_for_field(seeded, django_assert_num_queries):
    saved = ClinicProfile.objects.get()
    ClinicProfile.load()  # read from the database, kept in the cache
    with django_assert_num_queries(0):
        cached = ClinicProfile.load()
    for field in ClinicProfile._meta.concrete_fields:
        assert getattr(cached, field.attname) == getattr(saved, field.attname), field.name
    cached.phone = "+65 6888 0000"
    cached.full_clean()  # (a copy that thought itself new would fail the unique check)
    cached.save()  # updates the one record
    assert list(ClinicProfile.objects.values_list("phone", flat=True)) == ["+65 6888 0000"]


def test_a_cached_profile_from_before_a_new_field_is_read_again(seeded, django_assert_num_queries):
    from django.core.cache import cache

    from clinic.models import PROFILE_CACHE_KEY

    saved = ClinicProfile.objects.get()
    cache.set(PROFILE_CACHE_KEY, ("too", "few", "values"))
    with django_assert_num_queries(1):
        loaded = ClinicProfile.load()
    assert loaded.phone == saved.phone


def test_admin_warns_staff_which_public_details_are_empty(client, seeded):
    admin = User.objects.create_superuser("boss", "boss@example.sg", "a-long-pass-phrase-1")
    staff_login(client, admin)
    url = reverse("admin:clinic_clinicprofile_change", args=[1])
    response = client.get(url)
    assertContains(
        response,
        "Patients do not see these details because they are empty: email, address, opening hours, map link.",
    )
    changelist = client.get(reverse("admin:clinic_clinicprofile_changelist"))
    assertContains(changelist, "email, address, opening hours, map link")


def test_admin_says_nothing_when_every_public_detail_is_filled_in(client, seeded):
    ClinicProfile.objects.filter(pk=1).update(
        email="care@clinic.example.sg",
        address="1 Example Road",
        opening_hours="Mon to Fri: 9am to 5pm",
        map_url="https://maps.example.org/?q=clinic",
    )
    admin = User.objects.create_superuser("boss", "boss@example.sg", "a-long-pass-phrase-1")
    staff_login(client, admin)
    response = client.get(reverse("admin:clinic_clinicprofile_change", args=[1]))
    assert response.status_code == 200
    assert "Patients do not see" not in response.content.decode()
    assert ClinicProfile.objects.get().missing_public_details() == []


def test_the_map_link_must_be_https(client, seeded):
    admin = User.objects.create_superuser("boss", "boss@example.sg", "a-long-pass-phrase-1")
    staff_login(client, admin)
    form = {"name": "Neuro Asia Care", "phone": "+65 6592 6871", "reply_time": "soon"}
    url = reverse("admin:clinic_clinicprofile_change", args=[1])
    response = client.post(url, {**form, "map_url": "http://maps.example.org/"})
    assert response.status_code == 200
    assertContains(response, "Enter a full link that starts with https://.")
    assert client.post(url, {**form, "map_url": "https://maps.example.org/"}).status_code == 302
    assert ClinicProfile.objects.get().map_url == "https://maps.example.org/"
