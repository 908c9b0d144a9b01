"""Long text benchmark: build time of a table with a 1 MB comment, against the same table without.

One table (a few columns, one of them with the long comment too) goes through
the real render and MkDocs build (the example's ``mkdocs.yml``, which
schema-catalog completes) in a throw-away project, three ways:

- ``plain``: no long comment;
- ``long``: a comment of ``--size`` characters (default 1 MB) on the table and a
  column, shown collapsed (``site.long_text``, default 4,096 characters);
- ``inline``: with ``--inline SIZE``, a comment of SIZE characters run through
  Markdown's inline parser as before (``site.long_text`` raised above it), to
  show the superlinear cost the collapsed form avoids (keep SIZE small).

The comment is Markdown-hostile prose (``*``, ``_``, ``|``, ``<b>``, ``{: }``,
links, newlines), the kind that made Python-Markdown slow.

    python bench/bench_long_text.py                      # 1 MB
    python bench/bench_long_text.py --inline 131072      # and 128 kB the old way
    python bench/bench_long_text.py --smoke              # 64 kB, one run
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from schema_catalog import render, site
from schema_catalog.config import Config
from schema_catalog.model import Catalog
from schema_catalog.pipeline import analyse

REPO = Path(__file__).resolve().parents[1]
WORDS = ("tenant", "organization_id", "*emphasis*", "_under_", "|", "<b>", "{: x }",
         "[link](x)", "`tick`", "&amp;", "1.", "#", "\n")  # fmt: skip


def hostile_prose(size: int, seed: int = 7) -> str:
    pick = random.Random(seed).choice
    words: list[str] = []
    length = 0
    while length < size:
        word = pick(WORDS)
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:size]


def catalog(comment: str | None) -> Catalog:
    columns: list[dict[str, Any]] = [
        {"name": "id", "type": "uuid", "nullable": False},
        {"name": "body", "type": "text", "comment": comment},
    ]
    columns += [{"name": f"c{i}", "type": "text"} for i in range(20)]
    table = {"schema": "public", "name": "notes", "comment": comment, "columns": columns}
    facts = Catalog.model_validate({"format_version": 2, "tables": [table]})
    return analyse(facts, Config())


def build_seconds(comment: str | None, config: Config, work: Path) -> float:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
    analysed = catalog(comment)
    started = time.perf_counter()
    render.render(analysed, config, work / "docs")
    site.build(config, work / "docs", work / "site", mkdocs_yml=work / "mkdocs.yml")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1 << 20, help="comment size (characters)")
    parser.add_argument("--inline", type=int, default=0, metavar="SIZE")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="64 kB, one run")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    size, runs = (65536, 1) if args.smoke else (args.size, args.runs)
    long = hostile_prose(size)
    figures: dict[str, Any] = {"size": size, "runs": runs}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "project"
        config = Config()
        figures["plain"] = min(build_seconds(None, config, work) for _ in range(runs))
        figures["long"] = min(build_seconds(long, config, work) for _ in range(runs))
        page = (work / "docs" / "tables" / "public" / "notes.md").read_text(encoding="utf-8")
        figures["collapsed"] = page.count('<details class="sc-long">')
        if args.inline:
            inline = Config.model_validate({"site": {"long_text": args.inline + 1}})
            figures["inline_size"] = args.inline
            figures["inline"] = build_seconds(hostile_prose(args.inline), inline, work)
    ratio = figures["long"] / figures["plain"]
    print(f"build, one table, {runs} run(s), best of each:")
    print(f"  without the comment       {figures['plain']:7.2f} s")
    print(
        f"  with a {size:,}-character comment (collapsed) {figures['long']:7.2f} s  ({ratio:.2f}x)"
    )
    if args.inline:
        print(f"  {args.inline:,} characters through the inline parser {figures['inline']:7.2f} s")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
