import json

import pytest
from django.urls import reverse

from clinic.models import ClinicProfile

pytestmark = pytest.mark.django_db


def json_ld(client) -> dict:
    html = client.get(reverse("home")).content.decode()
    blocks = html.split('<script type="application/ld+json">')[1:]
    assert len(blocks) == 1
    return json.loads(blocks[0].split("</script>", 1)[0])


def test_home_page_describes_the_clinic_as_a_medical_clinic(client):
    data = json_ld(client)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalClinic"
    assert data["name"] == "Neuro Asia Care"
    assert data["telephone"] == "+65 6592 6871"
    assert data["url"] == "http://testserver/"
    assert data["logo"] == "http://testserver/static/img/icon-512.png"


def test_structured_data_holds_only_the_details_staff_filled_in(client):
    assert not {"email", "address", "hasMap"} & set(json_ld(client))  # the seeded profile has none
    ClinicProfile(
        name="Neuro Asia Care",
        phone="+65 6592 6871",
        email="care@clinic.example.sg",
        address="1 Example Road\nSingapore 000000",
        map_url="https://maps.example.org/?q=clinic",
        opening_hours="Mon to Fri: 9am to 5pm",
    ).save()
    data = json_ld(client)
    assert data["email"] == "care@clinic.example.sg"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "1 Example Road, Singapore 000000",
        "addressCountry": "SG",
    }
    assert data["hasMap"] == "https://maps.example.org/?q=clinic"
    assert "openingHours" not in data  # free text, not schema.org's format: never guessed


def test_structured_data_cannot_be_broken_out_of(client):
    ClinicProfile(name="Care </script><script>alert(1)</script>", phone="+65 6592 6871").save()
    html = client.get(reverse("home")).content.decode()
    assert "<script>alert(1)" not in html
    assert json_ld(client)["name"] == "Care </script><script>alert(1)</script>"
