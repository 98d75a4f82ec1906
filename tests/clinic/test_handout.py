"""The print header's address and QR code (clinic/handout.py, includes/_print_header.html)."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from clinic.handout import page_address, qr_svg

pytestmark = pytest.mark.django_db


def test_the_address_is_the_page_s_path_on_the_host_asked_for():
    request = RequestFactory().get("/conditions/hemifacial-spasm/?utm_source=leaflet", HTTP_HOST="localhost")
    assert page_address(request) == "http://localhost/conditions/hemifacial-spasm/"  # no visitor's query
    assert page_address(request, "/grading/hemifacial-spasm/?result=abc") == (
        "http://localhost/grading/hemifacial-spasm/?result=abc"
    )


def test_the_public_site_address_wins_when_set(settings):
    settings.CONTACT_SITE_URL = "https://www.example.sg"
    request = RequestFactory().get("/privacy/", HTTP_HOST="localhost")
    assert page_address(request) == "https://www.example.sg/privacy/"


def test_the_qr_code_is_inline_svg_without_style_attributes():
    svg = str(qr_svg("https://www.example.sg/conditions/hemifacial-spasm/"))
    assert re.fullmatch(
        r'<svg viewBox="0 0 \d+ \d+" class="print-header__qr"><path stroke="#000" d="[^"]+"/></svg>', svg
    )


def test_an_address_too_long_for_a_qr_code_gets_none_rather_than_an_error():
    assert qr_svg("https://www.example.sg/" + "a" * 5000) == ""


def test_every_page_carries_the_print_header_hidden(client):
    response = client.get(reverse("privacy"))
    assertContains(response, '<div class="print-header" id="print-header" hidden>')
    assertContains(response, '<span class="print-header__address">http://testserver/privacy/</span>')
    assertContains(response, 'Printed on <span data-print-date data-time-zone="Asia/Singapore"></span>')


def test_error_pages_print_no_header(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assertNotContains(response, "print-header", status_code=404)
