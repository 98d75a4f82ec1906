"""
Keep an article's `updated_at` in step with its parts.

`updated_at` is when the working copy last changed: a live version made from an older working
copy means the article has unpublished changes. So saving or deleting any section, treatment,
urgency block, figure or reference, or changing the related conditions, counts as changing the
article. A queryset update: no save() recursion and no further signals.

Figure files are never deleted here: published versions may still show them (see
`manage.py prune_figure_files`).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from conditions.models import Condition, Figure, Reference, Section, Treatment, UrgencyAdvice

ARTICLE_PARTS = (Section, Treatment, UrgencyAdvice, Figure, Reference)


def touch_article(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        Condition.objects.filter(pk=instance.condition_id).update(updated_at=timezone.now())


def touch_on_related_change(sender, instance, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Condition):
        Condition.objects.filter(pk=instance.pk).update(updated_at=timezone.now())


for part in ARTICLE_PARTS:
    post_save.connect(touch_article, sender=part, dispatch_uid=f"touch-article-{part.__name__}")
    post_delete.connect(touch_article, sender=part, dispatch_uid=f"touch-article-del-{part.__name__}")
m2m_changed.connect(
    touch_on_related_change, sender=Condition.related.through, dispatch_uid="touch-article-related"
)
