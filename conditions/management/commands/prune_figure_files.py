"""
List, and with --delete remove, figure files that nothing refers to any more.

Figure files are never deleted when a figure is replaced or removed: a published version (live or
in the history) may still show them, and restoring a version reuses them. A file is kept while
any figure of any article's draft, or any published version, uses it, and for a day after it was
stored (an upload being saved right now has no figure row yet); everything else in the figures
folder can go. Safe to run at any time; without --delete it changes nothing.
"""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from conditions.models import FIGURE_DIR, Figure, PublishedFile


class Command(BaseCommand):
    help = "List figure files no draft or published version uses; --delete removes them."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Delete them (default: only list them).")

    def handle(self, *args, delete: bool, **options) -> None:
        if not default_storage.exists(FIGURE_DIR):
            self.stdout.write("No figure files yet.")
            return
        # Listed first: a file stored after this is not looked at at all.
        stored = {f"{FIGURE_DIR}/{name}" for name in default_storage.listdir(FIGURE_DIR)[1]}
        recent = timezone.now() - timedelta(days=1)
        used = set(PublishedFile.objects.values_list("name", flat=True).distinct())
        for image, renditions in Figure.objects.values_list("image", "renditions").iterator():
            used.add(image)
            used.update(rendition["name"] for rendition in renditions)
        unused = sorted(name for name in stored - used if default_storage.get_modified_time(name) < recent)
        for name in unused:
            self.stdout.write(name)
            if delete:
                default_storage.delete(name)
        verb = "Deleted" if delete else "Unused (run again with --delete to remove them)"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {len(unused)} of {len(stored)} figure files."))
