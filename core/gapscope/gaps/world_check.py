"""The "already done" check against the world's literature: OpenAlex (some 250M works, all years).

The reference corpus (gaps/reference.py) holds what the researcher imported, often one or two years of
arXiv, so a pairing established long before it ("CRF" x "ASR", "Squeeze-and-Excitation" x "medical image
segmentation") looks untried there. OpenAlex is asked, once per pair the list is about to show, how many
works' title or abstract mention both concepts (its ``title_and_abstract.search`` filter, stemmed, the
phrases quoted); a pair at ``min_works`` or more is established practice, no gap, and below that the most
cited of the few that did are the gap's evidence.

Online and optional (the setting ``gaps_openalex_min``, 0 = off): `gaps find` stays offline without it.
A refused key, no answer after the retries (offline, the host down, rate limited) or a page that is not
OpenAlex's (a captive portal) stops the check for the rest of the run, as citation enrichment stops a source;
an error answer to one pair's request (or an answer that is no works list) leaves that pair unchecked, and
three in a row stop the check. The notices say which, and the list is still made."""

from __future__ import annotations

from typing import Mapping, Optional

from ..citations.sources import KeyRefused
from ..concepts.acronyms import DEFINED
from ..sources.polite import FetchError, NotTheSource, SourceBlocked
from ..textfmt import plural

EXAMPLES = 5            # the most cited works that mention both, kept as evidence
GIVE_UP_AFTER = 3       # error answers in a row that end the check for the run
RETRIES = 2             # per request, and a short timeout: the list should not wait minutes for a network
TIMEOUT_S = 10.0        # that is down (enrichment's defaults: 5 retries, 30 s)


def search_forms(concept, acronyms: Mapping[int, object] = ()) -> list[str]:
    """How OpenAlex is asked for a concept: an acronym its papers define one way by that expansion (an
    acronym alone names different things across science: CRF is also a case report form), else its
    phrase. Characters the filter syntax reads (quotes, commas, pipes, colons, brackets) become spaces."""
    reading = acronyms.get(concept.id) if acronyms else None
    phrase = getattr(reading, "dominant", None) if getattr(reading, "verdict", None) == DEFINED else None
    text = phrase or concept.phrase
    return [" ".join(text.translate(str.maketrans('",|:()', "      ")).split())]


def pair_query(method_forms: list[str], problem_forms: list[str]) -> str:
    """OpenAlex's boolean search for works that mention both: ("a" OR "a2") AND ("b")."""
    def side(forms):
        return "(" + " OR ".join(f'"{f}"' for f in forms) + ")"
    return f"{side(method_forms)} AND {side(problem_forms)}"


class OpenAlexCheck:
    """Counts the works mentioning a concept pair through an :class:`~gapscope.citations.sources.OpenAlex`
    client; same contract as ``ReferenceCorpus.check`` (a dict with ``established``)."""

    name = "OpenAlex"

    def __init__(self, client, min_works: int, *, acronyms: Mapping[int, object] = (),
                 examples: int = EXAMPLES) -> None:
        self.client, self.min_works, self.examples = client, int(min_works), examples
        self.acronyms = acronyms
        self.checked = 0          # pairs asked (answered or not)
        self.failed = 0           # requests that failed
        self.stopped: Optional[str] = None    # why the check was given up for this run
        self._in_a_row = 0

    @classmethod
    def open(cls, lib, min_works: int, *, cancel=None, acronyms: Mapping[int, object] = ()) -> "OpenAlexCheck":
        from ..citations.enrich import make_client

        return cls(make_client(lib, "openalex", cancel=cancel, purpose="gap check", max_retries=RETRIES,
                               timeout_s=TIMEOUT_S), min_works, acronyms=acronyms)

    def close(self) -> None:
        self.client.fetcher.session.close()

    def check(self, method, problem) -> dict:
        """{"source", "query", "works", "min_works", "established", "papers": [{"title", "year", "doi",
        "openalex_id", "citations"}], "error"} for a method and a problem concept; unchecked (``works``
        None, not established) once the check has stopped or when the request fails."""
        query = pair_query(search_forms(method, self.acronyms), search_forms(problem, self.acronyms))
        out = {"source": "OpenAlex", "query": query, "works": None, "min_works": self.min_works,
               "established": False, "papers": [], "error": None}
        if self.stopped:
            out["error"] = self.stopped
            return out
        self.checked += 1
        try:
            n, works = self.client.works_mentioning(query, self.examples)
        except FetchError as exc:
            self.failed += 1
            why = self._no_use_asking(exc)
            if why is None:
                self._in_a_row += 1
                if self._in_a_row >= GIVE_UP_AFTER:
                    why = f"{GIVE_UP_AFTER} OpenAlex requests failed in a row (last: {exc})"
            self.stopped = why
            out["error"] = why or str(exc)
            return out
        self._in_a_row = 0
        out["works"], out["established"] = n, n >= self.min_works
        if not out["established"]:
            out["papers"] = [{"title": w.meta.get("title"), "year": w.meta.get("year"), "doi": w.ids.get("doi"),
                              "openalex_id": w.ids.get("openalex_id"), "citations": w.meta.get("citation_count")}
                             for w in works]
        return out

    @staticmethod
    def _no_use_asking(exc: FetchError) -> Optional[str]:
        """Why no later request of this run can do better, or None (an error answer to this one query)."""
        if isinstance(exc, KeyRefused):
            return f"OpenAlex refused the key ({exc}); set openalex_api_key"
        if isinstance(exc, (SourceBlocked, NotTheSource)):
            return f"OpenAlex could not be asked ({exc})"
        if exc.status is None:                  # no answer after the retries: offline, down or rate limited
            return f"OpenAlex stopped answering ({exc})"
        return None

    def notice(self, left_out: int) -> str:
        """What the check did, for `gaps find`'s notices."""
        text = (f"OpenAlex (all years, titles and abstracts): {self.checked} pairs checked, {left_out} established "
                f"(>= {self.min_works} works mention both) left out")
        if self.failed:
            text += f"; {plural(self.failed, 'request')} failed, those pairs are unchecked"
        if self.stopped:
            text += f"; the check stopped: {self.stopped}"
        return text


def tried_in_world_note(world: Optional[dict]) -> str:
    """The sentence a gap's statement gains when a few works in OpenAlex already mention both concepts."""
    n = (world or {}).get("works") or 0
    return f" OpenAlex lists {n} work{'s' if n != 1 else ''} mentioning both." if n else ""
