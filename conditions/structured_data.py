"""
schema.org JSON-LD for a condition page: a MedicalWebPage about a MedicalCondition.

https://schema.org/MedicalWebPage (lastReviewed, reviewedBy, about, audience) and
https://schema.org/MedicalCondition. Built from the published version only. The reviewer is the
Person who signed off the last clinical review (name and job title from their staff profile), or
the Organization named by the seed or an article carried over from before versions existed
(which has no reviewer account): never an invented doctor.
"""

import json

from clinic.models import ClinicProfile
from conditions.models import PublishedVersion

_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def medical_web_page(
    *, version: PublishedVersion, url: str, clinic: ClinicProfile, image_url: str | None = None
) -> dict:
    about = {"@type": "MedicalCondition", "name": version.name, "url": url}
    if version.other_names:
        about["alternateName"] = version.other_names
    page = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": version.name,
        "url": url,
        "description": version.summary,
        "inLanguage": "en-SG",
        "audience": {"@type": "PeopleAudience", "audienceType": "Patient"},
        "about": about,
        "publisher": {"@type": "MedicalClinic", "name": clinic.name, "telephone": clinic.phone},
    }
    if version.published_at:
        page["dateModified"] = version.published_at.isoformat()
    if version.last_reviewed_on:
        page["lastReviewed"] = version.last_reviewed_on.isoformat()
        if version.last_reviewer_id:
            reviewer = {"@type": "Person", "name": version.last_reviewer_name}
            if version.last_reviewer_role:
                reviewer["jobTitle"] = version.last_reviewer_role
        else:
            reviewer = {"@type": "Organization", "name": version.last_reviewer_name}
            if version.last_reviewer_role:
                reviewer["description"] = version.last_reviewer_role
        page["reviewedBy"] = reviewer
    if image_url:
        page["image"] = image_url
    return page


def to_script_json(data: dict) -> str:
    """JSON that is safe inside <script type="application/ld+json"> (no "</script>" breakout)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
