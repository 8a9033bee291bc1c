"""Rasterise the site's icon, ``_static/favicon.svg``, into ``_static/favicon.ico``.

Pages name the SVG (``html.favicon`` in ``_config.yml``). The ICO is for
requests that name no icon, above all the root ``index.html`` that Jupyter
Book writes to redirect to the first page: browsers then ask for
``/favicon.ico`` (``html_extra_path`` puts it there), and a 404 would be
logged. Chromium draws the SVG at each size, so the SVG stays the only
drawing of the icon.

Usage: ``python tools/favicon.py`` (needs ``/usr/bin/chromium``).
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parents[1] / "_static"
SVG = STATIC / "favicon.svg"
ICO = STATIC / "favicon.ico"
CHROMIUM = "/usr/bin/chromium"
SIZES = (16, 32, 48)


def rendered_pngs(svg: str, sizes: tuple[int, ...]) -> list[bytes]:
    """The SVG drawn by Chromium on a transparent square of each size, as PNG files."""
    source = "data:image/svg+xml;utf8," + svg.replace("\n", " ").replace("#", "%23")
    pngs = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        for size in sizes:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(f"<body style='margin:0'><img src='{source}' "
                             f"width='{size}' height='{size}'></body>")
            pngs.append(page.screenshot(omit_background=True))
            page.close()
        browser.close()
    return pngs


def main() -> int:
    images = [Image.open(io.BytesIO(png)).convert("RGBA")
              for png in rendered_pngs(SVG.read_text(encoding="utf-8"), SIZES)]
    # Pillow writes the first image and the others it is given, one per size.
    images[-1].save(ICO, format="ICO", sizes=[(s, s) for s in SIZES], append_images=images[:-1])
    print(f"wrote {ICO}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
