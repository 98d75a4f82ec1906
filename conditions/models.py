from django.db import models
from django.urls import reverse


class ConditionQuerySet(models.QuerySet):
    def published(self) -> "ConditionQuerySet":
        """What patients may see. Public views read conditions only through this."""
        return self.filter(status=Condition.Status.PUBLISHED)


class Condition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    name = models.CharField(max_length=120, unique=True, help_text="The condition's usual name.")
    slug = models.SlugField(max_length=120, unique=True, help_text="The last part of the page address.")
    summary = models.TextField(
        help_text="One plain-language paragraph: what it is and who gets it. Also used by search engines."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("conditions:detail", kwargs={"slug": self.slug})
