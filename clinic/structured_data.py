"""
schema.org JSON-LD for the home page: the clinic as a MedicalClinic (https://schema.org/MedicalClinic),
with only the details staff have filled in. Nothing is invented: an empty field is left out.
"""

import json

from clinic.models import ClinicProfile

# Escaped so no text can close the <script> data block it is written into.
_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def medical_clinic(*, clinic: ClinicProfile, url: str, logo_url: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": clinic.name,
        "url": url,
        "logo": logo_url,
        "telephone": clinic.phone,
    }
    if clinic.tagline:
        data["description"] = clinic.tagline
    if clinic.email:
        data["email"] = clinic.email
    if clinic.address.strip():
        lines = [line.strip() for line in clinic.address.splitlines() if line.strip()]
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": ", ".join(lines),
            "addressCountry": "SG",
        }
    if clinic.map_url:
        data["hasMap"] = clinic.map_url
    # Opening hours stay out: schema.org wants them as "Mo-Fr 09:00-17:00", and staff write them
    # in plain words for patients. Guessing a translation could tell search engines wrong hours.
    return data


def to_script_json(data: dict) -> str:
    """JSON safe to write inside <script type="application/ld+json"> (a data block the CSP allows)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
