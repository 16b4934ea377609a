"""Entry pages: where a visitor lands, an organisation's home, the demo button."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.models import User
from parvis.accounts.selectors import default_organisation, members_of
from parvis.strategy.selectors import current_plan
from parvis.strategy.views import render_week
from parvis.web.demo import demo_of, demo_open


def home(request: HttpRequest) -> HttpResponse:
    """Send each visitor where they can act: sign-up, their organisation, or the empty home."""
    if not request.user.is_authenticated:
        if User.objects.exists():
            return redirect("accounts:login")
        return redirect("accounts:signup")
    organisation = default_organisation(request.user)
    if organisation is not None:
        return redirect("web:dashboard", org=organisation.slug)
    return render(request, "web/empty_home.html")


@org_view()
def dashboard(request: OrgRequest) -> HttpResponse:
    # An organisation with a plan lands on its week ("Ma semaine"): what to do now.
    plan = current_plan(request.organisation)
    if plan is not None:
        return render_week(request, plan, as_home=True)
    context = {"member_count": members_of(request.organisation).count()}
    return render(request, "web/dashboard.html", context)


@require_http_methods(["GET", "POST"])
def demo_start(request: HttpRequest) -> HttpResponse:
    """GET: what the demo is, with its button (an address typed or shared lands here, not on
    an error). POST: open the user's demo organisation, made on the first time."""
    if request.method == "POST":
        return _demo_open(request)
    user = request.user if request.user.is_authenticated else None
    existing = demo_of(user) if isinstance(user, User) else None
    return render(request, "web/demo.html", {"existing_demo": existing})


@login_required
def _demo_open(request: HttpRequest) -> HttpResponse:
    organisation = demo_open(user=request.user)  # type: ignore[arg-type]
    return redirect("web:dashboard", org=organisation.slug)
