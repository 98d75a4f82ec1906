from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from conditions.models import Condition


@require_safe
def condition_list(request: HttpRequest) -> HttpResponse:
    conditions = Condition.objects.published()
    return render(request, "conditions/condition_list.html", {"conditions": conditions})


@require_safe
def condition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    condition = get_object_or_404(Condition.objects.published(), slug=slug)
    return render(request, "conditions/condition_detail.html", {"condition": condition})
