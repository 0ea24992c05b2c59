"""The provider's look in what clients receive: the logo and colours a staff admin sets
(`branding_update`) and what documents read (`current_brand`, cached: a report, an e-mail or a
PDF costs no query for it).

The logo is kept as a PNG made from the upload, so that no metadata, script or odd format
reaches a document; it is served publicly under a URL named by its digest (mail clients load it
from there), and PDFs embed it as a `data:` URL.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Branding, Organization, User, validate_colour
from accounts.permissions import is_staff_admin
from common.errors import InvalidInput, NotAllowed

LOGO_MAX_UPLOAD_BYTES = 1024 * 1024
LOGO_MAX_SIZE = (600, 160)
LOGO_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
BRAND_CACHE_SECONDS = 600
_CACHE_KEY = "accounts:brand:v1"


@dataclass(frozen=True)
class Brand:
    """What a document needs of the provider's branding."""

    name: str
    primary: str
    accent: str
    logo_digest: str
    logo_png: bytes
    logo_width: int
    logo_height: int

    @property
    def has_logo(self) -> bool:
        return bool(self.logo_png)

    @property
    def logo_path(self) -> str:
        """The logo's public URL path ("" without a logo)."""
        if not self.has_logo:
            return ""
        from django.urls import reverse

        return reverse("accounts:branding_logo", args=[self.logo_digest])

    @property
    def logo_data_url(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.logo_png).decode("ascii")


def contrast_with_white(colour: str) -> float:
    """WCAG's contrast ratio of white text on `colour`."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    return 1.05 / (luminance + 0.05)


def _provider() -> Organization | None:
    return Organization.objects.filter(kind=Organization.Kind.PROVIDER).first()


def current_brand() -> Brand:
    """The provider's branding, or the defaults; read from the cache after the first time."""
    cached = cache.get(_CACHE_KEY)
    if isinstance(cached, Brand):
        return cached
    row = Branding.objects.select_related("organization").first()
    provider = row.organization if row else _provider()
    brand = _brand_of(row, provider.name if provider else "")
    cache.set(_CACHE_KEY, brand, BRAND_CACHE_SECONDS)
    return brand


def _brand_of(row: Branding | None, name: str) -> Brand:
    if row is None:
        return Brand(name, Branding.DEFAULT_PRIMARY, Branding.DEFAULT_ACCENT, "", b"", 0, 0)
    logo = bytes(row.logo)
    width = height = 0
    if logo:
        from PIL import Image

        with Image.open(io.BytesIO(logo)) as image:
            width, height = image.size
    return Brand(name, row.primary_colour, row.accent_colour, row.logo_digest, logo, width, height)


def _clean_colour(value: str, field: str) -> str:
    value = (value or "").strip().lower()
    try:
        validate_colour(value)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field=field) from error
    return value


def _logo_png(upload: io.IOBase | bytes) -> bytes:
    from PIL import Image, UnidentifiedImageError

    data = upload if isinstance(upload, bytes) else upload.read(LOGO_MAX_UPLOAD_BYTES + 1)
    if len(data) > LOGO_MAX_UPLOAD_BYTES:
        raise InvalidInput(_("The logo is larger than 1 MB."), field="logo")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in LOGO_FORMATS:
                raise InvalidInput(
                    _("The logo must be a PNG, JPEG, WebP or GIF image."), field="logo"
                )
            image.load()
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise InvalidInput(_("The logo is not an image that can be read."), field="logo") from error
    picture.thumbnail(LOGO_MAX_SIZE)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def branding_update(
    *,
    actor: User,
    primary_colour: str,
    accent_colour: str,
    logo: io.IOBase | bytes | None = None,
    remove_logo: bool = False,
) -> Branding:
    """Set the provider's colours and, if given, its logo (or remove it). Staff admins only.
    White text must stay readable on the primary colour (WCAG AA: a contrast of 4.5)."""
    if not is_staff_admin(actor):
        raise NotAllowed()
    primary = _clean_colour(primary_colour, "primary_colour")
    accent = _clean_colour(accent_colour, "accent_colour")
    if contrast_with_white(primary) < 4.5:
        raise InvalidInput(
            _(
                "White text is hard to read on %(colour)s (contrast %(ratio).1f, at least 4.5 is "
                "needed): choose a darker colour."
            )
            % {"colour": primary, "ratio": contrast_with_white(primary)},
            field="primary_colour",
        )
    png = _logo_png(logo) if logo is not None else None
    provider = _provider()
    if provider is None:
        raise InvalidInput(_("There is no provider organisation to brand."))
    with transaction.atomic():
        row, _created = Branding.objects.select_for_update().get_or_create(organization=provider)
        row.primary_colour = primary
        row.accent_colour = accent
        if png is not None:
            row.logo = png
            row.logo_digest = hashlib.sha256(png).hexdigest()[:16]
        elif remove_logo:
            row.logo = b""
            row.logo_digest = ""
        row.save()
        # Now, for this transaction's own reads, and after the commit, for a reader that cached
        # the old branding in between.
        cache.delete(_CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(_CACHE_KEY))
    return row
