"""Every link of README.md and docs/*.md leads somewhere that exists in the repository (a
file, or a heading of a file), and none leads outside it: the README stands alone."""

from __future__ import annotations

import re
from pathlib import Path

from tests.doc_examples import ROOT, documents

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE = re.compile(r"`[^`\n]*`")


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(m) for m in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", text, re.MULTILINE)}


def links(path: Path) -> list[str]:
    text = CODE.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))
    return LINK.findall(text)


def test_every_link_resolves() -> None:
    broken: list[str] = []
    for doc in documents():
        for target in links(doc):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                continue
            file_part, _, anchor = target.partition("#")
            resolved = (doc.parent / file_part).resolve() if file_part else doc
            name = f"{doc.relative_to(ROOT)}: {target}"
            if not resolved.is_relative_to(ROOT):
                broken.append(f"{name} leads outside the repository")
            elif not resolved.exists():
                broken.append(f"{name} does not exist")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{name}: no heading '#{anchor}'")
    assert not broken, "\n".join(broken)


def test_nothing_refers_to_the_shared_folder() -> None:
    """../shared/ is the project's working notes, not part of what users get."""
    mentions = [
        f"{doc.relative_to(ROOT)}:{number}"
        for doc in documents()
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"(^|[\s(`'\"/])(\.\./)*shared/", line)
    ]
    assert not mentions, mentions


def test_the_readme_links_the_guides() -> None:
    """Every guide in docs/ is reachable from the README, directly or through another guide."""
    reached: set[Path] = set()
    todo = [ROOT / "README.md"]
    while todo:
        doc = todo.pop()
        for target in links(doc):
            file_part = target.partition("#")[0]
            if file_part.endswith(".md") and "://" not in file_part:
                found = (doc.parent / file_part).resolve()
                if found.exists() and found not in reached:
                    reached.add(found)
                    todo.append(found)
    guides = set((ROOT / "docs").glob("*.md"))
    assert guides <= reached, sorted(p.name for p in guides - reached)
