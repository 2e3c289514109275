"""A gap in words a grant reviewer reads: what its score means, the numbers behind it as sentences,
its evidence grouped by role under the Gaps view's headings (gapscope.vocabulary), and its closest
existing work as references. Every renderer (html, md, pdf) shows what this module returns; nothing
here writes markup, and no internal record reaches the page as it is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence

from ..exports.text import paper_link
from ..textfmt import latex_to_text, plural
from ..vocabulary import GAP_ROLE_NAMES, GAP_ROLE_ORDER, SHORTCOMING_NAMES
from .labels import gap_type

# What a report says once, above the gaps: the kinds of gap and what a score is.
GAPS_INTRO = (
    "GapScope finds three kinds of gap in the library's maps. A method not yet tried on a problem: papers "
    "use the method and papers address the problem, but (almost) none combine them, while related methods "
    "or problems already meet. A shortcoming not yet addressed: several papers state the same shortcoming, "
    "yet later papers rarely describe a method close to it. A thin but growing area: a sparsely covered "
    "region of the topic map whose share of new papers is rising. The score (0 to 1) is a gap's standing "
    "among the gaps of its own kind found in the same run: 1 for the strongest of that kind, 0.5 halfway down "
    "(each gap also says its rank, e.g. 2nd of 40). The kinds' own scores measure different things and are "
    "not compared; the list interleaves the kinds by standing. A score is a ranking, not a probability.")


@dataclass
class EvidenceItem:
    """One paper under a role: its title, link, a line of facts, and the sentence it is quoted by."""

    title: str
    link: Optional[str]
    meta: str                          # authors · year · identifier, or what the closest-work search found
    quotes: list[str] = field(default_factory=list)
    paper_id: Optional[int] = None     # a library paper's id (the PDF names it when it cannot draw its text)


@dataclass
class EvidenceGroup:
    heading: str                       # the Gaps view's role name
    items: list[EvidenceItem]


def _n(count: Any, noun: str) -> str:
    count = int(count or 0)
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def score_sentence(kind: str, score: float, details: Optional[Mapping[str, Any]] = None) -> str:
    from ..gaps.standing import standing_text

    within = standing_text(kind, details or {})       # "2nd of 40 method x problem gaps" (gaps/standing.py)
    return (f"Score {score:.2f} of 1 among the gaps of this kind ({gap_type(kind)}"
            + (f": the {within}" if within else "") + "); 1 is the strongest of the kind in this library.")


def related_concepts(d: Mapping[str, Any], m: str, p: str) -> list[str]:
    """The neighbours that predict a concept gap, each side said for what it is: the methods related to
    ``m`` applied to ``p``, and the problems related to ``p`` that ``m`` has been applied to (the Gaps
    view and the report); ``m`` and ``p`` as they are to be written (quoted)."""
    out = []
    preds = [f"{x['concept']} ({_n(x.get('papers_with_problem'), 'paper')})" for x in d.get("predicting_methods") or []]
    if preds:
        out.append(f"Methods related to {m} have already been applied to {p}: " + ", ".join(preds) + ".")
    preds = [f"{x['concept']} ({_n(x.get('papers_with_method'), 'paper')})" for x in d.get("predicting_problems") or []]
    if preds:
        out.append(f"{m[:1].upper() + m[1:]} has been applied to problems related to {p}: " + ", ".join(preds) + ".")
    return out


def _combined(d: Mapping[str, Any]) -> str:
    """How many combine the pair already, as the statement counts them (``combined_by``: every check's
    abstracts, the library's and the reference corpus's; a gap found before that was recorded: the papers
    the extractor named both in), with how many abstracts mention both words, and, as the statement says them
    apart, those the closest-work check reads as about both by meaning only (never "none of them combines the
    two" beside a closest-work list that calls two "about both")."""
    from ..gaps.candidates import meaning_clause

    more = int((d.get("closest_check") or {}).get("meaning_only") or 0)
    cb = d.get("combined_by")
    mention = int(d.get("abstracts_mentioning_both") or 0)
    notes = [f"{_n(mention, 'abstract')} mention{'s' if mention == 1 else ''} both words"] if mention else []
    if not cb:
        n = int(d.get("papers_with_both") or 0)
        said = f"{_n(n, 'paper')} combine{'s' if n == 1 else ''} them" if n else "none of them combines the two"
    else:
        n, here = int(cb.get("count") or 0), len(cb.get("papers") or [])
        said = (f"{_n(n, 'abstract')} combine{'s' if n == 1 else ''} them" if n else
                "none of them names the two together" if more else "none of them combines the two")
        if 0 < n and here < n:
            notes.insert(0, "in the reference corpus" if here == 0 and n == 1 else "all in the reference corpus"
                         if here == 0 else f"{here} in the library, {n - here} in the reference corpus")
    return said + (f" ({'; '.join(notes)})" if notes else "") + (meaning_clause(n, more) if cb else "")


def _concept_pair(d: Mapping[str, Any], m: str, p: str) -> list[str]:
    # never "none of them combines the two" under a statement that says "only 4 abstracts combine them"
    # the papers naming each end (title, abstract or the extractor's key phrases): what a search finds
    out = [f"In the library {_n(d.get('method_papers'), 'paper')} mention {m} and {_n(d.get('problem_papers'), 'paper')} "
           f"mention {p}; " + _combined(d) + "."]
    from ..concepts.members import search_command, written_in_capitals

    searches = [f"`{search_command(q, n)}` for {end}" for end, q, n in (
        (m, d.get("method_search"), d.get("method_papers")), (p, d.get("problem_search"), d.get("problem_papers"))) if q]
    if searches:
        out.append("Each count is the papers whose title or abstract names the concept, or that the concept "
                   "extractor named it in: " + ", ".join(searches) + " lists those of the text.")
        names = [n for q in (d.get("method_search"), d.get("problem_search")) for n in written_in_capitals(q)]
        if names:     # the search ignores case and reads stems: "CLIP" finds "video clips" too
            out.append("The search ignores case: a name with capitals (" + ", ".join(f"\u201c{n}\u201d" for n in names)
                       + ") counts only the papers that write it so.")
    out += related_concepts(d, m, p)
    pl = d.get("plausibility")
    if pl:
        out.append(f"The two belong together: the papers on {p} are closer to those on {m} than "
                   f"{float(pl['problem_closer_than']):.0%} of the other problems are"
                   + (f"; shared neighbouring concepts: {', '.join(pl['shared_neighbours'])}"
                      if pl.get("shared_neighbours") else "") + ".")
    ranker = d.get("ranker")
    if ranker:
        out.append("The score is a model's estimate that the two will be combined, learnt from this library"
                   + (f": of {ranker['train_pairs']} concept pairs that had not met by {ranker.get('train_before')}, "
                      f"{ranker.get('train_positive')} were combined in the months after" if ranker.get("train_pairs")
                      else "") + ".")
    return out


def _established_checks(d: Mapping[str, Any]) -> list[str]:
    from ..gaps.closest import closest_line
    from ..gaps.thresholds import done_from

    out = []
    line = closest_line({k: v for k, v in d.items() if k != "closest_work"})    # the nearest is listed apart
    if line:
        out.append(line[:1].upper() + line[1:] + ".")
    ref = d.get("reference")
    if ref:
        out.append(f"{_n(ref.get('co_mentions'), 'abstract')} of the reference corpus ({ref.get('size')} abstracts) "
                   f"mention both ({done_from('gaps_established_min', ref.get('min_co_mentions'))}).")
    world = d.get("openalex")
    if world:
        out.append(f"OpenAlex: {_n(world['works'], 'work')} of all years mention both "
                   f"({done_from('gaps_openalex_min', world.get('min_works'))})." if world.get("works") is not None
                   else f"OpenAlex was not checked ({world.get('error')}).")
    return out


def why_lines(kind: str, score: float, details: Mapping[str, Any], method: Optional[str],
              problem: Optional[str]) -> list[str]:
    """The sentences behind a gap's score: what it means and the counts it rests on, in words."""
    d = details or {}
    m, p = f"“{method or 'the method'}”", f"“{problem or 'the problem'}”"
    out = [score_sentence(kind, score, d)]
    if kind == "method_x_problem" and d.get("level") == "concept":
        out += _concept_pair(d, m, p) + _established_checks(d)
        if d.get("quote_note"):          # why no shortcoming sentence is quoted (gaps/quotes.py)
            out.append(d["quote_note"][:1].upper() + d["quote_note"][1:] + ".")
    elif kind == "method_x_problem":
        out.append(f"{_n(d.get('method_size'), 'paper')} are in the method's cluster and "
                   f"{_n(d.get('problem_size'), 'paper')} in the problem's; {_n(d.get('cooccurring'), 'paper')} "
                   f"join the two, where papers of similar methods suggest about {float(d.get('predicted') or 0):.1f}.")
    elif kind in ("unaddressed_shortcoming", "unaddressed_limitation"):
        kinds: dict[str, int] = {}
        for q in d.get("quotes") or []:
            name = SHORTCOMING_NAMES.get(q.get("shortcoming"), "")
            if name:
                kinds[name] = kinds.get(name, 0) + 1
        out.append(f"{_n(d.get('stated_by'), 'paper')} state this shortcoming (half of them by {d.get('since')})"
                   + (" — quoted below: " + ", ".join(f"{n} as {k}" for k, n in kinds.items()) if kinds else "")
                   + ".")
        from ..gaps.shortcoming_concepts import TAKES_ON_IN_AIM

        out.append(f"Of the {int(d.get('later_method_papers') or 0):,} papers listed after that date, "
                   f"{d.get('close_later_methods') or 'none'} "
                   # a concept-level one (gaps/shortcoming_concepts.py) counts papers naming the concept
                   # what it was counted as (a gap found before the details said it: the in-aim reading)
                   + ((d.get("takes_on_means") or TAKES_ON_IN_AIM) + ": " if d.get("level") == "concept"
                      else "describe a method close to it: ")
                   + f"{float(d.get('rate') or 0):.2f} per stating paper, where the typical shortcoming of this library "
                   f"gets {float(d.get('typical_rate') or 0):.2f}. The fewer, the higher the score.")
    elif kind == "thin_growing":
        out.append(f"The region holds {_n(d.get('size'), 'paper')}: {d.get('recent')} since {d.get('recent_since')} and "
                   f"{d.get('earlier')} before; its share of new papers is {float(d.get('growth') or 0):.1f} times its "
                   "earlier share. The faster that share grows and the sparser the region, the higher the score.")
    return out


_STATED_AS = re.compile(r"\s*Stated as: .*$", re.S)


_APPLY = re.compile(r"^(Apply “[^”]*” to “[^”]*”)")


def short_title(kind: str, statement: str, method: Optional[str], problem: Optional[str]) -> str:
    """A gap's heading in a report: what it is in a few words ("Apply “LoRA” to “ASR”", "Shortcoming not
    yet addressed: “night detection”"); the whole statement follows it as a paragraph."""
    m = _APPLY.match(statement or "")
    if m:
        return m.group(1)
    label = problem or method
    if not label:
        return statement
    kind_name = gap_type(kind)
    return f"{kind_name[:1].upper() + kind_name[1:]}: “{label}”"


def headline(statement: str, details: Mapping[str, Any]) -> str:
    """The gap's statement as a heading: a shortcoming gap's "Stated as: …" quotes are left to its
    evidence (listed under "States the shortcoming" with their papers), so no quote is printed twice."""
    if (details or {}).get("quotes"):
        return _STATED_AS.sub("", statement)
    return statement


def _quote_text(q: Mapping[str, Any]) -> str:
    from ..gaps.quotes import confidence_text

    kind = SHORTCOMING_NAMES.get(q.get("shortcoming") or "")
    # how sure: the user's own label, or the classifier's confidence
    sure = ("your label" if q.get("corrected") else
            f"confidence {confidence_text(q['confidence'])}" if q.get("confidence") is not None else "")
    where = f"{q['section']}, p. {q['page']}" if q.get("section") else "abstract"
    return f"“{' '.join(str(q['text']).split())}” ({', '.join(x for x in (kind, sure, where) if x)})"


def evidence_groups(evidence: Sequence[Any], roles: Mapping[int, str], details: Mapping[str, Any],
                    refs: Mapping[int, Any], meta: Callable[[Any], str],
                    held: Optional[Mapping[str, int]] = None) -> list[EvidenceGroup]:
    """The gap's papers under their role's heading, in the Gaps view's order, each with the shortcoming
    sentences it is quoted by; then its closest existing work not already listed. ``refs`` maps paper ids
    (evidence and quoted papers) to the report's paper references, ``meta`` gives a reference's facts;
    ``held``: {arXiv id: library paper id} of the closest work found in another source that the library
    holds too (closest_items)."""
    d = details or {}
    quotes: dict[int, list[str]] = {}
    for q in list(d.get("quotes") or []) + list(d.get("shortcoming_sentences") or []):
        quotes.setdefault(int(q["paper_id"]), []).append(_quote_text(q))
    ids = [int(getattr(p, "id", p)) for p in evidence]
    for pid in quotes:                   # a quoted paper that is not among the evidence states it too
        if pid not in ids and pid in refs:
            ids.append(pid)
    by_role: dict[str, list[int]] = {}
    for pid in ids:
        role = roles.get(pid) or ("shortcoming" if pid in quotes else "")
        by_role.setdefault(role, []).append(pid)
    order = list(GAP_ROLE_ORDER) + [r for r in by_role if r not in GAP_ROLE_ORDER]
    groups = []
    for role in order:
        items = [EvidenceItem(refs[pid].title, refs[pid].link, meta(refs[pid]), quotes.get(pid, []), pid)
                 for pid in by_role.get(role, []) if pid in refs]
        if items:
            groups.append(EvidenceGroup(GAP_ROLE_NAMES.get(role, role.capitalize() or "Evidence"), items))
    closest = closest_items(d, {pid: roles.get(pid) or "" for pid in ids}, held)
    if closest:
        groups.append(EvidenceGroup(GAP_ROLE_NAMES["closest"], closest))
    return groups


def closest_items(d: Mapping[str, Any], listed: Mapping[int, str],
                  held: Optional[Mapping[str, int]] = None) -> list[EvidenceItem]:
    """The closest existing work as references: title, link, year, where it is, and whether it names both
    ends or is only about both by meaning. A paper found in another source that the library holds too
    (``held``: {arXiv id: library paper id}; a gap found before the check said so itself) is in this
    library; which are listed is gaps/closest.closest_entries' (as `gaps show` and the Gaps view): one about
    both is listed also when it is listed under a role already."""
    from ..gaps.closest import closest_entries

    out = []
    for p in closest_entries(d, listed, held):
        own = p["library_id"]
        ident = f"arXiv:{p['arxiv_id']}" if p.get("arxiv_id") else (f"doi:{p['doi']}" if p.get("doi") else "")
        where = "in this library" if own is not None else f"from {p.get('source') or 'a reference corpus'}"
        # naming both is evidence that a paper combined them; being about both is a reading by meaning
        note = ("names both the method and the problem" if p.get("names_both")
                else "about both the method and the problem by meaning" if p.get("did_both")
                else "close, but not about both")
        facts = [str(p["year"]) if p.get("year") else "", ident, f"{where}, {note}"]
        out.append(EvidenceItem(" ".join(latex_to_text(str(p.get("title") or "(no title)")).split()),
                                paper_link(p.get("arxiv_id"), p.get("doi")), " · ".join(f for f in facts if f),
                                paper_id=own))
    return out


def side_keywords(ref: Optional[Mapping[str, Any]], n: int = 6) -> str:
    """A gap end's keywords (a concept's variants) for after its label; "" when it has none, so no
    report prints empty parentheses."""
    return ", ".join(str(k) for k in ((ref or {}).get("keywords") or [])[:n] if str(k).strip())


def shown_line(shown: int, total: int) -> str:
    """How many of the gaps found the report lists (the rest are in `gapscope gaps list`)."""
    if shown >= total:
        return f"All {_n(total, 'gap')} found, best first."
    return (f"The {shown} best of the {total} gaps found, best first; all {total} are listed by "
            f"`gapscope gaps list --limit {total}` and in the desktop's Gaps view (`gapscope report --gaps all` "
            "puts them all in the report).")


def stale_line(reasons: list[str]) -> str:
    """What the report says of a gap that may no longer hold, as `gaps list` marks it STALE."""
    return "Stale: " + "; ".join(reasons) + ". Run `gapscope gaps find` again before relying on it."


def skipped_line(text: str) -> str:
    """One gap type the latest find could not look for (gaps/needs.skipped_text), as a sentence."""
    return text[:1].upper() + text[1:] + "."


def plain_commands(text: str) -> str:
    """A `backticked` command in quotes, for a format without code text (the PDF)."""
    parts = text.split("`")
    if len(parts) % 2 == 0:              # an odd backtick: leave the text as it is
        return text
    return "".join(f"“{p}”" if i % 2 else p for i, p in enumerate(parts))


def not_built_line(facets: Sequence[str]) -> str:
    """The maps a report would show but the library has not built."""
    return f"Not built yet: {', '.join(facets)} {plural(len(facets), 'map', number=False)} (run `gapscope map`)."


def undated_line(n: int) -> str:
    return f"{_n(n, 'paper')} without a date {'is' if n == 1 else 'are'} not shown."


def included_line(total: int, listed: int) -> str:
    more = (f" (the first {listed} listed; all of them in a BibTeX file with `gapscope export bibtex --included`)"
            if total > listed else "")
    return f"{_n(total, 'paper')} included{more}."
