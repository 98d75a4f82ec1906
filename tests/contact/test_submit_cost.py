"""What saving an enquiry costs the database: the insert, not a query per check."""

import pytest
from django.core.exceptions import ValidationError

from contact.models import Enquiry
from tests.contact.conftest import submit

pytestmark = pytest.mark.django_db


def test_saving_an_enquiry_reads_nothing_first(django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        submit()
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert "INSERT" in statements
    assert "SELECT" not in statements  # no uniqueness or check-constraint lookups before the insert


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": "", "phone": "", "preferred_contact": Enquiry.ContactMethod.EITHER},
        {"email": "", "phone": "+6591234567", "preferred_contact": Enquiry.ContactMethod.EMAIL},
        {"phone": "", "preferred_contact": Enquiry.ContactMethod.PHONE},
    ],
)
def test_a_broken_check_constraint_is_still_a_validation_error_and_nothing_is_stored(overrides):
    with pytest.raises(ValidationError) as raised:
        submit(**overrides)
    assert "Constraint" in str(raised.value)
    assert Enquiry.objects.count() == 0
