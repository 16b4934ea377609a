"""The media library: upload (checked and measured at once), alternative text, removal,
the file itself for members, and the signed public address networks download from."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.roles import Role
from parvis.core.public_url import public_base_url
from parvis.core.scoping import get_scoped_or_404
from parvis.publishing.media_urls import media_grant_from_token, unreachable_from_outside
from parvis.publishing.mediafiles import MediaRejected
from parvis.publishing.models import MediaAsset, MediaRendition
from parvis.publishing.services.media import (
    MediaInUse,
    media_alt_text_set,
    media_delete,
    media_upload,
)
from parvis.publishing.ui.common import actor_of
from parvis.publishing.ui.forms import AltTextForm, MediaUploadForm


@require_http_methods(["GET", "POST"])
@org_view(Role.VIEWER)
def library(request: OrgRequest) -> HttpResponse:
    can_upload = request.membership.can(Role.CONTRIBUTOR)
    form = MediaUploadForm()
    status = 200
    if request.method == "POST":
        if not can_upload:
            return HttpResponse(status=403)
        form = MediaUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                uploaded = media_upload(
                    actor=actor_of(request),
                    upload=form.cleaned_data["file"],
                    alt_text=form.cleaned_data["alt_text"],
                )
            except MediaRejected as error:
                form.add_error("file", str(error))
                status = 400
            else:
                messages.success(request, uploaded.note or _("File added."))
                return redirect("posts:media", org=request.organisation.slug)
        else:
            status = 400
    assets = MediaAsset.objects.for_organisation(request.organisation).order_by("-created_at")
    return render(
        request,
        "publishing/ui/media.html",
        {
            "form": form,
            "assets": assets,
            "can_upload": can_upload,
            "public_base_url": public_base_url(),
            "unreachable": unreachable_from_outside(public_base_url()),
        },
        status=status,
    )


@require_POST
@org_view(Role.CONTRIBUTOR)
def alt_text(request: OrgRequest, media_id: int) -> HttpResponse:
    asset = get_scoped_or_404(MediaAsset, request.organisation, pk=media_id)
    form = AltTextForm(request.POST)
    if form.is_valid():
        media_alt_text_set(
            actor=actor_of(request), asset=asset, alt_text=form.cleaned_data["alt_text"]
        )
        messages.success(request, _("Alternative text saved."))
    return redirect("posts:media", org=request.organisation.slug)


@require_POST
@org_view(Role.CONTRIBUTOR)
def delete(request: OrgRequest, media_id: int) -> HttpResponse:
    asset = get_scoped_or_404(MediaAsset, request.organisation, pk=media_id)
    try:
        media_delete(actor=actor_of(request), asset=asset)
    except (MediaInUse, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("File removed."))
    return redirect("posts:media", org=request.organisation.slug)


def _serve(served: MediaAsset | MediaRendition, *, cache_control: str) -> HttpResponseBase:
    """The file's bytes, shown in the browser under its original name, never sniffed as
    another type nor kept by a shared cache.

    With ``settings.MEDIA_ACCEL_REDIRECT`` (an nginx ``internal;`` location aliasing the
    media folder), the proxy sends the bytes: the answer only names the file to send.
    """
    asset = served if isinstance(served, MediaAsset) else served.asset
    name = asset.display_name
    if isinstance(served, MediaRendition):
        stem = name.rsplit(".", 1)[0] if "." in name else name
        name = f"{stem}.{served.file.name.rsplit('.', 1)[-1]}"
    accel = settings.MEDIA_ACCEL_REDIRECT
    response: HttpResponseBase
    if accel:
        response = HttpResponse(content_type=served.mime)
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{quote(served.file.name)}"
        response["Content-Disposition"] = content_disposition_header(False, name) or "inline"
    else:
        try:
            handle = served.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404("file missing") from None
        response = FileResponse(handle, content_type=served.mime, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    return response


@require_GET
@org_view(Role.VIEWER)
def media_file(request: OrgRequest, media_id: int) -> HttpResponse:
    """A member's view of one of the organisation's files (404 to anyone else)."""
    asset = get_scoped_or_404(MediaAsset, request.organisation, pk=media_id)
    # "private": the browser may keep it, a shared proxy must not.
    return _serve(  # type: ignore[return-value] # a streaming response is fine for Django
        asset, cache_control="private, max-age=3600"
    )


@require_GET
def media_public(request: HttpRequest, token: str) -> HttpResponseBase:
    """For Instagram and Facebook, which download media by URL: the signature is the key. It
    names the original, or the copy made for the network that downloads it."""
    grant = media_grant_from_token(token, now=timezone.now())
    if grant is None:
        raise Http404("expired or invalid link")
    media_id, rendition_id = grant
    served: MediaAsset | MediaRendition | None
    if rendition_id is None:
        served = MediaAsset.objects.filter(pk=media_id).first()
    else:
        served = MediaRendition.objects.filter(pk=rendition_id, asset_id=media_id).first()
    if served is None:
        raise Http404("no such media")
    return _serve(served, cache_control="private, no-store")
