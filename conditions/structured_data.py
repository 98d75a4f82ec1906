"""
schema.org JSON-LD for a condition page: a MedicalWebPage about a MedicalCondition.

https://schema.org/MedicalWebPage (lastReviewed, reviewedBy, about, audience) and
https://schema.org/MedicalCondition. The reviewer is described as an Organization: articles are
reviewed by the clinic's clinical team, never attributed to an invented doctor.
"""

import json

from clinic.models import ClinicProfile
from conditions.models import Condition

_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def medical_web_page(
    *, condition: Condition, url: str, clinic: ClinicProfile, image_url: str | None = None
) -> dict:
    about = {"@type": "MedicalCondition", "name": condition.name, "url": url}
    if condition.other_names:
        about["alternateName"] = condition.other_names
    page = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": condition.name,
        "url": url,
        "description": condition.summary,
        "inLanguage": "en-SG",
        "audience": {"@type": "PeopleAudience", "audienceType": "Patient"},
        "about": about,
        "dateModified": condition.updated_at.isoformat(),
        "publisher": {"@type": "MedicalClinic", "name": clinic.name, "telephone": clinic.phone},
    }
    if condition.last_reviewed:
        page["lastReviewed"] = condition.last_reviewed.isoformat()
    if condition.reviewed_by:
        reviewer = {"@type": "Organization", "name": condition.reviewed_by}
        if condition.reviewed_by_role:
            reviewer["description"] = condition.reviewed_by_role
        page["reviewedBy"] = reviewer
    if image_url:
        page["image"] = image_url
    return page


def to_script_json(data: dict) -> str:
    """JSON that is safe inside <script type="application/ld+json"> (no "</script>" breakout)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
