"""Demo step: a logo for every demo vendor that has none (safe to repeat)."""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from marketplace.demo import VENDORS, _font
from vendors.models import VendorProfile


def _logo(*, initials: str, colour: str) -> bytes:
    """A round badge with the vendor's initials in its own colour."""
    image = Image.new("RGB", (400, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 380, 380), fill=colour)
    font = _font(150)
    width = draw.textlength(initials, font=font)
    draw.text(((400 - width) / 2, 110), initials, fill="white", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def seed_vendor_logos() -> None:
    for demo in VENDORS:
        vendor = VendorProfile.objects.filter(partner__code=demo.code).first()
        if vendor is None or vendor.logo:
            continue
        initials = "".join(word[0] for word in demo.name.split()[:2]).upper()
        logo = _logo(initials=initials, colour=demo.colour)
        vendor.logo.save(f"{demo.code}.png", ContentFile(logo), save=True)
