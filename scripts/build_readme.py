"""Build README.rst and the Apps page static/description/index.html from the fragments
in readme/ (OCA section order).

    python scripts/build_readme.py          # write README.rst and index.html
    python scripts/build_readme.py --check  # exit 1 when either is not up to date

The fragments are Markdown of a simple kind (headings, paragraphs, bullet and numbered
lists, fenced code, inline code, links, images, bold); this converts them to
reStructuredText without any dependency. The Apps page is the same text rendered to HTML
by docutils (one of Odoo's own requirements), with the images referenced from
static/description, where Odoo's Apps screen and the Odoo Apps store look for them.
"""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTION_DIR = "static/description/"
SECTIONS = [
    ("DESCRIPTION.md", None),
    ("INSTALL.md", "Installation"),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("ROADMAP.md", "Known issues / Roadmap"),
    ("HISTORY.md", "Changelog"),
    ("CONTRIBUTING.md", "Contributing"),
]
UNDERLINES = {1: "=", 2: "~", 3: "^", 4: '"'}


def inline(text):
    text = re.sub(r"`([^`]+)`", r"``\1``", text)
    text = re.sub(r"!\[([^\]]*)\]\(([^)]+)\)", r"\2", text)
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"`\1 <\2>`_", text)
    return text


def md_to_rst(markdown, level_offset=0, image_dir=""):
    """``image_dir``: the folder the images are referenced from (stripped from their
    paths), for a document that lives there."""
    out = []
    lines = markdown.strip("\n").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            out += ["::", ""]
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                out.append(("    " + lines[i]).rstrip())
                i += 1
            out.append("")
            i += 1
            continue
        heading = re.match(r"^(#+)\s+(.*)$", line)
        if heading:
            depth = len(heading.group(1)) + level_offset
            title = inline(heading.group(2).strip())
            out += [title, UNDERLINES[min(depth, 4)] * len(title), ""]
            i += 1
            continue
        image = re.match(r"^!\[([^\]]*)\]\(([^)]+)\)\s*$", line)
        if image:
            src = image.group(2)
            if image_dir and src.startswith(image_dir):
                src = src[len(image_dir) :]
            out += [f".. image:: {src}", f"   :alt: {image.group(1)}", ""]
            i += 1
            continue
        out.append(inline(line.rstrip()))
        i += 1
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def build(image_dir=""):
    """README.rst's text; with ``image_dir``, for a document that lives there."""
    manifest = ast.literal_eval((ROOT / "__manifest__.py").read_text())
    name = manifest["name"]
    parts = [
        "=" * len(name),
        name,
        "=" * len(name),
        "",
        ".. |license| image:: https://img.shields.io/badge/licence-"
        + manifest["license"].replace("-", "--")
        + "-blue.png",
        "   :alt: License: " + manifest["license"],
        "",
        f"|license| Odoo {manifest['version'][:4]} Community · version "
        f"``{manifest['version']}`` · technical name ``account_payment_followup``",
        "",
    ]
    readme = ROOT / "readme"
    description = readme / "DESCRIPTION.md"
    if description.exists():
        parts.append(
            md_to_rst(description.read_text(), level_offset=-1, image_dir=image_dir)
        )
    # the whole document, not :local: (here, inside the description's last section)
    parts += [".. contents:: Table of contents", "   :depth: 2", ""]
    for filename, title in SECTIONS[1:]:
        path = readme / filename
        if not path.exists():
            continue
        parts += [title, "=" * len(title), ""]
        parts.append(md_to_rst(path.read_text(), image_dir=image_dir))
    parts += ["Credits", "=======", "", "Authors", "~~~~~~~", ""]
    parts += [f"* {manifest['author']}", ""]
    contributors = readme / "CONTRIBUTORS.md"
    if contributors.exists():
        parts += ["Contributors", "~~~~~~~~~~~~", ""]
        parts.append(md_to_rst(contributors.read_text()))
    return "\n".join(parts).rstrip("\n") + "\n"


def build_html():
    """The Apps page: README's text as an HTML document, images beside it."""
    from docutils.core import publish_string

    settings = {
        "_disable_config": True,  # no docutils.conf of the machine: same output anywhere
        "embed_stylesheet": True,
        "file_insertion_enabled": False,
        "raw_enabled": False,
        "halt_level": 2,  # a reStructuredText warning is an error
        "report_level": 2,
        "output_encoding": "unicode",
        "xml_declaration": False,  # Odoo 17+ warns about one in index.html
    }
    # the writer OCA's readme generator uses: its table of contents is a <div>, which
    # Odoo's HTML sanitizer keeps on the Apps screen (it drops html5's <nav>)
    html = publish_string(
        source=build(image_dir=DESCRIPTION_DIR),
        writer_name="html4css1",
        settings_overrides=settings,
    )
    return html.rstrip("\n") + "\n"


def main():
    targets = {
        ROOT / "README.rst": build(),
        ROOT / DESCRIPTION_DIR / "index.html": build_html(),
    }
    if "--check" in sys.argv:
        stale = [
            str(path.relative_to(ROOT))
            for path, text in targets.items()
            if not path.exists() or path.read_text() != text
        ]
        if stale:
            print(
                f"{' and '.join(stale)} not up to date: "
                "run `python scripts/build_readme.py`"
            )
            return 1
        return 0
    for path, text in targets.items():
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
