"""Human words for every statistic a report shows: the internal keys of the triage statistics, the map
parameters, a gap's numbers and a run's environment become labels a reviewer reads
("stopping.estimated_relevant_unseen" -> "Estimated relevant papers not yet seen"), and values become
text (yes / no, lists, nested records as "label: value" pairs), never JSON."""

from __future__ import annotations

import re
from typing import Any, Iterable

LABELS: dict[str, str] = {
    # triage statistics (gapscope.triage.triage_stats, one level flattened)
    "collection": "Collection",
    "total": "Papers in scope",
    "screened": "Papers screened",
    "unseen": "Papers not screened yet",
    "include": "Included",
    "exclude": "Excluded",
    "maybe": "Maybe",
    "postpone": "Postponed",
    "seeds": "Seed papers (known relevant)",
    "awaiting_second": "Awaiting a second reviewer (screened by one only)",
    "labelled_for_model": "Decisions the ranking learns from",
    "uses_embeddings": "Ranking uses the embeddings",
    "stopping.estimated_relevant_unseen": "Estimated relevant papers not yet seen",
    "stopping.estimated_recall": "Estimated recall so far",
    "stopping.rough": "Estimate still rough (under 20 decisions)",
    "stopping.estimable": "Enough decisions for the estimate",
    "stopping.needs_screened": "Papers still to screen before the estimate",
    "stopping.needs_relevant": "Relevant papers still to find before the estimate",
    "stopping.interval_narrow": "95% bound narrow enough to read",
    "stopping.irrelevant_in_a_row": "Irrelevant papers in a row",
    "stopping.streak_threshold": "Irrelevant in a row before stopping",
    "stopping.suggest_stop": "Stopping suggested",
    "stopping.rule": "Stopping rule",
    "stopping.relevant_found": "Relevant papers found (include or maybe)",
    "stopping.allowed_missing": "Relevant papers the recall target allows to miss",
    "ranked_by": "Queue ranked by",
    "ranking": "How the queue is ranked",
    "model.text": "Ranking model",
    "model.classifier": "Ranking classifier",
    "model.C": "Regularisation (C)",
    "model.relevant_class_weight": "Relevant class weight (x balanced)",
    "model.class_weight": "Class weights",
    "model.features": "Ranking features",
    "model.embeddings": "Ranking uses sentence embeddings",
    "model.embedding_weight": "Embedding weight",
    # map parameters and scope
    "k": "Clusters (k)",
    "k_auto": "k chosen from the data",
    "seed": "Random seed",
    "model": "Embedding model",
    "algorithm": "Clustering",
    "niter": "k-means iterations",
    "label_docs": "Papers read per cluster label",
    "stability_seeds": "Re-clusterings for stability",
    "silhouette": "Silhouette by k (how k was chosen)",
    "layout": "2-D layout",
    "seconds": "Build time (s)",
    "library": "Whole library",
    "query": "Search",
    "paper_ids": "Papers given",
    "before": "Published before",
    # gap numbers
    "cooccurring": "Papers joining method and problem",
    "predicted": "Papers expected from similar methods",
    "method_size": "Papers in the method cluster",
    "problem_size": "Papers in the problem cluster",
    "neighbour_clusters": "Nearest method clusters",
    "neighbours": "Neighbours used",
    "rare_max": "At most this many joint papers counts as rare",
    "min_size": "Smallest cluster considered",
    "raw_score": "Raw score",
    "stated_by": "Papers stating it",
    "later_method_papers": "Later method papers",
    "close_later_methods": "Later methods close to it",
    "rate": "Close methods per stating paper",
    "typical_rate": "Typical rate",
    "threshold": "Closeness threshold",
    "since": "Median date of the statements",
    "size": "Papers",
    "density": "Density",
    "density_percentile": "Density percentile",
    "growth": "Growth",
    "recent_since": "Recent since",
    "recent": "Recent papers",
    "earlier": "Earlier papers",
    # a run's environment (env.json)
    "gapscope": "GapScope",
    "python": "Python",
    "platform": "Platform",
    "torch": "PyTorch",
    "numpy": "NumPy",
    "scikit-learn": "scikit-learn",
    "device": "Device",
    "cpu": "CPU",
    "torch_threads": "PyTorch threads",
    "deterministic_algorithms": "Deterministic algorithms",
    "cuda": "CUDA",
    "cuda_device": "GPU",
    "git_spec": "Spec folder (git)",
    "git_gapscope": "GapScope source (git)",
    "command": "Command",
    "captured_at": "Captured at",
    "notes": "Notes",
    "repo": "Folder",
    "commit": "Commit",
    "dirty": "Uncommitted changes",
    "id": "Run",
    # comparisons of runs
    "metric": "Metric",
    "variant": "Variant",
    "baseline": "Baseline",
    "n": "Pairs",
    "mean_variant": "Mean of the variant",
    "mean_baseline": "Mean of the baseline",
    "mean_diff": "Mean difference",
    "ci": "95% confidence interval",
    "t_p": "p (paired t-test)",
    "wilcoxon_p": "p (Wilcoxon)",
    "cohen_dz": "Effect size (Cohen's dz)",
    "rank_biserial": "Rank-biserial correlation",
    "wins": "Wins",
    "losses": "Losses",
    "ties": "Ties",
    "warnings": "Warnings",
}

GAP_TYPES = {
    "method_x_problem": "method not yet tried on a problem",
    "unaddressed_shortcoming": "shortcoming not yet addressed",
    "unaddressed_limitation": "limitation not yet addressed",
    "thin_growing": "thin but growing area",
}

_KEY = re.compile(r"[A-Za-z0-9]+")


def label(key: Any) -> str:
    """The human label of an internal key; an unknown key is spelled out ("foo_bar.baz" -> "Foo bar baz")."""
    key = str(key)
    if key in LABELS:
        return LABELS[key]
    words = " ".join(_KEY.findall(key.replace("_", " ").replace(".", " ")))
    return (words[:1].upper() + words[1:]) if words else key


def value(v: Any) -> str:
    """A value as a reader sees it: yes / no, 4 significant digits, lists joined, records as pairs."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        return ", ".join(value(x) for x in v) if v else "none"
    if isinstance(v, dict):
        return "; ".join(f"{label(k) if not _numeric(k) else k}: {value(x)}" for k, x in v.items()) or "none"
    return str(v)


def _numeric(k: Any) -> bool:
    return str(k).lstrip("-").replace(".", "", 1).isdigit()


def rows(d: dict[str, Any], skip: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(label, value) rows of a flat or nested record."""
    skip = set(skip)
    return [(label(k), value(v)) for k, v in d.items() if k not in skip]


def gap_type(t: str) -> str:
    return GAP_TYPES.get(t, label(t).lower())


def scope_text(scope: dict[str, Any]) -> str:
    if not scope or scope.get("library"):
        return "the whole library"
    parts = []
    if scope.get("collection"):
        parts.append(f"collection {scope['collection']}")
    if scope.get("query"):
        parts.append(f"search “{scope['query']}”")
    if scope.get("paper_ids"):
        parts.append(f"{scope['paper_ids']} chosen papers")
    if scope.get("before"):
        parts.append(f"published before {scope['before']}")
    return ", ".join(parts) or "the whole library"


def map_parameter_rows(m: dict[str, Any]) -> list[tuple[str, str]]:
    """A map's parameters and scope as rows (the reproducibility section)."""
    params = dict(m.get("params") or {})
    out = [("Papers", value(m.get("papers"))), ("Built", value(m.get("created_at"))),
           ("Covers", scope_text(m.get("scope") or {}))]
    sil = params.pop("silhouette", None)
    out += rows(params)
    if sil:
        out.append((label("silhouette"), ", ".join(f"k={k}: {value(v)}" for k, v in sil.items())))
    return out


def run_environment_rows(run: dict[str, Any]) -> list[tuple[str, str]]:
    out = [("Seeds", value(run.get("seeds") or []))]
    for k, v in (run.get("env") or {}).items():
        if isinstance(v, dict):
            v = ", ".join(f"{label(k2).lower()} {value(v2)}" for k2, v2 in v.items())
        out.append((label(k), value(v)))
    return out
