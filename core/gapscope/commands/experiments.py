"""`gapscope run SPEC | run --resume RUN_ID` and `gapscope runs list / show / compare / draft`.

`gapscope run SPEC --events jsonl` streams one JSON object per line on stdout ({"event": "start" |
"epoch" | "fold_end" | "checkpoint" | "warning" | "done" | "cancelled" | "error", "run_id", ...}; an "error"
with "refused": true means that nothing started or changed: a spec or data that cannot run, a run that cannot
resume); with
--json the last line is the summary {"run_id", "status", "metrics": {name: mean}, "folds": [...]}.
Without --events or -q it prints an epoch line about ten times a fold (a text model's fold takes minutes) and
each fold's result. SIGTERM or SIGINT stops after the current optimiser step, saves a checkpoint, marks the run
folder cancelled and exits with code 130; `gapscope -L LIBRARY run --resume RUN_ID` finishes it, from the
fold and epoch where it stopped, and says so ("resuming fold 2/5 (seed 0 fold 1) at epoch 31/40"; the start
event's "resume_from"). A resume
of a run id that does not exist exits 4; of a run still running or already finished, 6 (with why).
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import click

from .common import (EXIT_ERROR, EXIT_NOT_FOUND, EXIT_NOT_NOW, emit_json, fail, force_option, pass_library,
                     refuse_existing, resolve_paper, stdout_output_option)


def _runs_dir(ref, runs_dir):
    from ..experiments.store import default_runs_dir

    return Path(runs_dir) if runs_dir else default_runs_dir(ref.path)


def _library_for_record(ref):
    """The library to record runs in: the one named by --library/$GAPSCOPE_LIBRARY, or the default if it exists."""
    if getattr(ref, "_path", None) or ref.path.exists():
        return str(ref.path)
    return None


@click.command("run")
@click.argument("spec", required=False, type=click.Path(dir_okay=False))
@click.option("--resume", "resume_id", metavar="RUN_ID", help="Continue a cancelled run (id or folder).")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override a spec value, e.g. --set train.epochs=2 (repeatable; value read as TOML).")
@click.option("--runs-dir", type=click.Path(file_okay=False), help="Where run folders go (default: <library folder>/runs).")
@click.option("--events", type=click.Choice(["none", "jsonl"]), default="none",
              help="jsonl: stream progress as one JSON object per line on stdout (for the desktop app).")
@click.option("--json", "as_json", is_flag=True, help="End with one JSON summary line on stdout.")
@click.option("--quiet", "-q", is_flag=True)
@pass_library
def run_cmd(ref, spec, resume_id, overrides, runs_dir, events, as_json, quiet) -> None:
    """Run an experiment spec (TOML): k-fold training with fixed seeds, a run folder with the spec,
    environment, per-epoch metrics, loss curves, best checkpoint and model card."""
    from ..experiments.datasets import DatasetError
    from ..experiments.runner import (EXIT_CANCELLED as RUN_CANCELLED, NotResumable, RunError, resume_run,
                                      run_spec)
    from ..experiments.resume_point import resume_line
    from ..experiments.spec import SpecError, check_runnable, load_spec
    from ..jobs import CancelToken

    if not spec and not resume_id:
        fail("give a SPEC file or --resume RUN_ID", 2)
    if spec and resume_id:
        fail("give either a SPEC file or --resume RUN_ID, not both", 2)
    cancel = CancelToken()

    def on_signal(signum, frame):  # noqa: ANN001
        if cancel.cancelled and signum == signal.SIGINT:
            raise KeyboardInterrupt
        if signum == signal.SIGINT and events != "jsonl" and not cancel.cancelled:
            click.echo("\nstopping after the current step; a checkpoint is kept (Ctrl-C again to abort now)",
                       err=True)
        cancel.cancel()

    # SIGBREAK: what RunProcess.cancel() sends on Windows (CTRL_BREAK_EVENT)
    for sig in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGBREAK", None)):
        if sig is not None:
            signal.signal(sig, on_signal)

    epochs = {}   # the fold length, from the start event: an epoch line at each tenth of a fold

    def emit(ev):
        if events == "jsonl":
            sys.stdout.write(json.dumps(ev, default=str) + "\n")
            sys.stdout.flush()
        elif quiet:
            pass  # -q keeps progress quiet; how the run ended is said below, errors included
        else:
            kind = ev["event"]
            if kind == "start":
                click.echo(f"run {ev['run_id']} on {ev['device']}: {ev['dataset'].get('description', '')}", err=True)
                click.echo(f"  folder {ev['folder']}", err=True)
                if ev.get("resumed"):
                    click.echo(f"  {resume_line(ev)}", err=True)
                epochs["n"] = ev.get("epochs") or 0
            elif kind == "epoch" and epochs.get("n"):
                # a fold can take minutes (text models): say how far it is, about ten times a fold
                n, e = epochs["n"], ev["epoch"]
                if e == 1 or e % max(1, n // 10) == 0:
                    losses = ", ".join(f"{k.replace('_', ' ')} {ev[k]:.4f}" for k in ("train_loss", "val_loss")
                                       if isinstance(ev.get(k), float))
                    click.echo(f"  seed {ev['seed']} fold {ev['fold']}: epoch {e}/{n}"
                               + (f", {losses}" if losses else ""), err=True)
            elif kind == "fold_end":
                click.echo(f"  seed {ev['seed']} fold {ev['fold']}: " + ", ".join(
                    f"{k} {v:.4f}" for k, v in ev["metrics"].items()) + f" (best epoch {ev['best_epoch']})", err=True)
            elif kind in ("warning", "error"):
                click.secho(f"  {kind}: {ev['message']}", fg="yellow" if kind == "warning" else "red", err=True)
            elif kind == "cancelled":
                click.echo(f"cancelled: resume with `{ev['resume']}`", err=True)

    lib_path = _library_for_record(ref)
    try:
        if resume_id:
            summary = resume_run(resume_id, runs_dir=_runs_dir(ref, runs_dir), library_path=lib_path,
                                 emit=emit, cancel=cancel)
        else:
            s = load_spec(spec, overrides)
            check_runnable(s)  # before anything is made: no runs folder for a spec that cannot run
            # run_spec reads the data first and makes the runs folder only for a run that starts
            summary = run_spec(s, runs_dir=_runs_dir(ref, runs_dir), library_path=lib_path, emit=emit, cancel=cancel)
    except SpecError as exc:
        code = EXIT_NOT_FOUND if "no such spec file" in str(exc) else EXIT_ERROR
        if events == "jsonl":
            emit({"event": "error", "run_id": None, "message": str(exc), "refused": True})
        fail(str(exc), code)
    except DatasetError as exc:
        # checked before a run folder or a library row is made (or, resuming, before the run is touched)
        message = (f"Not resumed: {exc}. The run is kept as it was; resume it once the data is fixed."
                   if resume_id else f"Not started: {exc}. No run was recorded.")
        if events == "jsonl":
            emit({"event": "error", "run_id": resume_id, "message": message, "refused": True})
        fail(message, EXIT_ERROR)
    except RunError as exc:
        if events == "jsonl":
            emit({"event": "error", "run_id": resume_id, "message": str(exc), "refused": True})
        # a run still running or already finished is there: not "not found"
        fail(str(exc), EXIT_NOT_NOW if isinstance(exc, NotResumable) else EXIT_NOT_FOUND)
    if as_json:
        emit_json({k: summary[k] for k in ("run_id", "status", "metrics", "folds", "std", "folder", "message")})
    elif events != "jsonl":
        if summary["status"] == "done":
            if not quiet:
                click.echo("done: " + ", ".join(f"{k} {v:.4f} ± {summary['std'][k]:.4f}"
                                                 for k, v in summary["metrics"].items()) + f"  ({summary['folder']})")
        elif summary["status"] != "cancelled":
            click.secho(f"{summary['status']}: {summary['message']}", fg="red", err=True)  # also with -q
    status = summary["status"]
    sys.exit(0 if status == "done" else RUN_CANCELLED if status == "cancelled" else EXIT_ERROR)


@click.group()
def runs() -> None:
    """Experiment runs: list, show, compare, and draft a spec from a gap."""


def _load_summary(ref, run, runs_dir):
    from ..experiments.runner import RunError, find_run_folder, summary_of

    try:
        folder = find_run_folder(run, _runs_dir(ref, runs_dir), _library_for_record(ref))
    except RunError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    summary = summary_of(folder.read_json("status.json"))
    summary["folder"] = str(folder.path.absolute())   # where it is now (status.json says where it was made)
    return folder, summary


def _folder_setup(folder: Path) -> dict:
    """What a run folder's run ran (run_links.run_setup of its spec.toml; empty when it has none)."""
    from ..experiments.run_links import run_setup

    try:
        return run_setup((folder / "spec.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return run_setup("")


def _settle_row(library_path: str, folder_status: dict) -> str:
    """A library row still 'running' whose folder says otherwise (the run was killed, or killed while it
    finished) takes the folder's status, so that it does not read 'running' forever."""
    from ..experiments.runner import resume_command, summary_of
    from ..experiments.store import update_run

    s = summary_of(folder_status)
    if s["status"] != "running":
        message = s["message"]
        if s["status"] == "interrupted":
            message = (f"the run's process ended without finishing (killed?); resume with "
                       f"`{resume_command(dict(folder_status, library=library_path))}`")
        update_run(library_path, dict(folder_status, status=s["status"], message=message,
                                      finished_at=folder_status.get("finished_at")), s["metrics"])
    return s["status"]


@runs.command("list")
@click.option("--gap", "gap_id", type=int,
              help="Only runs that tested this gap (linked to it or to another copy of it, as `gaps show` lists).")
@click.option("--paper", help="Only runs linked to this paper (library id, arXiv id or DOI).")
@click.option("--runs-dir", type=click.Path(file_okay=False),
              help="The folder of run folders (default: <library folder>/runs).")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def runs_list(ref, gap_id, paper, runs_dir, as_json) -> None:
    """Runs recorded in the library (or, without a library, the folders in --runs-dir)."""
    from ..experiments.runner import RunFolder, summary_of
    from ..experiments.store import list_runs

    rows = []
    if ref.path.exists():
        lib = ref.open()
        pid = None
        if paper:
            pid = resolve_paper(lib, paper)
        rows = list_runs(lib, paper_id=pid)
        if gap_id is not None:
            from ..gaps.identity import runs_of_gap

            tested = set(runs_of_gap(lib, gap_id))   # the same gap found again keeps its runs
            rows = [r for r in rows if r["id"] in tested]
        for r in rows:  # the folder knows best whether a "running" run is still alive
            st = Path(r["folder"]) / "status.json"
            if r["status"] == "running" and st.is_file():
                r["status"] = _settle_row(str(ref.path), RunFolder(st.parent).read_json("status.json"))
    if not rows and gap_id is None and paper is None:
        rd = _runs_dir(ref, runs_dir)
        for st in sorted(rd.glob("*/status.json"), reverse=True) if rd.is_dir() else []:
            s = summary_of(RunFolder(st.parent).read_json("status.json"))
            rows.append({"id": s["run_id"], "status": s["status"], "metrics": s["metrics"], "folder": s["folder"],
                         "gap_id": None, "papers": [], "setup": _folder_setup(st.parent)})
    if as_json:
        emit_json(rows)
        return
    from ..experiments.run_links import setup_text

    for r in rows:
        m = ", ".join(f"{k} {v:.4f}" for k, v in r["metrics"].items())
        link = f" gap #{r['gap_id']}" if r.get("gap_id") is not None else ""
        what = setup_text(r.get("setup") or {})     # what was run: data set, model
        click.echo(f"{r['id']:<44} {r['status']:<10} {what + '  ' if what else ''}{m}{link}")
    if not rows:
        click.echo("no runs", err=True)


@runs.command("show")
@click.argument("run")
@click.option("--runs-dir", type=click.Path(file_okay=False),
              help="The folder of run folders (default: <library folder>/runs).")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def runs_show(ref, run, runs_dir, as_json) -> None:
    """One run: status, metrics per fold, folder, and the gap and papers it is linked to."""
    folder, s = _load_summary(ref, run, runs_dir)
    status = folder.read_json("status.json")
    s.update(gap_id=status.get("gap_id"), papers=status.get("papers"), dataset=status.get("dataset"),
             started_at=status.get("started_at"), finished_at=status.get("finished_at"),
             setup=_folder_setup(folder.path))
    caveat = _gap_caveat(ref, s) if s["status"] == "done" else None
    if as_json:
        emit_json(dict(s, gap_caveat=caveat))
        return
    click.secho(f"{s['run_id']}  [{s['status']}]", bold=True)
    click.echo(f"folder: {s['folder']}")
    from ..experiments.run_links import setup_line

    what = setup_line(s["setup"])
    if what:
        click.echo(what)
    if s.get("message"):
        click.echo(s["message"])
    if s["gap_id"] is not None or s["papers"]:
        click.echo(f"gap: {s['gap_id']}  papers: {', '.join(map(str, s['papers'] or []))}")
    if caveat:
        click.echo(click.wrap_text(caveat, 100, initial_indent="  ! ", subsequent_indent="    "))
    for f in s["folds"]:
        click.echo(f"  seed {f['seed']} fold {f['fold']}: " + ", ".join(f"{k} {v:.4f}" for k, v in f["metrics"].items())
                   + f"  (best epoch {f['best_epoch']} of {f['epochs']})")
    for k, v in s["metrics"].items():
        click.echo(f"{k}: {v:.4f} ± {s['std'][k]:.4f}")


def _gap_caveat(ref, s: dict):
    """What the run's data say about its gap (run_links.data_caveat), None without a gap or a library."""
    if s.get("gap_id") is None or not ref.path.exists():
        return None
    from ..experiments.run_links import data_caveat
    from ..gaps import stored_gap_dict

    # a gap no longer stored: the spec's own record of its draft still speaks
    return data_caveat(s["setup"], stored_gap_dict(ref.open(), s["gap_id"]))


@runs.command("compare")
@click.argument("variant")
@click.argument("baseline")
@click.option("--metric", help="Metric to compare (default: the first one of the runs).")
@click.option("--runs-dir", type=click.Path(file_okay=False),
              help="The folder of run folders (default: <library folder>/runs).")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def runs_compare(ref, variant, baseline, metric, runs_dir, as_json) -> None:
    """Compare a variant run with its baseline over the same seeds and folds (paired tests, effect size)."""
    from ..experiments.compare import CompareError, compare_runs

    _, v = _load_summary(ref, variant, runs_dir)
    _, b = _load_summary(ref, baseline, runs_dir)
    try:
        res = compare_runs(v, b, metric)
    except CompareError as exc:
        fail(str(exc))
    if as_json:
        emit_json(res)
        return
    for w in res["warnings"]:
        click.secho(f"warning: {w}", fg="yellow", err=True)
    click.echo(click.wrap_text(res["summary"], 100))


def _read_gap_json(path: str) -> dict:
    """One gap as JSON (`gapscope gaps show N --json`); a file that is not one ends the command, naming the
    file and, for bad JSON, the line and column."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{path}: no such file (--gap-json)", EXIT_NOT_FOUND)
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read: {exc}")
    try:
        gap = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
    if not isinstance(gap, dict):
        fail(f"{path}: expected one gap, a JSON object (as `gapscope gaps show N --json` writes), "
             f"got a {type(gap).__name__}")
    return gap


@runs.command("draft")
@click.option("--gap", "gap_id", type=int, help="A gap of the library (gapscope gaps list).")
@click.option("--gap-json", type=click.Path(dir_okay=False), help="A gap as JSON, as `gapscope gaps show N --json` writes it.")
@stdout_output_option("Write the spec here (default or - : stdout); an existing file is kept unless --force.")
@force_option
@pass_library
def runs_draft(ref, gap_id, gap_json, output, force) -> None:
    """Draft an experiment spec (TOML, with comments explaining each choice) from a gap."""
    from ..experiments.draft import draft_spec_from_gap
    from ..outfiles import write_atomic

    if output:
        refuse_existing(output, force)      # a spec the user has edited is never replaced unasked

    lib = None
    if gap_json:
        gap = _read_gap_json(gap_json)
    elif gap_id is not None:
        lib = ref.open()
        from ..gaps import get_gap

        try:
            gap = get_gap(lib, gap_id).to_dict()
        except Exception as exc:  # unknown id
            fail(f"gap {gap_id}: {exc}", EXIT_NOT_FOUND)
        from ..gaps.identity import superseded_note

        earlier = superseded_note(lib, gap_id)
        if earlier:      # drafted all the same (the user asked for this id), never as if it were current
            click.echo(f"note: {earlier}", err=True)
    else:
        fail("give --gap ID or --gap-json FILE", 2)
    if lib is None and ref.path.exists():
        lib = ref.open()
    text = draft_spec_from_gap(gap, lib=lib)
    if output:
        write_atomic(output, text)
        click.echo(f"wrote {output}; edit it, then: gapscope run {output}", err=True)
    else:
        click.echo(text, nl=False)


def register(main: click.Group) -> None:
    main.add_command(run_cmd)
    main.add_command(runs)
