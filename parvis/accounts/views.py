"""Sign-up, log-in, invitations and language: the pages before and around an organisation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parvis.accounts import selectors, services
from parvis.accounts.forms import (
    ConfirmedSignUpForm,
    InvitationSignUpForm,
    LanguageForm,
    LoginForm,
    SignUpForm,
    SignUpRequestForm,
)
from parvis.accounts.models import User
from parvis.accounts.throttle import password_reset_allowed, signup_mail_allowed
from parvis.core.client_ip import client_ip
from parvis.core.public_url import public_base_url


def _sign_up_and_log_in(request: HttpRequest, form: SignUpForm) -> User:
    user = services.user_sign_up(
        email=form.cleaned_data["email"],
        password=form.cleaned_data["password"],
        full_name=form.cleaned_data["full_name"],
        language=request.LANGUAGE_CODE,
    )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return user


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Open, by invitation only, or for some e-mail domains (``settings.SIGNUP_MODE``).

    In ``domains`` mode the address must be proven: the form only e-mails a signed link, and
    the account is created when that link (``?token=``) is opened. ``open`` stays immediate.
    """
    if request.user.is_authenticated:
        return redirect("web:home")
    mode = selectors.signup_mode()
    if mode == "invitation":
        # On a fresh production install, the operator reads how to create the first account.
        context = {"first_user_pending": selectors.no_user_yet()}
        return render(request, "accounts/signup_closed.html", context, status=403)
    domains = list(settings.SIGNUP_DOMAINS) if mode == "domains" else None
    if "token" in request.GET:
        return _signup_confirm(request, request.GET["token"], domains)
    if domains is not None:
        return _signup_request(request, domains)
    form = SignUpForm(request.POST or None, allowed_domains=None)
    if request.method == "POST" and form.is_valid():
        _sign_up_and_log_in(request, form)
        return redirect("accounts:organisation_create")
    return render(request, "accounts/signup.html", {"form": form, "signup_domains": domains})


def _signup_request(request: HttpRequest, domains: list[str]) -> HttpResponse:
    """« domains » mode, first step: e-mail the confirmation link, answer « check your mailbox »
    whether or not the address already has an account."""
    form = SignUpRequestForm(request.POST or None, allowed_domains=domains)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        # Past the limits the answer is the same and nothing leaves (no mail-bombing).
        if signup_mail_allowed(email=email, ip=client_ip(request)):
            services.signup_confirmation_send(email=email)
        context = {"email": email, "link_days": services.SIGNUP_LINK_MAX_AGE.days}
        return render(request, "accounts/signup_check_email.html", context)
    context = {"form": form, "signup_domains": domains, "confirm_by_email": True}
    return render(request, "accounts/signup.html", context)


def _signup_confirm(request: HttpRequest, token: str, domains: list[str] | None) -> HttpResponse:
    """« domains » mode, second step: the link proves the address; its reader chooses the
    password, then the account is created and logged in."""
    try:
        email = services.signup_link_email(token)
    except services.SignupLinkError as exc:
        context = {"expired": exc.expired, "link_days": services.SIGNUP_LINK_MAX_AGE.days}
        return render(request, "accounts/signup_link_invalid.html", context, status=400)
    if User.objects.filter(email=email).exists():
        return render(request, "accounts/signup_link_used.html", status=409)
    form = ConfirmedSignUpForm(request.POST or None, email=email, allowed_domains=domains)
    if request.method == "POST" and form.is_valid():
        user = services.user_sign_up_confirmed(
            email=email,
            password=form.cleaned_data["password"],
            full_name=form.cleaned_data["full_name"],
            language=request.LANGUAGE_CODE,
        )
        if user is None:  # the same link was used a moment ago
            return render(request, "accounts/signup_link_used.html", status=409)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("accounts:organisation_create")
    return render(request, "accounts/signup.html", {"form": form, "confirming": True})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The « create an account » link only where someone could use it.
        context["signup_open"] = selectors.signup_mode() != "invitation"
        return context


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: forms.Form) -> HttpResponse:
        allowed = password_reset_allowed(
            email=form.cleaned_data["email"], ip=client_ip(self.request)
        )
        if not allowed:
            # The same answer as when a link was sent: a throttled request tells nothing
            # about the address, and sends nothing to it.
            return HttpResponseRedirect(self.get_success_url())
        # The link is built on the configured address: the Host header is the sender's to
        # choose, and a forged one would send the reset token to the sender's server.
        self.extra_email_context = {"base_url": public_base_url()}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        services.user_password_reset_completed(user=form.user, ip_address=client_ip(self.request))
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join through an invitation: as the logged-in user if they are the invited address, or
    with a new account that gets the invited address. Works whatever the sign-up mode."""
    invitation = services.invitation_find(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    user: Any = request.user
    if user.is_authenticated and not services.invitation_is_for(invitation, user):
        return render(
            request, "accounts/invitation_wrong_user.html", {"invitation": invitation}, status=403
        )
    form = InvitationSignUpForm(request.POST or None, invitation=invitation)
    if request.method == "POST":
        if not user.is_authenticated:
            if not form.is_valid():
                return render(
                    request, "accounts/invitation.html", {"invitation": invitation, "form": form}
                )
            user = _sign_up_and_log_in(request, form)
        try:
            services.invitation_accept(invitation=invitation, user=user)
        except ValidationError:  # used or cancelled since the page was shown
            return render(request, "accounts/invitation_invalid.html", status=404)
        messages.success(
            request, _("Welcome to %(name)s.") % {"name": invitation.organisation.name}
        )
        return redirect("web:dashboard", org=invitation.organisation.slug)
    return render(request, "accounts/invitation.html", {"invitation": invitation, "form": form})


@require_POST
def language_set(request: HttpRequest) -> HttpResponseBase:
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
