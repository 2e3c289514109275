"""Another program's BibTeX or CSL-JSON of papers the library holds is not taken for an older (unmarked) export
of GapScope's: its records count as identified in the PRISMA flow."""

from __future__ import annotations

import json

from gapscope.ingest import import_file
from gapscope.models import OWN_EXPORT_SOURCE
from gapscope.store import Library

HELD = """@article{held1,
  title = {Record after the broken one},
  author = {Good, Guy},
  year = {2021},
}
@misc{held2,
  title = {Good one},
  year = {2020},
}
"""

# Google Scholar's "Import into BibTeX": its key is made as GapScope's is, its fields come in another order
SCHOLAR = """@article{good2021record,
  title={Record after the broken one},
  author={Good, Guy},
  journal={arXiv preprint arXiv:2101.09999},
  year={2021}
}
"""

# a minimal CSL-JSON item of another program: its id is no key GapScope makes
CSL = [{"id": "a", "type": "article", "title": "Good one", "issued": {"date-parts": [[2020]]}}]


def _read_back(tmp_path, name: str, text: str):
    lib = Library(tmp_path / "lib.gapscope")
    (tmp_path / "held.bib").write_text(HELD, encoding="utf-8")
    import_file(lib, tmp_path / "held.bib")
    (tmp_path / name).write_text(text, encoding="utf-8")
    rep = import_file(lib, tmp_path / name)
    sources = {r["source"] for pid in lib.list_paper_ids() for r in lib.source_records(pid)}
    lib.close()
    return rep, sources


def test_a_google_scholar_bibtex_entry_is_counted_as_an_identified_record(tmp_path):
    rep, sources = _read_back(tmp_path, "scholar.bib", SCHOLAR)
    assert rep.merged == 1
    assert not any("no GapScope mark" in w.message for w in rep.warnings)
    assert OWN_EXPORT_SOURCE not in sources


def test_a_minimal_csl_json_of_another_program_is_counted_as_an_identified_record(tmp_path):
    rep, sources = _read_back(tmp_path, "other.json", json.dumps(CSL))
    assert rep.merged == 1
    assert not any("no GapScope mark" in w.message for w in rep.warnings)
    assert OWN_EXPORT_SOURCE not in sources


def test_an_older_export_of_papers_without_year_or_authors_is_still_recognised(tmp_path):
    """GapScope's keys of such papers ("anonpaper", "smithdeep") are its own keys too."""
    from gapscope.exports import export_text

    lib = Library(tmp_path / "lib.gapscope")
    (tmp_path / "held.bib").write_text("@misc{x, title = {A paper with no year}}\n"
                                       "@misc{y, title = {Deep nets}, author = {Smith, John}}\n", encoding="utf-8")
    import_file(lib, tmp_path / "held.bib")
    text = export_text(lib, "csljson", lib.list_paper_ids())
    items = json.loads(text)
    assert [i["id"] for i in items] == ["anonpaper", "smithdeep"]
    for i in items:
        del i["source"]                     # an export made before exports were marked
    (tmp_path / "older.json").write_text(json.dumps(items), encoding="utf-8")
    rep = import_file(lib, tmp_path / "older.json")
    lib.close()
    assert any("no GapScope mark" in w.message for w in rep.warnings)
