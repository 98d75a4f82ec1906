"""The admin home page's line about new enquiries, for those who may see enquiries."""

from django import template
from django.urls import reverse

from contact.models import Enquiry

register = template.Library()


@register.inclusion_tag("admin/contact/_new_enquiries.html", takes_context=True)
def new_enquiries(context) -> dict:
    """How many enquiries are new and assigned to nobody, with a link to exactly those. One count
    through the (status, created_at) index: new enquiries are few, whatever the total."""
    user = context["request"].user
    if not user.has_perm("contact.view_enquiry"):
        return {"shown": False}
    return {
        "shown": True,
        "count": Enquiry.objects.new_unassigned().count(),
        "url": reverse("admin:contact_enquiry_changelist") + "?status__exact=new&assignee=nobody",
    }
