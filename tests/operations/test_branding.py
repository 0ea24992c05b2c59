"""The provider's branding: a staff admin sets the colours and the logo on a page; bad input is
refused with the reason on the field and changes nothing; the logo is public under its digest
only; documents read it without a query once cached."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.branding import current_brand
from accounts.models import Branding


def _image(fmt: str = "PNG", size: tuple[int, int] = (1200, 400)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#204060").save(out, format=fmt)
    return out.getvalue()


def _post(client, **fields):
    data = {"primary_colour": "#5a2d82", "accent_colour": "#c0392b", **fields}
    return client.post(reverse("operations:branding"), data)


def test_the_staff_admin_sets_colours_and_a_logo(client, staff_admin):
    client.force_login(staff_admin)
    response = _post(client, logo=SimpleUploadedFile("logo.jpg", _image("JPEG"), "image/jpeg"))
    assert response.status_code == 302
    row = Branding.objects.get()
    assert (row.primary_colour, row.accent_colour) == ("#5a2d82", "#c0392b")
    with Image.open(io.BytesIO(bytes(row.logo))) as logo:
        # Made a PNG and brought within 600 by 160, its proportions kept.
        assert (logo.format, logo.size) == ("PNG", (480, 160))
    brand = current_brand()
    assert brand.logo_digest == row.logo_digest
    assert len(brand.logo_digest) == 16
    page = client.get(reverse("operations:branding")).content.decode()
    assert f"/branding/logo/{row.logo_digest}.png" in page

    # Public, cached for good, under its digest only.
    client.logout()
    logo = client.get(reverse("accounts:branding_logo", args=[row.logo_digest]))
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert "immutable" in logo["Cache-Control"]
    assert bytes(logo.content) == bytes(row.logo)
    stale = client.get(reverse("accounts:branding_logo", args=["0" * 16]))
    assert stale.status_code == 404

    # Removing it.
    client.force_login(staff_admin)
    assert _post(client, remove_logo="on").status_code == 302
    assert not current_brand().has_logo
    assert client.get(reverse("accounts:branding_logo", args=[row.logo_digest])).status_code == 404


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"primary_colour": "navy"}, "primary_colour", "is not a colour"),
        ({"accent_colour": "#12345"}, "accent_colour", "is not a colour"),
        ({"primary_colour": "#f2c744"}, "primary_colour", "White text is hard to read on #f2c744"),
        (
            {"logo": SimpleUploadedFile("logo.png", b"not an image", "image/png")},
            "logo",
            "not an image that can be read",
        ),
        (
            {"logo": SimpleUploadedFile("logo.bmp", _image("BMP", (10, 10)), "image/bmp")},
            "logo",
            "must be a PNG, JPEG, WebP or GIF",
        ),
    ],
)
def test_bad_input_is_refused_on_its_field_and_changes_nothing(
    client, staff_admin, fields, field, message
):
    client.force_login(staff_admin)
    response = _post(client, **fields)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Branding.objects.exists()


def test_an_upload_over_a_megabyte_is_refused(client, staff_admin):
    client.force_login(staff_admin)
    big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (1024 * 1024 + 1), "image/png")
    response = _post(client, logo=big)
    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()
    assert not Branding.objects.exists()


@pytest.mark.parametrize("role", ["pm", "am", "teammate", "outsider"])
def test_other_staff_cannot_change_the_branding(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert _post(client).status_code == 403
    assert not Branding.objects.exists()


def test_documents_read_the_branding_from_the_cache(staff_admin, django_assert_num_queries):
    current_brand()
    with django_assert_num_queries(0):
        brand = current_brand()
    assert brand.primary == Branding.DEFAULT_PRIMARY
    assert brand.name == staff_admin.organization.name
