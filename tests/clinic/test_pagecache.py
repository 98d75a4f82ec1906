"""Whole pages cached per content version (clinic/pagecache.py), shown with the home page and the
calculator (condition pages: tests/conditions/test_views.py)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from clinic import pagecache
from clinic.models import ClinicProfile

pytestmark = pytest.mark.django_db

HOME = reverse("home")
CALCULATOR = reverse("grading:calculator")
GRADE_II = {
    "periocular": "yes",
    "other_regions": "yes",
    "vision_interference": "no",
    "disfiguring_asymmetry": "no",
    "severity": "2",
    "frequency": "2",
}


def test_home_is_rendered_once_then_served_from_the_cache(client, rendered, django_assert_num_queries):
    first = client.get(HOME)
    assert "clinic/home.html" in rendered
    rendered.clear()
    with django_assert_num_queries(1):  # when the clinic details last changed
        again = client.get(HOME)
    assert rendered == []
    assert again.content == first.content
    assert again.headers["ETag"] == first.headers["ETag"]


def test_home_answers_304_to_its_etag_and_may_be_kept_but_must_be_revalidated(client):
    etag = client.get(HOME).headers["ETag"]
    again = client.get(HOME, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "private, no-cache"


def test_a_visitor_with_a_session_gets_a_fresh_render_never_the_shared_copy(client, rendered):
    client.get(HOME)
    session = client.session
    session["something"] = "personal"
    session.save()  # the test client now sends a session cookie
    rendered.clear()
    assertContains(client.get(HOME), "Neuro Asia Care")
    assert "clinic/home.html" in rendered


def test_nothing_rendered_for_a_visitor_with_a_session_is_stored_for_others(client, monkeypatch):
    stored = []
    monkeypatch.setattr(cache, "set", lambda key, *args, **kwargs: stored.append(key))
    session = client.session
    session["something"] = "personal"
    session.save()
    client.get(HOME)
    assert not [key for key in stored if key.startswith(pagecache.KEY_PREFIX)]


def test_new_clinic_details_make_a_new_version_at_once(client):
    first = client.get(HOME)
    profile = ClinicProfile.load()
    profile.phone = "+65 6111 2222"
    profile.save()
    again = client.get(HOME, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assertContains(again, "+65 6111 2222")


def test_a_new_build_makes_a_new_version(client, monkeypatch):
    first = client.get(HOME)
    monkeypatch.setattr(pagecache, "build_version", lambda: "another-deploy")
    again = client.get(HOME, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]


def test_the_build_version_follows_the_templates_the_static_manifest_and_the_media_url(
    settings, tmp_path, monkeypatch
):
    def build():
        pagecache.build_version.cache_clear()  # as a new process after a deploy
        return pagecache.build_version()

    (tmp_path / "page.html").write_text("one")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    first = build()
    (tmp_path / "page.html").write_text("two")
    second = build()
    monkeypatch.setattr(pagecache.staticfiles_storage, "manifest_hash", "new-css", raising=False)
    third = build()
    settings.MEDIA_URL = "/files/"
    fourth = build()
    pagecache.build_version.cache_clear()
    assert len({first, second, third, fourth}) == 4


def test_a_page_that_renders_the_visitors_csrf_token_is_never_stored(client, monkeypatch):
    from django.middleware.csrf import get_token
    from django.shortcuts import render

    def render_with_token(request, *args, **kwargs):
        get_token(request)  # as {% csrf_token %} in a template would
        return render(request, *args, **kwargs)

    monkeypatch.setattr("clinic.views.render", render_with_token)
    stored = []
    monkeypatch.setattr(cache, "set", lambda key, *args, **kwargs: stored.append(key))
    client.get(HOME)
    assert not [key for key in stored if key.startswith(pagecache.KEY_PREFIX)]


def test_new_clinic_details_show_at_once_even_where_a_workers_cached_copy_is_older(client):
    """Another worker, without a shared cache, still holds the old details in its own memory."""
    from clinic.models import PROFILE_CACHE_KEY

    ClinicProfile.objects.create(name="Neuro Asia Care", phone="+65 6592 6871")
    client.get(HOME)
    older = cache.get(PROFILE_CACHE_KEY)
    profile = ClinicProfile.objects.get()
    profile.phone = "+65 6333 4444"
    profile.save()
    cache.set(PROFILE_CACHE_KEY, older)  # as that worker's cache still has it
    page = client.get(HOME)
    assertContains(page, "+65 6333 4444")
    assertNotContains(page, "6592 6871")


def test_the_same_page_on_another_host_is_another_page(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example.sg"]
    first = client.get(HOME)
    other = client.get(HOME, headers={"Host": "other.example.sg"})
    assert other.headers["ETag"] != first.headers["ETag"]
    assertContains(other, "http://other.example.sg/")


# --- What a page costs ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [HOME, CALCULATOR])
def test_a_cached_page_costs_one_query_and_an_uncached_one_two(url, client, django_assert_num_queries):
    """When the clinic details last changed; and on a miss, the details themselves."""
    ClinicProfile.objects.create(name="Neuro Asia Care", phone="+65 6592 6871")
    with django_assert_num_queries(2):
        first = client.get(url)
    with django_assert_num_queries(1):
        again = client.get(url)
    assert again.content == first.content


# --- The calculator ---------------------------------------------------------------------------


def test_the_calculators_questions_are_rendered_once_and_shared(client, rendered):
    first = client.get(CALCULATOR)
    assert "grading/calculator.html" in rendered
    rendered.clear()
    again = client.get(CALCULATOR)
    assert rendered == []
    assert again.content == first.content
    assert again.status_code == 200


def test_a_calculator_result_is_never_kept_for_others(client, monkeypatch):
    stored = []
    monkeypatch.setattr(cache, "set", lambda key, *args, **kwargs: stored.append(key))
    result = client.post(CALCULATOR, GRADE_II)
    page = client.get(result.headers["Location"])
    assertContains(page, "Grade II")
    assertContains(client.post(CALCULATOR, GRADE_II, headers={"HX-Request": "true"}), "Grade II")
    assert not [key for key in stored if key.startswith(pagecache.KEY_PREFIX)]
