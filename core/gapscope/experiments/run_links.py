"""What a run was and what it says about its gap, in the same words wherever a run is named (`runs list`,
`runs show`, `gaps show`, the desktop's History and a gap's details, the report's run section).

A run is read from its spec: the data set, the model family and the headline metric (the first one it
reports). A gap lists as its runs only those that finished; a cancelled, failed or interrupted one is counted
apart with no result. A drafted spec records in [source] the data set the draft proposed (or that it had none,
a placeholder) and why; a run on other data says so, and, on a bundled set, that it is no evidence about the
gap's problem: an MLP on iris flowers tells nothing about contrastive learning against catastrophic
forgetting. A spec without that record (drafted before it, or written by hand) is compared with what a draft
proposes for the gap now (draft.drafted_dataset)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, Callable, Optional

from .draft import PLACEHOLDER, drafted_dataset

FINISHED = "done"
# how a run that did not finish is counted under its gap
UNFINISHED_WORDS = {"cancelled": "cancelled, no result", "failed": "failed, no result",
                    "interrupted": "interrupted, no result", "running": "still running"}


def data_name(data: dict[str, Any]) -> str:
    """A spec's [data] as a person names it: the bundled set ("iris"), a CSV by its file name, the library's
    abstracts by the labels learnt; "" when it names none."""
    dataset = data.get("dataset")
    if dataset == "csv":
        return PurePath(str(data.get("path") or "?")).name
    if dataset == "library_text":
        return f"the library's abstracts (labels: {data.get('labels') or 'tags'})"
    return str(dataset or "")


def run_setup(spec: str | dict[str, Any] | None) -> dict[str, Any]:
    """{"dataset" (the spec's key: "iris", "csv", ...), "data" (data_name), "model" (family), "metric" (the
    first one asked for, "" for the task's defaults), "drafted" ({"dataset", "reason"} the draft recorded, or
    None)} of a spec's text or its parsed table; empty strings when it cannot be read."""
    if not isinstance(spec, dict):
        import tomllib

        try:
            spec = tomllib.loads(spec or "")
        except tomllib.TOMLDecodeError:
            spec = {}
    data, model, ev, source = (spec.get(k) if isinstance(spec.get(k), dict) else {}
                               for k in ("data", "model", "eval", "source"))
    metrics = ev.get("metrics") if isinstance(ev.get("metrics"), list) else []
    drafted = source.get("drafted_dataset")
    return {"dataset": str(data.get("dataset") or ""), "data": data_name(data),
            "model": str(model.get("family") or ""), "metric": str(metrics[0]) if metrics else "",
            "drafted": ({"dataset": drafted, "reason": str(source.get("drafted_dataset_reason") or "")}
                        if drafted else None)}


def setup_text(setup: dict[str, Any]) -> str:
    """"iris, mlp": the data set and model a run used ("" when its spec says neither)."""
    return ", ".join(x for x in (setup.get("data"), setup.get("model")) if x)


def setup_line(setup: dict[str, Any]) -> str:
    """"data: iris; model: mlp": the same, labelled, where a run is shown on its own (`runs show`, the report's
    run section); "" when its spec says neither."""
    return "; ".join(f"{k}: {setup[k]}" for k in ("data", "model") if setup.get(k))


def headline(metrics: dict[str, Any]) -> str:
    """The run's headline result: its first metric ("accuracy 0.6200"), "" for a run with none."""
    for name, value in (metrics or {}).items():
        if isinstance(value, (int, float)):
            return f"{name} {value:.4f}"
    return ""


def gap_link_words(row: dict[str, Any]) -> str:
    """", testing gap #3" for a finished run, ", for gap #3 (cancelled, no result)" for one that did not
    finish (it tested nothing), "" for a run linked to no gap."""
    if row.get("gap_id") is None:
        return ""
    if row.get("status") == FINISHED:
        return f", testing gap #{int(row['gap_id'])}"
    return f", for gap #{int(row['gap_id'])} ({UNFINISHED_WORDS.get(str(row.get('status')), 'no result')})"


def _problem_name(gap: dict[str, Any]) -> str:
    details = gap.get("details") or {}
    return str(details.get("problem_concept") or (gap.get("problem") or {}).get("label") or "").strip()


def data_caveat(setup: dict[str, Any], gap: Optional[dict[str, Any]]) -> Optional[str]:
    """What a reader of the run's link to ``gap`` must know about its data, None when the run used the data
    the draft proposed (or the user's own CSV where the draft asked for one). The draft's choice is the
    spec's record, else what a draft proposes for the gap now."""
    drafted = setup.get("drafted")
    if not drafted and gap:
        dataset, reason = drafted_dataset(gap)
        drafted = {"dataset": dataset, "reason": reason}
    ran = setup.get("dataset")
    if not drafted or not ran or ran == drafted["dataset"] or (drafted["dataset"] == PLACEHOLDER and ran == "csv"):
        return None
    problem = _problem_name(gap or {})
    # the user's own CSV may hold the problem's data: said, never judged; a bundled set cannot
    about = f" — not evidence about {problem}" if problem and ran != "csv" else ""
    reason = drafted.get("reason") or "no reason recorded"
    if drafted["dataset"] == PLACEHOLDER:
        return f"run on {setup['data']} (the draft's data set was a placeholder: {reason}){about}"
    return f"run on {setup['data']}, not on the draft's {drafted['dataset']} ({reason}){about}"


def with_caveats(rows: list[dict[str, Any]], gap_of: Callable[[int], Optional[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The rows (as `experiments.store.list_runs` gives them, with their "setup") each with "caveat":
    data_caveat of a finished run against its gap (``gap_of(gap_id)``, read once a gap), else None."""
    gaps: dict[int, Optional[dict[str, Any]]] = {}
    out = []
    for r in rows:
        gap_id, caveat = r.get("gap_id"), None
        if r.get("status") == FINISHED:
            if gap_id is not None and gap_id not in gaps:
                gaps[gap_id] = gap_of(gap_id)
            caveat = data_caveat(r.get("setup") or run_setup(r.get("spec")), gaps.get(gap_id))
        out.append(dict(r, caveat=caveat))
    return out


def run_link(row: dict[str, Any], gap: Optional[dict[str, Any]]) -> dict[str, Any]:
    """One run as its gap lists it: {"id", "status", "finished", "data", "model", "result", "caveat"} (the row
    as `experiments.store.list_runs` gives it, with its "setup")."""
    setup = row.get("setup") or run_setup(row.get("spec"))
    finished = row.get("status") == FINISHED
    return {"id": str(row["id"]), "status": str(row.get("status") or ""), "finished": finished,
            "data": setup.get("data", ""), "model": setup.get("model", ""),
            "result": headline(row.get("metrics") or {}) if finished else "",
            "caveat": data_caveat(setup, gap) if finished else None}


def gap_run_links(gap: Optional[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs linked to ``gap`` (rows newest first) as run_link gives them, the finished ones first."""
    links = [run_link(r, gap) for r in rows]
    return [x for x in links if x["finished"]] + [x for x in links if not x["finished"]]


def link_text(link: dict[str, Any]) -> str:
    """"RUN_ID: iris, mlp; accuracy 0.6200" (the caveat is shown apart, on its own line)."""
    what = "; ".join(x for x in (setup_text(link), link.get("result")) if x)
    return f"{link['id']}: {what}" if what else link["id"]


def unfinished_text(links: list[dict[str, Any]]) -> str:
    """"1 cancelled, no result (RUN_ID); 1 failed, no result (RUN_ID)": the runs of a gap that did not
    finish, by status; "" when every run finished."""
    by_status: dict[str, list[str]] = {}
    for x in links:
        if not x["finished"]:
            by_status.setdefault(x["status"], []).append(x["id"])
    return "; ".join(f"{len(ids)} {UNFINISHED_WORDS.get(status, status + ', no result')} ({', '.join(ids)})"
                     for status, ids in by_status.items())


def gap_runs_lines(links: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The lines a gap shows of its runs, as (kind, text): "run" (a finished run), "caveat" (what the run
    above it does not show), "unfinished" (the others, counted) and "none" (no run finished)."""
    out: list[tuple[str, str]] = []
    for x in links:
        if x["finished"]:
            out.append(("run", link_text(x)))
            if x["caveat"]:
                out.append(("caveat", x["caveat"]))
    if links and not out:
        out.append(("none", "none finished"))
    if unfinished_text(links):
        out.append(("unfinished", unfinished_text(links)))
    return out
