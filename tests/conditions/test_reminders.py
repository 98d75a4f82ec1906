"""manage.py review_reminders: mails before and after an article's next review is due, once per
article, stage and due date (conditions/reminders.py)."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conditions.models import PublishedVersion, ReviewReminder
from conditions.services import condition_publish, condition_unpublish
from tests.conditions.factory import EDITORS, make_condition, make_reviewer, make_staff, publish_version

pytestmark = pytest.mark.django_db

DUE = date(2027, 11, 1)  # the factory's next review date


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.CONTACT_SITE_URL = "https://www.example.sg"


def remind(on: date) -> str:
    out = StringIO()
    call_command("review_reminders", "--today", on.isoformat(), stdout=out, stderr=StringIO())
    return out.getvalue()


def signed_off_by(condition, reviewer, *, due: date = DUE) -> PublishedVersion:
    return condition_publish(
        condition_id=condition.pk, user=reviewer, reviewed_on=date(2026, 11, 1), next_review_due=due
    )


def test_the_reviewer_gets_one_mail_30_days_before_naming_the_article_and_the_date(mailoutbox):
    condition = make_condition(publish=False)
    reviewer = make_reviewer(email="dr.tan@clinic.example.sg")
    signed_off_by(condition, reviewer)
    remind(DUE - timedelta(days=31))
    assert mailoutbox == []
    assert "1 review reminder(s) sent" in remind(DUE - timedelta(days=30))
    [mail] = mailoutbox
    assert mail.to == ["dr.tan@clinic.example.sg"]
    assert mail.subject == "Review due by 1 November 2027: Hemifacial spasm"
    assert 'The article "Hemifacial spasm" is due for its clinical review by 1 November 2027.' in mail.body
    assert "last reviewed on 1 November 2026 by Dr Tan Wei Ming, Consultant neurosurgeon" in mail.body
    assert f"https://www.example.sg/admin/conditions/condition/{condition.pk}/change/" in mail.body
    for day in range(29, -1, -1):  # every day until it is due: nothing new
        remind(DUE - timedelta(days=day))
    assert len(mailoutbox) == 1


def test_an_overdue_review_gets_one_more_mail_and_the_article_stays_published(mailoutbox):
    condition = make_condition(publish=False)
    signed_off_by(condition, make_reviewer())
    remind(DUE - timedelta(days=10))
    remind(DUE + timedelta(days=1))
    remind(DUE + timedelta(days=2))
    assert [mail.subject for mail in mailoutbox] == [
        "Review due by 1 November 2027: Hemifacial spasm",
        "Review overdue since 1 November 2027: Hemifacial spasm",
    ]
    assert "is now overdue. The article is still on the site." in mailoutbox[1].body
    assert PublishedVersion.objects.published().filter(condition=condition).exists()


def test_a_first_run_after_the_due_date_sends_only_the_overdue_mail(mailoutbox):
    signed_off_by(make_condition(publish=False), make_reviewer())
    remind(DUE + timedelta(days=40))
    assert [mail.subject.split(":")[0] for mail in mailoutbox] == ["Review overdue since 1 November 2027"]


def test_a_new_sign_off_with_a_new_due_date_starts_again(mailoutbox):
    condition = make_condition(publish=False)
    reviewer = make_reviewer()
    signed_off_by(condition, reviewer)
    remind(DUE - timedelta(days=5))
    signed_off_by(condition, reviewer, due=date(2028, 11, 1))
    remind(DUE - timedelta(days=4))
    assert len(mailoutbox) == 1
    remind(date(2028, 10, 10))
    assert len(mailoutbox) == 2 and "by 1 November 2028" in mailoutbox[1].subject


def test_without_a_reachable_reviewer_every_active_clinical_reviewer_is_told(mailoutbox):
    make_condition()  # signed off by the seed's clinical team: no account
    make_reviewer("one", email="one@clinic.example.sg")
    make_reviewer("two", email="two@clinic.example.sg")
    make_reviewer("gone", email="gone@clinic.example.sg", is_active=False)
    make_reviewer("nomail", email="")
    make_staff("editor", EDITORS, email="editor@clinic.example.sg")
    remind(DUE)
    [mail] = mailoutbox
    assert mail.to == ["one@clinic.example.sg", "two@clinic.example.sg"]


def test_a_reviewer_who_has_left_is_replaced_by_the_group(mailoutbox):
    condition = make_condition(publish=False)
    leaver = make_reviewer("leaver", email="leaver@clinic.example.sg")
    signed_off_by(condition, leaver)
    leaver.is_active = False
    leaver.save()
    make_reviewer("stays", email="stays@clinic.example.sg")
    remind(DUE)
    assert mailoutbox[0].to == ["stays@clinic.example.sg"]


def test_articles_off_the_site_or_not_yet_due_get_no_mail(mailoutbox):
    off = make_condition()
    condition_unpublish(condition_id=off.pk, user=make_reviewer(email="r@clinic.example.sg"))
    later = make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia", publish=False)
    publish_version(later, next_review_due=DUE + timedelta(days=60))
    remind(DUE)
    assert mailoutbox == []


def test_nobody_to_tell_is_an_error_and_is_tried_again(mailoutbox):
    make_condition()
    with pytest.raises(CommandError, match="could not be sent"):
        remind(DUE)
    make_reviewer(email="new@clinic.example.sg")
    remind(DUE)
    assert [mail.to for mail in mailoutbox] == [["new@clinic.example.sg"]]


def test_a_mail_that_fails_is_sent_on_the_next_run(settings, mailoutbox):
    signed_off_by(make_condition(publish=False), make_reviewer())
    working = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": "tests.contact.conftest.FailingEmailBackend"}}
    with pytest.raises(CommandError):
        remind(DUE)
    assert not ReviewReminder.objects.exists()
    settings.MAILERS = working
    remind(DUE)
    assert len(mailoutbox) == 1 and ReviewReminder.objects.count() == 1
