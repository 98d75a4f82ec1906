"""The staff profile: the name and role a clinical reviewer signs off with, set by a superuser on the
user's admin page."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from clinic.models import StaffProfile
from tests.conditions.factory import make_reviewer
from tests.conftest import staff_login
from tests.hardening.formdata import form_values

pytestmark = pytest.mark.django_db


def test_a_superuser_gives_a_reviewer_the_name_and_role_patients_see():
    reviewer = make_reviewer("newcomer", profile=False)
    admin = Client()
    staff_login(admin, User.objects.create_superuser("boss", password=None, email="boss@clinic.example.sg"))
    url = reverse("admin:auth_user_change", args=[reviewer.pk])
    page = admin.get(url)
    assertContains(page, "needed to sign off articles")
    data = form_values(page.content.decode(), "user_form")
    data |= {
        "staff_profile-0-display_name": "Dr Lim Hui Min",
        "staff_profile-0-role": "Consultant neurologist",
    }
    assert admin.post(url, data).status_code == 302
    profile = StaffProfile.objects.get(user=reviewer)
    assert (profile.display_name, profile.role, profile.can_sign_off) == (
        "Dr Lim Hui Min",
        "Consultant neurologist",
        True,
    )


def test_a_profile_without_a_role_cannot_sign_off():
    reviewer = make_reviewer("halfway", profile=False)
    assert not StaffProfile(user=reviewer, display_name="Dr Lim Hui Min", role=" ").can_sign_off
