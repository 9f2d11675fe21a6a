"""MkDocs hooks of the documentation site (mkdocs.yml): the checkout's pages outside docs/ join the site.

* ``index.md`` is the README, its links mapped into the site (``docs/X.md`` -> ``X.md``);
* ``derivations/*.md`` (generated from the sympy layer) become pages, with an index;
* ``validation/figures/*.png`` and ``*.pdf`` are copied to ``figures/`` (the gallery shows them);
* links from docs/ to those folders (``../derivations/``, ``../validation/figures/``) are mapped the same way,
  and a link to any other file of the checkout (a module, a test, a script) becomes its path in code
  style: the site holds pages, not the source tree.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")


def _map_link(target: str, from_root: bool) -> str | None:
    """Site path for a link written in a repository file (None: not a page or figure of the site)."""
    if re.match(r"^[a-z]+://|^#|^mailto:", target):
        return target
    path, _, anchor = target.partition("#")
    up = "" if from_root else "../"
    if not path.startswith(up) and not from_root:
        return target  # a link inside docs/
    rel = path[len(up):]
    anchor = f"#{anchor}" if anchor else ""
    if rel.startswith("docs/"):
        return rel[len("docs/"):] + anchor
    if rel in ("README.md", ""):
        return "index.md" + anchor
    if rel.startswith("derivations/"):
        return (rel if rel.endswith(".md") else "derivations/index.md") + anchor
    if rel.startswith("validation/figures/"):
        return "figures/" + rel[len("validation/figures/"):]
    return None


def _rewrite(markdown: str, from_root: bool, depth: int = 0) -> str:
    prefix = "../" * depth

    def sub(m):
        text, target = m.group(1), m.group(2)
        mapped = _map_link(target, from_root)
        if mapped is None:
            return text if text.startswith("`") else f"{text} (`{target.lstrip('./')}`)"
        if mapped == target or re.match(r"^[a-z]+://|^#", mapped):
            return m.group(0)
        return f"[{text}]({prefix}{mapped})"

    return _LINK.sub(sub, markdown)


def on_files(files, config):
    readme = _rewrite((ROOT / "README.md").read_text(), from_root=True)
    files.append(File.generated(config, "index.md", content=readme))
    pages = sorted((ROOT / "derivations").glob("*.md"))
    listing = "# Derivations\n\nGenerated from the sympy layer (`python -m ptft_theory.codegen --update`).\n\n" + \
        "\n".join(f"* [{p.stem.replace('_', ' ')}]({p.name})" for p in pages) + "\n"
    files.append(File.generated(config, "derivations/index.md", content=listing))
    for p in pages:
        files.append(File.generated(config, f"derivations/{p.name}",
                                    content=_rewrite(p.read_text(), from_root=True, depth=1)))
    for p in sorted((ROOT / "validation" / "figures").glob("*")):
        if p.suffix in (".png", ".pdf"):
            files.append(File.generated(config, f"figures/{p.name}", abs_src_path=str(p)))
    return files


def on_page_markdown(markdown, page, config, files):
    src = page.file.src_uri
    if src == "index.md" or src.startswith("derivations/"):
        return markdown  # already mapped in on_files
    if src.count("/") == 0:
        return _rewrite(markdown, from_root=False)
    return markdown
