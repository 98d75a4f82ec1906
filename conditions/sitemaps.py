"""The sitemap: /sitemap.xml is an index of the sections below (/sitemap-conditions.xml, split into
pages of LIMIT articles, ?p=2 and so on, so that no file grows with the library; and
/sitemap-pages.xml). Every live article, with when its live version was published, and the other
public pages."""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from conditions.models import PublishedVersion


class ConditionSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = 500  # about 70 KB a page

    def items(self):
        return PublishedVersion.objects.published().only("slug", "published_at").order_by("slug")

    def lastmod(self, version: PublishedVersion) -> datetime:
        return version.published_at

    def get_latest_lastmod(self) -> datetime | None:
        # For the index: one aggregate, where Django's default would read every article.
        return PublishedVersion.objects.published().aggregate(latest=Max("published_at"))["latest"]


class PublicPageSitemap(Sitemap):
    """The site's other public pages. The enquiry form is left out: robots.txt keeps crawlers off it."""

    changefreq = "monthly"
    priority = 0.5

    def items(self) -> list[str]:
        return ["home", "conditions:list", "grading:index", "grading:calculator", "privacy"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"conditions": ConditionSitemap, "pages": PublicPageSitemap}
