"""The recorded OpenAlex and Semantic Scholar answers (../shared/data/fixtures) loaded into a replay server
at the paths GapScope's clients ask for, and a library of papers whose DOIs those answers are about.

What is recorded and where it stands in:
- "The Miracle of Microfinance?" (DOI 10.2139/ssrn.2250500): its S2 record (from the recorded batch
  answer), its references (2 recorded pages: 44 with ids, 23 by title only) and, as its citing works,
  the 19 recorded citation pages of CorpusID:14514057 (1,873 with ids, 8 by title only). OpenAlex: the
  recorded 404 page.
- Five DOIs recorded by paper-qa in both services: S2 and OpenAlex lookups (OpenAlex works with their
  referenced_works). Their S2 references and citations were not recorded: those requests get the replay
  server's 404, so references come from OpenAlex (W ids; details asked by openalex_id filter, answered
  from the recorded works, none of which is among them). OpenAlex citing works of the first one: the
  three recorded title-search list answers served as three cursor pages.
- A DOI neither service knows: S2's recorded 404 answer and OpenAlex's recorded 404 page.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import yaml

from gapscope.ingest import ingest_papers
from gapscope.models import Paper

MICRO_DOI = "10.2139/ssrn.2250500"
MICRO_S2 = "cb1ebd913c3724c599f6b276b14b5c6253da68f3"
MICRO_TITLE = "The Miracle of Microfinance? Evidence from a Randomized Evaluation"
MISSING_DOI = "10.1046/j.1365-2699.2003.00795"
# DOI -> (S2 lookup, OpenAlex lookup) decoded by paper-qa's cassettes
PQA = {
    "10.1016/j.xgen.2025.100814": "test_doi_search_paper_attributes0__",
    "10.1023/a:1007154515475": "test_doi_search_paper_attributes1__",
    "10.1007/s40278-023-41815-2": "test_doi_search_paper_attributes2__",
    "10.1016/j.addr.2015.01.008": "test_doi_search_paper_attributes3__",
    "10.1073/pnas.1414271111": "test_doi_search_paper_attributes4__",
}
CITED_BY_PAGES = ("test_title_search_paper_attributes2___03_openalex.json",
                  "test_title_search_paper_attributes0___03_openalex.json",
                  "test_title_search_paper_attributes1___02_openalex.json")
FIRST_PQA = "10.1016/j.xgen.2025.100814"
FIRST_PQA_W = "W4408732759"
JSON = "application/json"


def cassette(path: Path) -> list[tuple[str, int, bytes]]:
    """(uri, status, body) of each interaction of a vcrpy cassette (both of its response layouts)."""
    out = []
    for it in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
        r = it["response"]
        body = r.get("body") or r.get("content")
        body = body["string"] if isinstance(body, dict) else body
        status = r.get("status") or r.get("status_code")
        status = status["code"] if isinstance(status, dict) else status
        out.append((it["request"]["uri"], int(status), body.encode("utf-8") if isinstance(body, str) else body))
    return out


def s2_pages(path: Path) -> dict[str, bytes]:
    """offset -> recorded page (a cassette may hold the same page twice)."""
    return {parse_qs(urlsplit(uri).query)["offset"][0]: body for uri, _, body in cassette(path)}


def page_ids(pages: dict[str, bytes], key: str) -> tuple[list[str], int]:
    """S2 paper ids listed in the pages (in order) and how many entries had no id."""
    ids, blank = [], 0
    for body in pages.values():
        for row in json.loads(body).get("data") or []:
            pid = (row.get(key) or {}).get("paperId")
            if pid:
                ids.append(pid)
            else:
                blank += 1
    return ids, blank


def openalex_path(doi: str) -> str:
    return f"/works/https://doi.org/{quote(doi, safe=':')}"


class Recorded:
    """Paths and expected contents of the recorded answers."""

    def __init__(self, shared_data: Path) -> None:
        self.s2_dir = shared_data / "fixtures" / "semantic-scholar-api"
        self.pqa = shared_data / "fixtures" / "paperqa-api-cassettes" / "decoded"
        self.refs = s2_pages(self.s2_dir / "test_get_paper_references.yaml")
        self.cits = s2_pages(self.s2_dir / "test_get_paper_citations.yaml")
        self.ref_ids, self.ref_blank = page_ids(self.refs, "citedPaper")
        self.cit_ids, self.cit_blank = page_ids(self.cits, "citingPaper")
        batch = json.loads(cassette(self.s2_dir / "test_get_papers_not_found_warning.yaml")[0][2])
        self.micro = next(p for p in batch if p and p["paperId"] == MICRO_S2)
        self.openalex_404 = (self.pqa / "test_does_openalex_work_not-in-openalex___00_openalex.html").read_bytes()
        self.s2_404 = cassette(self.s2_dir / "test_not_found.yaml")[0][2]
        self.works = {d: json.loads((self.pqa / f"{stem}_02_openalex.json").read_text()) for d, stem in PQA.items()}
        self.s2 = {d: json.loads((self.pqa / f"{stem}_00_s2.json").read_text()) for d, stem in PQA.items()}
        self.cited_by_pages = [json.loads((self.pqa / f).read_text()) for f in CITED_BY_PAGES]
        pool = [w for w in self.works.values()] + [w for p in self.cited_by_pages for w in p["results"]]
        self.pool = {w["id"].rsplit("/", 1)[-1]: w for w in pool}

    def cited_by_ids(self) -> list[str]:
        return [w["id"].rsplit("/", 1)[-1] for p in self.cited_by_pages for w in p["results"]]


def serve(server, rec: Recorded) -> None:
    """Load every recorded answer into ``server`` (see the module docstring)."""
    server.add(f"/graph/v1/paper/DOI:{MICRO_DOI}", json.dumps(rec.micro).encode(), content_type=JSON)
    for off, body in rec.refs.items():
        server.add(f"/graph/v1/paper/{MICRO_S2}/references", body, match={"offset": off}, content_type=JSON)
    for off, body in rec.cits.items():
        server.add(f"/graph/v1/paper/{MICRO_S2}/citations", body, match={"offset": off}, content_type=JSON)
    server.add(openalex_path(MICRO_DOI), rec.openalex_404, status=404)
    for doi in PQA:
        server.add(f"/graph/v1/paper/DOI:{doi}", json.dumps(rec.s2[doi]).encode(), content_type=JSON)
        server.add(openalex_path(doi), json.dumps(rec.works[doi]).encode(), content_type=JSON)
    server.add(f"/graph/v1/paper/DOI:{MISSING_DOI}", rec.s2_404, status=404, content_type=JSON)
    server.add(openalex_path(MISSING_DOI), rec.openalex_404, status=404)

    cursors = ["*", "c2", "c3"]

    def works_list(params):
        f = params.get("filter", "")
        if f.startswith("openalex_id:"):
            found = [rec.pool[i] for i in f[len("openalex_id:"):].split("|") if i in rec.pool]
            return 200, json.dumps({"meta": {"count": len(found), "next_cursor": None}, "results": found}).encode()
        if f == f"cites:{FIRST_PQA_W}" and params.get("cursor") in cursors:
            k = cursors.index(params["cursor"])
            page = dict(rec.cited_by_pages[k])
            page["meta"] = dict(page["meta"], next_cursor=cursors[k + 1] if k + 1 < len(cursors) else None)
            return 200, json.dumps(page).encode()
        return 404, b'{"error": "no recorded response"}'

    server.add("/works", works_list, content_type=JSON)


def make_library(lib, with_missing: bool = True) -> dict[str, int]:
    """Library papers for the recorded DOIs: DOI -> paper id."""
    papers = [Paper(title=MICRO_TITLE, doi=MICRO_DOI, year=2013, source="test", source_key="micro")]
    for n, doi in enumerate(PQA):
        papers.append(Paper(title=f"paper {n} {doi}", doi=doi, source="test", source_key=doi))
    if with_missing:
        papers.append(Paper(title="A paper neither service knows", doi=MISSING_DOI, source="test", source_key="missing"))
    ingest_papers(lib, papers, kind="import", source="test", target="citations fixtures")
    return {p.doi: lib.resolve(p.doi) for p in papers}


def point_at(lib, server, monkeypatch) -> None:
    """Both services at the replay server, no waiting between requests, few retries."""
    monkeypatch.setenv("GAPSCOPE_OPENALEX_URL", server.url)
    monkeypatch.setenv("GAPSCOPE_S2_URL", server.url)
    monkeypatch.delenv("GAPSCOPE_OPENALEX_API_KEY", raising=False)
    monkeypatch.delenv("GAPSCOPE_S2_API_KEY", raising=False)
    lib.set_setting("citations.openalex_interval_s", 0)
    lib.set_setting("citations.s2_interval_s", 0)
    lib.set_setting("citations.timeout_s", 5)
    lib.set_setting("citations.max_retries", 3)
