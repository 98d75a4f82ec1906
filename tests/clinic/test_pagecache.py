"""Whole pages cached per content version (clinic/pagecache.py), shown with the home page."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from pytest_django.asserts import assertContains

from clinic import pagecache
from clinic.models import ClinicProfile

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def test_home_is_rendered_once_then_served_from_the_cache(client, rendered, django_assert_num_queries):
    first = client.get(HOME)
    assert "clinic/home.html" in rendered
    rendered.clear()
    with django_assert_num_queries(0):
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


def test_the_build_version_follows_the_templates_and_the_static_manifest(settings, tmp_path, monkeypatch):
    (tmp_path / "page.html").write_text("one")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    build = pagecache.build_version.__wrapped__  # the uncached function
    first = build()
    (tmp_path / "page.html").write_text("two")
    second = build()
    monkeypatch.setattr(pagecache.staticfiles_storage, "manifest_hash", "new-css", raising=False)
    third = build()
    assert len({first, second, third}) == 3


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


# --- Each worker's own memory in front of the shared cache ------------------------------------


def test_a_page_served_once_is_served_again_from_the_workers_memory_without_the_shared_cache(
    client, monkeypatch
):
    first = client.get(HOME)
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: pytest.fail("asked the shared cache"))
    monkeypatch.setattr(ClinicProfile, "load", classmethod(lambda cls: cls.defaults()))
    again = client.get(HOME)
    assert again.content == first.content


def test_a_page_another_worker_stored_is_found_in_the_shared_cache_and_then_kept_here(client):
    first = client.get(HOME)
    pagecache.recent.clear()  # as a worker that has not served it yet
    assert client.get(HOME).content == first.content
    assert first.content in pagecache.recent._pages.values()


def test_the_workers_memory_keeps_only_the_most_recently_used_pages():
    recent = pagecache.RecentPages(size=2)
    recent.put("a", b"A")
    recent.put("b", b"B")
    assert recent.get("a") == b"A"  # "a" is now the most recently used...
    recent.put("c", b"C")  # ...so "b" makes room
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (b"A", None, b"C")


def test_a_worker_memory_of_size_zero_keeps_nothing():
    recent = pagecache.RecentPages(size=0)
    recent.put("a", b"A")
    assert recent.get("a") is None


def test_a_new_version_is_never_answered_from_an_older_page_in_memory(client):
    client.get(HOME)
    profile = ClinicProfile.load()
    profile.phone = "+65 6333 4444"
    profile.save()
    assertContains(client.get(HOME), "+65 6333 4444")
