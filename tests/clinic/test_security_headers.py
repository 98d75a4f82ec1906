import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_sends_a_strict_content_security_policy(client):
    response = client.get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "http" not in policy  # no third-party origins


def test_pages_have_no_inline_script(client):
    """Every script is a static file; the only inline <script> is structured data, which browsers
    never run (the CSP allows it as data)."""
    html = client.get(reverse("home")).content.decode()
    for chunk in html.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert ' src="' in tag or tag == ' type="application/ld+json"', "every script must be a static file"


def test_home_page_sends_the_protective_headers(client):
    response = client.get(reverse("home"))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_https_settings_add_hsts_and_redirect_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    plain = client.get(reverse("home"))
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")

    secure = client.get(reverse("home"), headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_htmx_is_served_from_our_own_static_files(client):
    html = client.get(reverse("home")).content.decode()
    assert '<script src="/static/django_htmx/htmx' in html
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_pages_without_forms_set_no_cookie_and_do_not_vary_by_visitor(client):
    # Pages are the same for every visitor, so they can be cached by the site and by proxies.
    response = client.get(reverse("home"))
    assert response.cookies == {}
    assert "Cookie" not in response.headers.get("Vary", "")


def test_every_response_denies_camera_microphone_location_and_the_rest(client, settings):
    for url in [reverse("home"), reverse("contact:form"), reverse("admin:login"), "/no-such-page/"]:
        policy = client.get(url).headers["Permissions-Policy"]
        features = dict(part.strip().split("=", 1) for part in policy.split(","))
        for feature in ["camera", "microphone", "geolocation", "payment", "usb", "fullscreen"]:
            assert features[feature] == "()", (url, feature)
        assert set(features.values()) == {"()"}  # nothing allowed, to anyone


def test_a_proxy_in_front_with_no_trusted_proxy_count_is_reported_once(client, settings, caplog):
    from clinic.middleware import ForwardedForWarningMiddleware

    settings.TRUSTED_PROXY_COUNT = 0
    ForwardedForWarningMiddleware.warned = False
    client.get(reverse("home"))
    assert "DJANGO_TRUSTED_PROXY_COUNT" not in caplog.text  # no proxy: nothing to say
    client.get(reverse("home"), headers={"X-Forwarded-For": "203.0.113.9"})
    client.get(reverse("home"), headers={"X-Forwarded-For": "203.0.113.10"})
    warnings = [r for r in caplog.records if "DJANGO_TRUSTED_PROXY_COUNT" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"


def test_with_the_proxy_count_set_there_is_no_warning(client, settings, caplog):
    from clinic.middleware import ForwardedForWarningMiddleware

    settings.TRUSTED_PROXY_COUNT = 1
    ForwardedForWarningMiddleware.warned = False
    client.get(reverse("home"), headers={"X-Forwarded-For": "203.0.113.9"})
    assert "DJANGO_TRUSTED_PROXY_COUNT" not in caplog.text
