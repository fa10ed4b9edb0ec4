"""Build README.rst from the fragments in readme/ (OCA section order).

    python scripts/build_readme.py          # write README.rst
    python scripts/build_readme.py --check  # exit 1 when README.rst is not up to date

The fragments are Markdown of a simple kind (headings, paragraphs, bullet and numbered
lists, fenced code, inline code, links, images, bold); this converts them to
reStructuredText without any dependency.
"""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = [
    ("DESCRIPTION.md", None),
    ("INSTALL.md", "Installation"),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("ROADMAP.md", "Known issues / Roadmap"),
    ("HISTORY.md", "Changelog"),
]
UNDERLINES = {1: "=", 2: "~", 3: "^", 4: '"'}


def inline(text):
    text = re.sub(r"`([^`]+)`", r"``\1``", text)
    text = re.sub(r"!\[([^\]]*)\]\(([^)]+)\)", r"\2", text)
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"`\1 <\2>`_", text)
    return text


def md_to_rst(markdown, level_offset=0):
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
            out += [f".. image:: {image.group(2)}", f"   :alt: {image.group(1)}", ""]
            i += 1
            continue
        out.append(inline(line.rstrip()))
        i += 1
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def build():
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
        parts.append(md_to_rst(description.read_text(), level_offset=-1))
    parts += ["**Table of contents**", "", ".. contents::", "   :local:", ""]
    for filename, title in SECTIONS[1:]:
        path = readme / filename
        if not path.exists():
            continue
        parts += [title, "=" * len(title), ""]
        parts.append(md_to_rst(path.read_text()))
    parts += ["Credits", "=======", "", "Authors", "~~~~~~~", ""]
    parts += [f"* {manifest['author']}", ""]
    contributors = readme / "CONTRIBUTORS.md"
    if contributors.exists():
        parts += ["Contributors", "~~~~~~~~~~~~", ""]
        parts.append(md_to_rst(contributors.read_text()))
    return "\n".join(parts).rstrip("\n") + "\n"


def main():
    text = build()
    target = ROOT / "README.rst"
    if "--check" in sys.argv:
        if not target.exists() or target.read_text() != text:
            print("README.rst is not up to date: run `python scripts/build_readme.py`")
            return 1
        return 0
    target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
