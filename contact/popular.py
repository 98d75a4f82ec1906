"""The conditions patients write in about most: the write-in form offers these as its short list.

Counted over the last year of enquiries, topped up with the site's longest-standing articles (the
lowest ids: the clinic's own conditions came first) when fewer have been asked about, and kept in
the cache for an hour: counting reads many enquiries, and a list of suggestions may be an hour old.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from conditions.models import PublishedVersion
from contact.models import Enquiry

SHORTLIST_SIZE = 5
CACHE_KEY = "contact:popular-conditions"
CACHE_SECONDS = 60 * 60


def popular_condition_ids() -> list[int]:
    """Up to SHORTLIST_SIZE condition ids, most asked about first (some may no longer be live:
    the form reads only live versions of them)."""
    ids = cache.get(CACHE_KEY)
    if ids is None:
        since = timezone.now() - timedelta(days=365)
        ids = list(
            Enquiry.objects.filter(created_at__gte=since, condition__isnull=False)
            .values("condition")
            .annotate(enquiries=Count("id"))
            .order_by("-enquiries", "condition")
            .values_list("condition", flat=True)[:SHORTLIST_SIZE]
        )
        if len(ids) < SHORTLIST_SIZE:
            oldest = PublishedVersion.objects.published().exclude(condition__in=ids).order_by("condition")
            ids += list(oldest.values_list("condition", flat=True)[: SHORTLIST_SIZE - len(ids)])
        cache.set(CACHE_KEY, ids, CACHE_SECONDS)
    return ids
