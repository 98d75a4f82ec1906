"""/sitemap.xml: every published condition (with its last change) and the other public pages."""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from conditions.models import Condition


class ConditionSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Condition.objects.published().only("slug", "updated_at")

    def lastmod(self, condition: Condition) -> datetime:
        return condition.updated_at


class PublicPageSitemap(Sitemap):
    """The site's other public pages. The enquiry form is left out: robots.txt keeps crawlers off it."""

    changefreq = "monthly"
    priority = 0.5

    def items(self) -> list[str]:
        return ["home", "conditions:list", "grading:index", "grading:calculator", "privacy"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"conditions": ConditionSitemap, "pages": PublicPageSitemap}
