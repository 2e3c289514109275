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
from ..vocabulary import GAP_ROLE_NAMES, GAP_ROLE_ORDER, SCORE_MEANING, SHORTCOMING_NAMES
from .labels import gap_type

# What a report says once, above the gaps: the kinds of gap and what a score is (vocabulary.SCORE_MEANING
# says what a score is for every place that explains one).
GAPS_INTRO = (
    "GapScope finds three kinds of gap in the library's maps. A method not yet tried on a problem: papers "
    "use the method and papers address the problem, but (almost) none combine them, while related methods "
    "or problems already meet. A shortcoming not yet addressed: several papers state the same shortcoming, "
    "yet later papers rarely describe a method close to it. A thin but growing area: a sparsely covered "
    "region of the topic map whose share of new papers is rising. " + SCORE_MEANING + " Each gap says its rank "
    "(e.g. 2nd of 40); the kinds' own measures differ and are not compared, so the list interleaves the kinds "
    "by standing.")
GAP_SETTINGS_POINTER = ("The settings that produced the gaps are listed once, in the reproducibility appendix "
                        "(“How the gaps were found”).")


def gaps_intro(d) -> str:
    """GAPS_INTRO, sending the reader to the appendix's table of settings only when the report has one (a
    report of thin, growing regions and shortcomings alone has no "done" setting or ranker to list)."""
    listed = bool((getattr(d, "reproducibility", None) or {}).get("gap_settings"))
    return GAPS_INTRO + (" " + GAP_SETTINGS_POINTER if listed else "")


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


def standing_line(kind: str, score: float, details: Optional[Mapping[str, Any]] = None) -> str:
    """A gap's place among its kind, beside its id: "1st of 50 method x problem gaps (score 1.00)"; a gap
    found before scores were standings says its score only."""
    from ..gaps.standing import standing_text

    within = standing_text(kind, details or {})       # "2nd of 40 method x problem gaps" (gaps/standing.py)
    return f"{within} (score {score:.2f})" if within else f"score {score:.3f}"


def ranked_by_text(kind: str, details: Mapping[str, Any], brief: bool = False) -> str:
    """What orders a concept-level method x problem gap among its kind, as the report, `gaps show` and the
    Gaps view say it: the link-prediction model learnt from the library (with what it learnt from) and its
    output for the pair, which only orders pairs (a classifier of one earlier slice, fitted on a subsample:
    no calibrated chance); "" for another kind or a gap found without the model. Presentation only: it lives
    here, not in gaps/, whose source digest marks found gaps stale (gaps/stale.py). ``brief``: without what
    the model learnt from (a report says that once, in gap_settings_rows)."""
    ranker = details.get("ranker")
    if kind != "method_x_problem" or not ranker:
        return ""
    if ranker.get("fallback"):
        return ("Gaps of this kind are ordered by a fixed blend of how often the two concepts appear and the "
                f"neighbours they share, not by a learnt model ({ranker['fallback']}).")
    learnt = (f": of {int(ranker['train_pairs']):,} concept pairs that had not met by {ranker.get('train_before')}, "
              f"{int(ranker.get('train_positive') or 0):,} were combined in the months after"
              if ranker.get("train_pairs") else "")
    raw = details.get("raw_score")
    if brief and raw is not None:
        return (f"Ranked by a model learnt from this library, whose output for this pair ({float(raw):.3f}) only "
                "orders the pairs: it is not the chance that the two will be combined.")
    own = (f" Its output for this pair ({float(raw):.3f}) only orders the pairs; it is not the chance that the two "
           "will be combined." if raw is not None else "")
    return f"Gaps of this kind are ordered by a model learnt from this library{learnt}.{own}"


def _says_numbers(statement: str, *numbers: Any) -> bool:
    """Whether the statement already gives each of ``numbers`` (as a whole word): then the sentences behind the
    score leave them out rather than say them twice."""
    if not statement:
        return False
    return all(re.search(rf"(?<![\d.,]){re.escape(n)}(?![\d]|[.,]\d)", statement) for n in numbers)


def related_concepts(d: Mapping[str, Any], m: str, p: str, said: str = "") -> list[str]:
    """The neighbours that predict a concept gap, each side said for what it is: the methods related to
    ``m`` applied to ``p``, and the problems related to ``p`` that ``m`` has been applied to (the Gaps
    view and the report); ``m`` and ``p`` as they are to be written (quoted). ``said``: the statement shown
    above, whose quoted neighbours are not listed again."""
    out = []
    new = [x for x in d.get("predicting_methods") or [] if f"\u201c{x['concept']}\u201d" not in said]
    preds = [f"{x['concept']} ({_n(x.get('papers_with_problem'), 'paper')})" for x in new]
    if preds:
        out.append(f"Methods related to {m} have already been applied to {p}: " + ", ".join(preds) + ".")
    new = [x for x in d.get("predicting_problems") or [] if f"\u201c{x['concept']}\u201d" not in said]
    preds = [f"{x['concept']} ({_n(x.get('papers_with_method'), 'paper')})" for x in new]
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


def _concept_pair(d: Mapping[str, Any], m: str, p: str, said: str = "",
                  listed: Optional[Mapping[str, int]] = None) -> list[str]:
    """The counts behind a concept gap; ``said``: the statement shown above it, whose counts are not repeated;
    ``listed``: {role: papers listed under it in the report}."""
    # never "none of them combines the two" under a statement that says "only 4 abstracts combine them"
    # the papers naming each end (title, abstract or the extractor's key phrases): what a search finds
    counts = (f"{int(d.get('method_papers') or 0):,}", f"{int(d.get('problem_papers') or 0):,}")
    out = [] if _says_numbers(said, *counts) else [
        f"In the library {_n(d.get('method_papers'), 'paper')} mention {m} and {_n(d.get('problem_papers'), 'paper')} "
        f"mention {p}; " + _combined(d) + "."]
    out += _what_counts(d, m, p, listed or {})
    out += related_concepts(d, m, p, said)
    pl = d.get("plausibility")
    if pl:
        out.append(f"The two belong together: the papers on {p} are closer to those on {m} than "
                   f"{float(pl['problem_closer_than']):.0%} of the other problems are"
                   + (f"; shared neighbouring concepts: {', '.join(pl['shared_neighbours'])}"
                      if pl.get("shared_neighbours") else "") + ".")
    return out


def _what_counts(d: Mapping[str, Any], m: str, p: str, listed: Mapping[str, int]) -> list[str]:
    """What each end's count stands for, in words a reader checks against the papers (a report is read, not
    typed into a shell: no `gapscope search` command, which `gaps show` prints): the words counted where they
    are more than the concept's name, where some of the papers are listed, and the names that count only
    where written with their capitals."""
    from ..concepts.members import search_phrases, written_in_capitals

    queries = [(end, d.get(key)) for end, key in ((m, "method_search"), (p, "problem_search")) if d.get(key)]
    if not queries:
        return []
    # an end counted by its name alone says nothing more; the first end "is counted as", the next "as"
    wider = [(end, words) for end, words in ((end, search_phrases(q)) for end, q in queries)
             if words and [_plain(w) for w in words] != [_plain(end.strip("“”"))]]
    read_as = [f"{end} {'as' if i else 'is counted as'} {_either(words)}" for i, (end, words) in enumerate(wider)]
    out = ["Each count is the papers whose title or abstract names the concept, or that the concept extractor "
           "named it in" + "".join("; " + r for r in read_as) + "."]
    headings = [f"“{GAP_ROLE_NAMES[r]}”" for r in ("method", "problem") if listed.get(r)]
    if headings:
        out.append("A few of them are listed under " + " and ".join(headings) + ".")
    names = [n for _end, q in queries for n in written_in_capitals(q)]
    if names:     # the counts ignore case and read stems: "CLIP" would find "video clips" too
        out.append("Case is ignored, save that a name with capitals (" + ", ".join(f"“{n}”" for n in names)
                   + ") counts only the papers that write it so.")
    return out


def _plain(phrase: str) -> str:
    """A phrase as the search reads it: "Test-time scaling" is "test time scaling"."""
    return " ".join(re.split(r"[-\s]+", phrase.lower()))


def _either(words: Sequence[str]) -> str:
    """“a”, “b” or “c”."""
    quoted = [f"“{w}”" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _established_checks(d: Mapping[str, Any]) -> list[str]:
    """What the checks for work already done found, without the settings that decide "done" (the report lists
    those once, in its reproducibility appendix: gap_settings_rows). The closest-work counts are the
    statement's, and the closest work follows as a list: not said a third time here."""
    out = []
    ref = d.get("reference")
    if ref:
        out.append(f"{_n(ref.get('co_mentions'), 'abstract')} of the reference corpus ({ref.get('size')} abstracts) "
                   "mention both.")
    world = d.get("openalex")
    if world:
        out.append(f"OpenAlex: {_n(world['works'], 'work')} of all years mention both."
                   if world.get("works") is not None else f"OpenAlex was not checked ({world.get('error')}).")
    return out


def why_lines(kind: str, score: float, details: Mapping[str, Any], method: Optional[str],
              problem: Optional[str], statement: Optional[str] = None,
              listed: Optional[Mapping[str, int]] = None) -> list[str]:
    """The sentences behind a gap's score: what orders it among its kind and the counts it rests on, in words;
    with the ``statement`` shown above it, none of the numbers that statement gives (its place among its
    kind and its score are standing_line's); ``listed``: {evidence role: papers the report lists under it}."""
    d = details or {}
    said = statement or ""
    m, p = f"“{method or 'the method'}”", f"“{problem or 'the problem'}”"
    out = [x for x in (ranked_by_text(kind, d, brief=True),) if x]
    if kind == "method_x_problem" and d.get("level") == "concept":
        out += _concept_pair(d, m, p, said, listed) + _established_checks(d)
        if d.get("quote_note"):          # why no shortcoming sentence is quoted (gaps/quotes.py)
            out.append(d["quote_note"][:1].upper() + d["quote_note"][1:] + ".")
    elif kind == "method_x_problem":
        out.append(f"{_n(d.get('method_size'), 'paper')} are in the method's cluster and "
                   f"{_n(d.get('problem_size'), 'paper')} in the problem's; {_n(d.get('cooccurring'), 'paper')} "
                   f"join the two, where papers of similar methods suggest about {float(d.get('predicted') or 0):.1f}.")
    elif kind in ("unaddressed_shortcoming", "unaddressed_limitation"):
        out += _shortcoming_lines(d, said)
    elif kind == "thin_growing":
        if _says_numbers(said, f"{int(d.get('size') or 0):,}"):
            out.append(f"{d.get('recent')} of its papers are from {d.get('recent_since')} on, {d.get('earlier')} from "
                       "before. The faster its share of new papers grows and the sparser the region, the higher it "
                       "ranks.")
        else:
            out.append(f"The region holds {_n(d.get('size'), 'paper')}: {d.get('recent')} since "
                       f"{d.get('recent_since')} and {d.get('earlier')} before; its share of new papers is "
                       f"{float(d.get('growth') or 0):.1f} times its earlier share. The faster that share grows "
                       "and the sparser the region, the higher the score.")
    return out


def _shortcoming_lines(d: Mapping[str, Any], said: str) -> list[str]:
    from ..gaps.shortcoming_concepts import TAKES_ON_IN_AIM

    kinds: dict[str, int] = {}
    for q in d.get("quotes") or []:
        name = SHORTCOMING_NAMES.get(q.get("shortcoming"), "")
        if name:
            kinds[name] = kinds.get(name, 0) + 1
    quoted = " — quoted below: " + ", ".join(f"{n} as {k}" for k, n in kinds.items()) if kinds else ""
    rate, typical = f"{float(d.get('rate') or 0):.2f}", f"{float(d.get('typical_rate') or 0):.2f}"
    if _says_numbers(said, rate, typical):       # the statement gives the counts and the rates
        return [f"Half of the papers stating it had done so by {d.get('since')}, and later papers are counted from "
                f"then{quoted}. The fewer later papers take it on for each paper stating it, compared with the "
                "library's typical shortcoming, the higher it ranks."]
    return [f"{_n(d.get('stated_by'), 'paper')} state this shortcoming (half of them by {d.get('since')}){quoted}.",
            f"Of the {int(d.get('later_method_papers') or 0):,} papers listed after that date, "
            # a concept-level one (gaps/shortcoming_concepts.py) counts papers naming the concept, said as its
            # statement says it (a gap found before the details said what it counted: the in-aim reading)
            + (_taken_on(int(d.get("close_later_methods") or 0), d.get("takes_on_means") or TAKES_ON_IN_AIM)
               if d.get("level") == "concept" else f"{d.get('close_later_methods') or 'none'} describe a method "
               "close to it: ")
            + f"{rate} per stating paper, where the typical shortcoming of this library gets {typical}. "
            "The fewer, the higher the score."]


def _taken_on(n: int, means: str) -> str:
    """"none takes it on (…): ", "1 takes it on (…): ", "3 take it on (…): "."""
    return f"{n:,} take{'s' if n == 1 else ''} it on ({means}): " if n else f"none takes it on ({means}): "


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


def body_text(title: str, statement: str) -> str:
    """The statement as the paragraph under its heading, without the words the heading already says
    ("Apply “LoRA” to “ASR”: 12 papers …" under "Apply “LoRA” to “ASR”" reads "12 papers …")."""
    if title and statement.startswith(title + ": "):
        rest = statement[len(title) + 2:]
        return rest[:1].upper() + rest[1:]
    return statement


def gap_settings_rows(gaps: Sequence[Any]) -> list[tuple[str, str]]:
    """The settings that produced the reported gaps, as (what, value) rows for the reproducibility appendix:
    said once there rather than beside every gap. Read from each gap's details; a setting the gaps were found
    with at different values lists each."""
    from ..gaps.thresholds import DONE_AT

    seen: dict[str, list[str]] = {}

    def add(what: str, value: Any) -> None:
        if value is not None and str(value) not in seen.setdefault(what, []):
            seen[what].append(str(value))

    for g in gaps:
        d = getattr(g, "details", None) or {}
        for key, setting, what in (("closest_check", "gaps_closest_min", "min_done"),
                                   ("reference", "gaps_established_min", "min_co_mentions"),
                                   ("openalex", "gaps_openalex_min", "min_works")):
            if isinstance(d.get(key), dict) and d[key].get(what) is not None:
                add(DONE_WHEN[setting],
                    f"{d[key][what]} (Preferences \u201c{DONE_AT[setting]}\u201d, setting {setting})")
        r = d.get("ranker")
        if isinstance(r, dict) and not r.get("fallback") and r.get("train_pairs"):
            add("Method x problem gaps ordered by",
                f"{RANKER_NAMES.get(r.get('model'), r.get('model') or 'a model')} learnt from this library: "
                f"{int(r['train_pairs']):,} concept pairs that had not met by {r.get('train_before')}, "
                f"{int(r.get('train_positive') or 0):,} of them combined in the months after"
                + (f" ({r['train_window']})" if r.get("train_window") else ""))
        elif isinstance(r, dict) and r.get("fallback"):
            add("Method x problem gaps ordered by", f"a fixed blend of counts ({r['fallback']})")
    return [(what, "; ".join(values)) for what, values in seen.items()]


# Each "done" setting in words: a method x problem pair this common is established work, not a gap.
DONE_WHEN = {
    "gaps_closest_min": "A method x problem pair is already done (no gap) when this many of the abstracts nearest "
                        "to it are about both by meaning",
    "gaps_established_min": "A method x problem pair is already done (no gap) when this many reference-corpus "
                            "abstracts name both",
    "gaps_openalex_min": "A method x problem pair is already done (no gap) when this many OpenAlex works name both",
}

RANKER_NAMES = {"lr": "logistic regression", "gbm": "gradient-boosted trees",
                "lr+gbm": "logistic regression and gradient-boosted trees (their mean)"}


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
