"""
Rewrite the search index from the live versions of every article.

Publishing and unpublishing keep the index up to date by themselves; run this after restoring the
database from a backup or a copy made without it, after an upgrade whose notes ask for it, or if
search ever seems to miss an article that is on the site. Safe to run at any time: it works in one
transaction, so searches see either the old index or the new one.
"""

from django.core.management.base import BaseCommand

from conditions.search import index_rebuild


class Command(BaseCommand):
    help = "Rewrite the search index from the live version of every published article."

    def handle(self, *args, **options) -> None:
        count = index_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} article{'s' * (count != 1)}."))
