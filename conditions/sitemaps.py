"""/sitemap.xml: every live article (with when its live version was published) and the other public pages."""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from conditions.models import PublishedVersion


class ConditionSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return PublishedVersion.objects.published().only("slug", "published_at").order_by("slug")

    def lastmod(self, version: PublishedVersion) -> datetime:
        return version.published_at


class PublicPageSitemap(Sitemap):
    """The site's other public pages. The enquiry form is left out: robots.txt keeps crawlers off it."""

    changefreq = "monthly"
    priority = 0.5

    def items(self) -> list[str]:
        return ["home", "conditions:list", "grading:index", "grading:calculator", "privacy"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"conditions": ConditionSitemap, "pages": PublicPageSitemap}
