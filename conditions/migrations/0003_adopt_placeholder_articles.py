from django.db import migrations
from django.db.models import F


def adopt_placeholder_articles(apps, schema_editor):
    """Rows older than the article structure came from the placeholder seed (there was no admin).

    Mark them as seeded and unedited, so `seed_content` fills them in with the full article, and
    make them drafts until it does: the next migration requires review details to publish.
    """
    Condition = apps.get_model("conditions", "Condition")
    Condition.objects.filter(seeded_at__isnull=True).update(seeded_at=F("updated_at"))
    Condition.objects.filter(status="published", reviewed_by="").update(status="draft")


class Migration(migrations.Migration):
    dependencies = [("conditions", "0002_article_structure")]

    operations = [migrations.RunPython(adopt_placeholder_articles, migrations.RunPython.noop)]
