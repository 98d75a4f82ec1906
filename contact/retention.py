"""
How long enquiries are kept (PDPA: no longer than needed). One policy, from two settings, read by
both `manage.py purge_enquiries`, which carries it out daily, and the privacy notice, which states
it, so the two cannot disagree.

- An enquiry nobody has changed for CONTACT_AUTO_CLOSE_MONTHS is closed (it was never closed by
  hand: the patient did not answer, or it was forgotten).
- An enquiry is deleted CONTACT_RETENTION_MONTHS after its last change, with its notes and its
  admin history. Closing it automatically does not count as a change, so every enquiry, closed by
  a coordinator or not, goes the same number of months after it was last worked on.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RetentionPolicy:
    auto_close_months: int
    retention_months: int


def retention_policy() -> RetentionPolicy:
    return RetentionPolicy(
        auto_close_months=settings.CONTACT_AUTO_CLOSE_MONTHS,
        retention_months=settings.CONTACT_RETENTION_MONTHS,
    )


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` calendar months earlier (the month's last day if shorter)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))
