"""
Render the site's SVG sources to the PNG and ICO files served beside them.

    .venv/bin/python manage.py render_images

A tool for developers: run it after editing any of the SVGs listed in RENDERS, and commit the
results. It drives Debian's Chromium through Playwright (both test tools, installed by `make venv`),
so its text looks as the browser draws it, and builds favicon.ico with Pillow. Nothing here runs
on the server.
"""

import base64
import io
import os
import shutil
from pathlib import Path

from django.core.management.base import BaseCommand
from PIL import Image

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]

# (source SVG, PNG written, width in pixels)
RENDERS = [
    ("static/img/icon.svg", "static/img/apple-touch-icon.png", 180),
    ("static/img/icon.svg", "static/img/icon-192.png", 192),
    ("static/img/icon.svg", "static/img/icon-512.png", 512),
    ("conditions/content/figures/mvd-schematic.svg", "conditions/content/figures/mvd-schematic.png", 1200),
]
# The classic favicon.ico (also what /favicon.ico redirects to, for browsers that ask for it blindly).
FAVICON = ("static/img/favicon.svg", "static/img/favicon.ico", [16, 32, 48])


def render(page, svg: Path, width: int) -> bytes:
    """The SVG drawn `width` pixels wide (height from its viewBox), on white where transparent."""
    page.set_content(
        '<!doctype html><html><body style="margin:0;background:#fff">'
        f'<img id="art" src="data:image/svg+xml;base64,{base64.b64encode(svg.read_bytes()).decode()}" width="{width}">'
        "</body></html>"
    )
    page.wait_for_function("document.getElementById('art').complete")
    box = page.locator("#art").bounding_box()
    page.set_viewport_size({"width": width, "height": round(box["height"])})
    return page.locator("#art").screenshot(type="png")


def optimise(png: bytes) -> bytes:
    """The same picture as a 256-colour PNG: flat drawings lose nothing and shrink several times."""
    with Image.open(io.BytesIO(png)) as image:
        quantised = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    out = io.BytesIO()
    quantised.save(out, format="PNG", optimize=True)
    return out.getvalue()


class Command(BaseCommand):
    help = "Render the PNG and ICO files from their SVG sources (a developer tool; needs make venv)."

    def handle(self, *args, **options) -> None:
        from playwright.sync_api import sync_playwright  # a test tool: only developers run this

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(device_scale_factor=1)
            for source, target, width in RENDERS:
                data = optimise(render(page, ROOT / source, width))
                (ROOT / target).write_bytes(data)
                self.stdout.write(f"{target}: {width}px wide, {len(data) // 1024} KB")
            source, target, sizes = FAVICON
            big = render(page, ROOT / source, max(sizes) * 4)
            browser.close()
        with Image.open(io.BytesIO(big)) as image:
            (ROOT / target).parent.mkdir(exist_ok=True)
            image.convert("RGBA").save(ROOT / target, format="ICO", sizes=[(s, s) for s in sizes])
        self.stdout.write(f"{target}: {', '.join(map(str, sizes))} px")
