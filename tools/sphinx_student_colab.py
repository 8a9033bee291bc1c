"""A Sphinx extension: "Open the student version in Colab" beside each chapter's Colab button.

Every chapter has a student version in ``student/NN_name.ipynb`` (written by
``python -m tools.assign --student-dir student``, which ``make sync`` runs).
This extension adds, to the launch menu of each page that has one, a link
right after the theme's Colab button that opens the student version in
Colab from the repository on GitHub. It is built as the theme builds the
Colab link of the page itself, from the same settings of ``_config.yml``:
``repository.url``, ``repository.branch`` (and ``path_to_book``) and
``launch_buttons.colab_url``; :func:`student_colab_url` is the one place
that spells it.

``_config.yml`` loads it as ``sphinx.local_extensions``; a page whose
student version does not exist (the introduction, the guide) gets no link.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The folder of the student versions, relative to the book's root.
STUDENT_FOLDER = "student"
#: What the link says, and its tooltip.
TEXT = "Colab, student version"
TOOLTIP = "Open the student version in Colab (no solutions)"


def student_colab_url(
    colab_url: str, org: str, repo: str, branch: str, stem: str, book_path: str = ""
) -> str:
    """The Colab address of ``student/<stem>.ipynb`` on GitHub's ``org/repo`` at ``branch``."""
    prefix = book_path.strip("/")
    path = f"{prefix}/{STUDENT_FOLDER}" if prefix else STUDENT_FOLDER
    return f"{colab_url.rstrip('/')}/github/{org}/{repo}/blob/{branch}/{path}/{stem}.ipynb"


def add_student_button(app: Any, pagename: str, templatename: str, context: dict,
                       doctree: Any) -> None:
    """Put the student version's link after the Colab button of the page's launch menu."""
    stem = pagename.rsplit("/", 1)[-1]
    if not (Path(app.srcdir) / STUDENT_FOLDER / f"{stem}.ipynb").is_file():
        return
    options = app.config["html_theme_options"]
    colab_url = options.get("launch_buttons", {}).get("colab_url", "")
    org, repo = context.get("github_user"), context.get("github_repo")
    if not colab_url or not org or not repo:
        return
    url = student_colab_url(colab_url, org, repo, options.get("repository_branch") or "master",
                            stem, options.get("path_to_docs", ""))
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        buttons = group["buttons"]
        colab = next((i for i, b in enumerate(buttons) if b.get("text") == "Colab"), None)
        if colab is None:
            continue
        buttons.insert(colab + 1, {
            "type": "link", "text": TEXT, "tooltip": TOOLTIP,
            "icon": buttons[colab].get("icon"), "url": url,
            "label": "colab-student-button",
        })


def setup(app: Any) -> dict:
    # After the theme's launch buttons (priority 501), before the page renders.
    app.connect("html-page-context", add_student_button, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
