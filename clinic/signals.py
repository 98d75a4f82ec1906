"""Keep the cached clinic profile in step with the database."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from clinic.models import PROFILE_CACHE_KEY, ClinicProfile


@receiver([post_save, post_delete], sender=ClinicProfile)
def forget_cached_profile(**kwargs) -> None:
    cache.delete(PROFILE_CACHE_KEY)
