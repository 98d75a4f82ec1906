"""Request ids, access logs without personal data, outage pages, admin indexing, degraded cache."""

import logging

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db import OperationalError
from django.urls import reverse
from pytest_django.asserts import assertContains
from redis.exceptions import ConnectionError as RedisConnectionError

from clinic.cache import ResilientRedisCache
from clinic.models import ClinicProfile

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id(client):
    first = client.get(reverse("home")).headers["X-Request-ID"]
    second = client.get(reverse("home")).headers["X-Request-ID"]
    assert len(first) == 16 and first != second


def test_a_well_formed_upstream_request_id_is_kept_and_a_hostile_one_replaced(client):
    assert (
        client.get("/", headers={"X-Request-ID": "abc12345-proxy"}).headers["X-Request-ID"]
        == "abc12345-proxy"
    )
    hostile = client.get("/", headers={"X-Request-ID": "x\nFAKE LOG LINE"}).headers["X-Request-ID"]
    assert "\n" not in hostile and "FAKE" not in hostile


def test_access_log_has_one_line_without_query_string_or_address(client, caplog):
    with caplog.at_level(logging.INFO, logger="clinic.access"):
        response = client.get("/privacy/?email=patient@example.com&phone=91234567", REMOTE_ADDR="203.0.113.9")
    lines = [r.getMessage() for r in caplog.records if r.name == "clinic.access"]
    assert len(lines) == 1
    assert lines[0].startswith("GET /privacy/ 200 ")
    assert response.headers["X-Request-ID"] in lines[0]
    assert (
        "patient@example.com" not in lines[0] and "91234567" not in lines[0] and "203.0.113.9" not in lines[0]
    )


def test_500_page_shows_the_request_id(client, settings):
    settings.ROOT_URLCONF = "tests.clinic.broken_urls"
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assertContains(response, response.headers["X-Request-ID"], status_code=500)
    assert "Traceback" not in response.content.decode()


def test_database_outage_gives_the_calm_503_page(client, monkeypatch):
    def database_down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(ClinicProfile, "load", database_down)
    response = client.get(reverse("home"))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assertContains(response, "having trouble", status_code=503)
    assertContains(response, response.headers["X-Request-ID"], status_code=503)
    body = response.content.decode()
    assert "OperationalError" not in body and "SECRET_KEY" not in body and "could not connect" not in body


def test_service_resumes_when_the_database_returns(client, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(ClinicProfile, "load", lambda: (_ for _ in ()).throw(OperationalError("down")))
        assert client.get(reverse("home")).status_code == 503
    assert client.get(reverse("home")).status_code == 200


def test_admin_asks_not_to_be_indexed(client):
    response = client.get(reverse("admin:login"))
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "X-Robots-Tag" not in client.get(reverse("home")).headers


class TestResilientRedisCache:
    """With Redis unreachable (nothing listens on port 1), cache calls degrade to misses."""

    @pytest.fixture
    def dead_cache(self):
        return ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})

    def test_reads_are_misses_and_writes_carry_on(self, dead_cache, caplog):
        with caplog.at_level(logging.WARNING, logger="clinic.cache"):
            assert dead_cache.get("k", "fallback") == "fallback"
            assert dead_cache.get_many(["a", "b"]) == {}
            dead_cache.set("k", 1, 30)
            assert dead_cache.add("k", 1, 30) is True
            assert dead_cache.incr("k") == 1
            assert dead_cache.delete("k") is False
        assert "cache unavailable during get" in caplog.text

    def test_the_plain_backend_would_have_raised(self):
        with pytest.raises(RedisConnectionError):
            RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}).get("k")

    def test_the_redis_client_is_built_once_not_on_every_call(self, monkeypatch):
        import redis

        live = ResilientRedisCache("redis://127.0.0.1:6379/15", {})
        built = []
        real_init = redis.Redis.__init__

        def counting_init(client, *args, **kwargs):
            built.append(client)
            real_init(client, *args, **kwargs)

        monkeypatch.setattr(redis.Redis, "__init__", counting_init)
        try:
            for number in range(5):
                live.set("clinic-test-key", number, 30)
                assert live.get("clinic-test-key") == number
        except RedisConnectionError:  # pragma: no cover - only where no Redis runs
            pytest.skip("no Redis on 127.0.0.1:6379")
        finally:
            live.delete("clinic-test-key")
        assert len(built) == 1  # Django's own client builds one per call: 11 here
        assert live._cache.get_client() is live._cache.get_client(write=True)

    def test_a_live_redis_still_works(self):
        live = ResilientRedisCache("redis://127.0.0.1:6379/15", {})
        try:
            live.set("clinic-test-key", "value", 30)
        except Exception:  # pragma: no cover - only where no Redis runs
            pytest.skip("no Redis on 127.0.0.1:6379")
        if live.get("clinic-test-key") is None:
            pytest.skip("no Redis on 127.0.0.1:6379")
        assert live.get("clinic-test-key") == "value"
        live.delete("clinic-test-key")
