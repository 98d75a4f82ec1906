"""Article content for the condition pages, as plain data (see CONTENT_SCHEMA.md).

Each module holds one ARTICLE dict; its figures live in FIGURES_DIR. No Django here: the conditions
app loads these into the database.
"""

from pathlib import Path

from conditions.content import hemifacial_spasm, trigeminal_neuralgia

FIGURES_DIR = Path(__file__).resolve().parent / "figures"

ARTICLES = [hemifacial_spasm.ARTICLE, trigeminal_neuralgia.ARTICLE]
