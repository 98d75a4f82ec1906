"""
Keep an article's `updated_at` in step with its parts, and tidy up figure files.

`updated_at` versions the whole page (ETag, Last-Modified, cached fragments, the stored body), so
saving or deleting any section, treatment, urgency block, figure or reference counts as changing the
article. A queryset update: no save() recursion and no further signals.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from conditions.models import (
    Condition,
    Figure,
    Reference,
    Section,
    Treatment,
    UrgencyAdvice,
    delete_stored_files,
)

ARTICLE_PARTS = (Section, Treatment, UrgencyAdvice, Figure, Reference)


def touch_article(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        Condition.objects.filter(pk=instance.condition_id).update(updated_at=timezone.now())


def delete_figure_files(sender, instance: Figure, **kwargs) -> None:
    # After the transaction commits, so a rolled-back delete keeps its files.
    names = [r["name"] for r in instance.renditions] + ([instance.image.name] if instance.image else [])
    transaction.on_commit(lambda: delete_stored_files(names))


for part in ARTICLE_PARTS:
    post_save.connect(touch_article, sender=part, dispatch_uid=f"touch-article-{part.__name__}")
    post_delete.connect(touch_article, sender=part, dispatch_uid=f"touch-article-del-{part.__name__}")
post_delete.connect(delete_figure_files, sender=Figure, dispatch_uid="delete-figure-files")
