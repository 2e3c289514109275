"""`gapscope embed` and `gapscope facets [train | eval | show | review]`."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..vocabulary import EMBED_KINDS, SENTENCE_ROLES, SHORTCOMINGS
from .cluster import ray_options
from .common import (EXIT_CANCELLED, EXIT_ERROR, EXIT_NOT_FOUND, device_option, emit_json, fail, pass_library,
                     progress_bar, resolve_paper)



def _shared_data() -> Path:
    env = os.environ.get("GAPSCOPE_SHARED_DATA")
    return Path(env) if env else Path("..") / "shared" / "data"


def _encoder(model, device, precision):
    from ..embed import Encoder

    from ..settings import SettingError

    try:
        return Encoder(model, device=device, precision=precision)
    except SettingError as exc:
        fail(str(exc), 2)
    except (OSError, ValueError) as exc:
        fail(f"cannot load the model {model or 'all-MiniLM-L6-v2'}: {exc}", EXIT_NOT_FOUND)


def _device_options(f):
    f = click.option("--precision", type=click.Choice(["auto", "fp32", "bf16", "fp16"]), default="auto",
                     help="auto: fp16 on CUDA, bf16 on CPUs with bf16 units, else fp32.")(f)
    f = device_option(expose_value=True)(f)
    f = click.option("--batch-size", type=int, default=None, help="Texts per batch (default suits the device).")(f)
    return f


@click.command()
@click.option("--kinds", default=",".join(EMBED_KINDS), show_default=True,
              help="Comma-separated: abstract, method, result, shortcoming (facet texts need `gapscope facets` first).")
@click.option("--model", default=None, help="A local sentence-transformers model folder (default: bundled all-MiniLM-L6-v2).")
@_device_options
@ray_options
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_library
def embed(ref, kinds, model, precision, device, batch_size, ray_address, ray_actors, ray_cpus_per_actor,
          as_json, quiet) -> None:
    """Embed the library's abstracts and facet texts; texts embedded before are never encoded again.

    Committed every 1,024 texts: Ctrl-C stops after the current batch, and a re-run resumes. With
    --ray the texts are encoded by Ray actors and committed here as they come back."""
    from ..embed import embed_library
    from ..jobs import Cancelled

    lib = ref.open()
    kinds_t = tuple(k.strip() for k in kinds.split(",") if k.strip())
    bad = [k for k in kinds_t if k not in EMBED_KINDS]
    if bad:
        fail(f"unknown kind {bad[0]!r}; choose from {', '.join(EMBED_KINDS)}", 2)
    if ray_address:
        if model:     # the same settings as below; on a cluster the path must exist on every worker
            lib.set_setting("embed.model", os.path.basename(model.rstrip("/")) or model)
            lib.set_setting("embed.model_path", str(Path(model).expanduser().resolve()) if Path(model).exists() else model)
        stats = _embed_on_ray(lib, kinds_t, ray_address, ray_actors, ray_cpus_per_actor, device, precision,
                              batch_size, quiet or as_json)
        _print_embed(stats, as_json)
        return
    encoder = _encoder(model, device, precision) if (model or device or precision != "auto") else None
    if model:
        lib.set_setting("embed.model", encoder.model_id)
        lib.set_setting("embed.model_path", str(Path(model).expanduser().resolve()) if Path(model).exists() else model)
    try:
        with progress_bar("embed", enabled=not quiet and not as_json) as (progress, cancel):
            stats = embed_library(lib, kinds_t, encoder=encoder, progress=progress, cancel=cancel, batch_size=batch_size)
    except Cancelled:
        click.echo("cancelled: what was embedded is kept; run again to resume", err=True)
        raise SystemExit(EXIT_CANCELLED)
    _print_embed(stats, as_json)


def _print_embed(stats, as_json: bool) -> None:
    if as_json:
        emit_json(stats)
    else:
        for k, d in stats["kinds"].items():
            click.echo(f"{k}: {d['texts']} texts, {d['to_embed']} new")
        click.echo(f"embedded {stats['embedded']} texts with {stats['model']}")


def _on_ray(label: str, address: str, actors, cpus_per_actor: int, device, quiet: bool, job):
    """:func:`run_on_ray`, with what a cancelled run keeps."""
    from ..jobs import Cancelled
    from .cluster import run_on_ray

    try:
        return run_on_ray(label, address, actors, cpus_per_actor, device, quiet, job)
    except Cancelled:
        click.echo("cancelled: committed chunks are kept; run again to resume", err=True)
        raise SystemExit(EXIT_CANCELLED)


def _embed_on_ray(lib, kinds, address, actors, cpus_per_actor, device, precision, batch_size, quiet):
    from ..cluster.library import embed_library_ray

    return _on_ray("embed", address, actors, cpus_per_actor, device, quiet, lambda **kw: embed_library_ray(
        lib, kinds, cpus_per_actor=cpus_per_actor, device=device, precision=precision, batch_size=batch_size, **kw))


@click.group(invoke_without_command=True)
@click.option("--model-dir", type=click.Path(file_okay=False), default=None,
              help="A facet model folder from `gapscope facets train` (default: the shipped one).")
@click.option("--redo", is_flag=True, help="Classify every paper again, not only new or changed ones.")
@_device_options
@ray_options
@click.option("--json", "as_json", is_flag=True)
@click.option("--quiet", "-q", is_flag=True)
@click.pass_context
def facets(ctx, model_dir, redo, precision, device, batch_size, ray_address, ray_actors, ray_cpus_per_actor,
           as_json, quiet) -> None:
    """Split every abstract into sentences, each with a role (background / objective / method / result /
    other) and a shortcoming type (none / prior / open / own) (only papers not classified yet; resumable,
    Ctrl-C stops after a batch). With --ray the abstracts are encoded and labelled by Ray actors and
    committed here."""
    if ctx.invoked_subcommand is not None:
        return
    from ..facets import classify_library
    from ..facets.model import load_model
    from ..jobs import Cancelled

    ref = ctx.obj
    lib = ref.open()
    try:
        model = load_model(model_dir)
    except FileNotFoundError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    if ray_address:
        from ..cluster.library import classify_library_ray

        stats = _on_ray("facets", ray_address, ray_actors, ray_cpus_per_actor, device, quiet or as_json,
                        lambda **kw: classify_library_ray(lib, model=model, cpus_per_actor=ray_cpus_per_actor,
                                                          device=device, precision=precision, redo=redo,
                                                          batch_size=batch_size, **kw))
        _print_facets(lib, stats, as_json)
        return
    encoder = None
    if device or precision != "auto":
        em = model.encoder_model
        encoder = _encoder(None if em in (None, "all-MiniLM-L6-v2") else em, device, precision)
    try:
        with progress_bar("facets", enabled=not quiet and not as_json) as (progress, cancel):
            stats = classify_library(lib, progress=progress, cancel=cancel, model=model, encoder=encoder,
                                     redo=redo, batch_size=batch_size)
    except Cancelled:
        # after --redo the papers not reached keep their labels of the same model: a plain run finds
        # nothing to do, only --redo again (from the start) reaches them
        click.echo("cancelled: the papers classified before the stop keep their new labels, the others their "
                   "earlier ones; `gapscope facets --redo` starts again from the first paper (a plain `gapscope "
                   "facets` redoes only those labelled by another model)" if redo else
                   "cancelled: classified batches are kept; run again to resume", err=True)
        raise SystemExit(EXIT_CANCELLED)
    _print_facets(lib, stats, as_json)


def _print_facets(lib, stats, as_json: bool) -> None:
    from ..facets import facet_counts

    stats["labels"] = facet_counts(lib)
    if as_json:
        emit_json(stats)
    else:
        click.echo(f"classified {stats['classified']} papers ({stats['sentences']} sentences), "
                   f"{stats['skipped_up_to_date']} already up to date, model {stats['facet_model']}")
        if not stats["labels"]["roles"]:     # nothing labelled: say why instead of two empty lines
            n = lib.count_papers()
            click.echo("no sentence labelled: " + ("the library has no papers yet" if n == 0 else
                                                   f"the library has no abstracts ({n} paper{'s' if n != 1 else ''}, "
                                                   "none with an abstract)"))
            return
        click.echo("roles: " + ", ".join(f"{k} {v}" for k, v in stats["labels"]["roles"].items()))
        click.echo("shortcomings: " + ", ".join(f"{k} {v}" for k, v in stats["labels"]["shortcomings"].items()))


def _default_annotations() -> Path:
    return Path(__file__).resolve().parents[3] / "data" / "annotations" / "cs-shortcomings"


@facets.command("train")
@click.option("--csabstruct", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CSAbstruct train.jsonl (default: ../shared/data/facets/csabstruct/train.jsonl).")
@click.option("--limitations", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Limitation TSV; its training part is used (default: the shared file).")
@click.option("--cs", "cs_jsonl", type=click.Path(exists=True, dir_okay=False), multiple=True,
              help="Labelled CS abstracts (JSON lines; default: data/annotations/cs-shortcomings/train*.jsonl.gz).")
@click.option("--cs-labels", type=click.Path(exists=True, dir_okay=False), multiple=True,
              help="Their labels, SENTENCE_ID<TAB>role<TAB>shortcoming (default: the annotators' train labels).")
@click.option("--dev", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CSAbstruct dev file to score after training (default: the shared dev.jsonl when present).")
@click.option("--out", type=click.Path(file_okay=False), default="facets-model", show_default=True,
              help="Folder to write the trained model to (use it with `gapscope facets --model-dir`).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: the same seed, the same weights.")
@click.option("--epochs", type=int, default=None, help="Override the epochs.")
@click.option("--threshold", type=float, default=None, help="P(any shortcoming) from which a sentence is flagged.")
@click.option("--limit", type=int, default=None, help="Only the first N sequences of each source (quick tests).")
@click.option("--hold-out-dev", is_flag=True,
              help="Leave out the dev data of model selection (every 5th CS abstract, the limitation file's "
                   "articles with sha256 % 5 == 1): the shipped head was trained so.")
@click.option("--finetune", is_flag=True,
              help="Also fine-tune the encoder's top layers (a LoRA adapter shipped with the head); the hidden "
                   "states below them are cached under /tmp, so an epoch runs only those layers.")
@click.option("--layers", "ft_layers", type=click.IntRange(1, 6), default=None,
              help="With --finetune: how many top layers to adapt (default: the shipped model's).")
@device_option()
@click.option("--json", "as_json", is_flag=True)
def train_cmd(csabstruct, limitations, cs_jsonl, cs_labels, dev, out, seed, epochs, threshold, limit, hold_out_dev,
              finetune, ft_layers, as_json) -> None:
    """Train the two-head facet model (roles + shortcomings); the same seed gives the same weights bit for bit
    (without --finetune; with it, on the same machine and device)."""
    from ..facets.data import DataError
    from ..facets.train import train
    from ..jobs import Cancelled

    base = _shared_data() / "facets"
    csabstruct = csabstruct or base / "csabstruct" / "train.jsonl"
    limitations = limitations or base / "limitations" / "limitation-sentences-seed-semi.tsv"
    ann = _default_annotations()
    if not cs_jsonl and (ann / "train.jsonl.gz").exists():
        cs_jsonl = (ann / "train.jsonl.gz", ann / "train2.jsonl.gz")
        cs_labels = cs_labels or tuple(ann / "labels" / f for f in ("a1/train.tsv", "a2/train.tsv", "a3/train2.tsv"))
    if dev is None and (base / "csabstruct" / "dev.jsonl").exists() and not limit:
        dev = base / "csabstruct" / "dev.jsonl"
    for p in (csabstruct, limitations):
        if not Path(p).exists():
            fail(f"no such file: {p}", EXIT_NOT_FOUND)
    overrides = {k: v for k, v in (("ft_epochs" if finetune else "epochs", epochs), ("threshold", threshold),
                                   ("ft_layers", ft_layers)) if v is not None}
    if ft_layers is not None and not finetune:
        fail("--layers goes with --finetune", 2)
    try:
        with progress_bar("train", enabled=not as_json) as (progress, cancel):
            if finetune:
                from .. import settings
                from ..facets.finetune import train_finetune

                model = train_finetune(csabstruct, limitations, cs_jsonl=list(cs_jsonl), cs_labels=list(cs_labels),
                                       seed=seed, limit=limit, dev=dev, overrides=overrides, hold_out_dev=hold_out_dev,
                                       device=settings.device(), progress=progress, cancel=cancel)
            else:
                model = train(csabstruct, limitations, cs_jsonl=list(cs_jsonl), cs_labels=list(cs_labels), seed=seed,
                              limit=limit, dev=dev, overrides=overrides, hold_out_dev=hold_out_dev, progress=progress,
                              cancel=cancel)
    except DataError as exc:
        fail(str(exc), EXIT_ERROR)
    except Cancelled:
        click.echo("cancelled: nothing written", err=True)
        raise SystemExit(EXIT_CANCELLED)
    model.save(out)
    if as_json:
        emit_json({"out": str(out), **model.info})
    else:
        extra = " + adapter.npz" if model.adapter is not None else ""
        click.echo(f"wrote {out}/head.npz{extra} and head.json ({model.model_id}, sha256 {model.info['weights_sha256'][:16]})")
        if "dev" in model.info:
            click.echo(f"dev macro-F1 {model.info['dev']['macro_f1']:.4f}")


@facets.command("eval")
@click.option("--csabstruct", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A file in CSAbstruct format (JSON lines: sentences, labels): roles.")
@click.option("--limitations", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A TSV with `article`, `sentence_id`, `label` (POS/NEG) and `sentence` columns: own-work limitations.")
@click.option("--split", type=click.Choice(["all", "heldout", "train"]), default="heldout", show_default=True,
              help="Rows of the limitation file: heldout = articles with sha256(article) % 5 == 0 (not trained on).")
@click.option("--cs", "cs_jsonl", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Labelled CS abstracts (JSON lines) to score shortcomings and roles on.")
@click.option("--cs-labels", type=click.Path(exists=True, dir_okay=False), multiple=True,
              help="Their labels (SENTENCE_ID<TAB>role<TAB>shortcoming).")
@click.option("--model-dir", type=click.Path(file_okay=False), default=None,
              help="A facet model folder from `gapscope facets train` (default: the shipped one).")
@device_option()
@click.option("--json", "as_json", is_flag=True,
              help='One object: {"csabstruct": {...}, "limitations": {...}, "limitations_in_sections": {...}, '
                   '"shortcomings": {...}}.')
def eval_cmd(csabstruct, limitations, split, cs_jsonl, cs_labels, model_dir, as_json) -> None:
    """Precision, recall and F1 of the facet classifier on labelled files."""
    from ..facets.data import DataError
    from ..facets.evaluate import encoder_for, evaluate
    from ..facets.model import load_model

    if not csabstruct and not limitations and not cs_jsonl:
        fail("give --csabstruct FILE, --limitations FILE and/or --cs FILE --cs-labels FILE", 2)
    if cs_jsonl and not cs_labels:
        fail("--cs needs --cs-labels", 2)
    try:
        model = load_model(model_dir)
        encoder = encoder_for(model)
        res = evaluate(csabstruct, limitations, split=split, model_dir=model_dir, encoder=encoder,
                       cs_jsonl=cs_jsonl, cs_labels=list(cs_labels))
        if limitations:
            res.update(_limitations_in_sections(model, encoder, limitations, split))
    except DataError as exc:
        fail(str(exc), EXIT_ERROR)
    except FileNotFoundError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    prf = ("precision", "recall", "f1")
    if as_json:
        out = {}
        if "csabstruct" in res:
            c = res["csabstruct"]
            out["csabstruct"] = {"macro_f1": c["macro_f1"], "labels": {
                k: {m: v[m] for m in prf} for k, v in c["labels"].items()}}
        if "limitations" in res:
            out["limitations"] = {m: res["limitations"][m] for m in prf}
        if "limitations_in_sections" in res:
            out["limitations_in_sections"] = {m: res["limitations_in_sections"][m] for m in prf}
        if "shortcomings" in res:
            sc = res["shortcomings"]
            out["shortcomings"] = {"any": {m: sc["any"][m] for m in prf},
                                   "types": {k: {m: v[m] for m in prf} for k, v in sc["types"].items()},
                                   "roles_macro_f1": sc["roles_macro_f1"]}
        emit_json(out)
        return
    click.echo(f"model {res['model']}")
    if "csabstruct" in res:
        c = res["csabstruct"]
        click.echo(f"{c['file']}: {c['abstracts']} abstracts, {c['sentences']} sentences")
        click.echo(f"  {'label':<12}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
        for k, v in c["labels"].items():
            click.echo(f"  {k:<12}{v['precision']:>10.4f}{v['recall']:>10.4f}{v['f1']:>10.4f}{v['support']:>9}")
        click.echo(f"  macro-F1 {c['macro_f1']:.4f}  accuracy {c['accuracy']:.4f}")
    if "limitations" in res:
        v = res["limitations"]
        click.echo(f"{v['file']} ({v['split']}, {v['articles']} articles, {v['sentences']} sentences): own-work "
                   f"limitation (POS) precision {v['precision']:.4f} recall {v['recall']:.4f} F1 {v['f1']:.4f}")
    if "limitations_in_sections" in res:
        v = res["limitations_in_sections"]
        click.echo(f"  with each sentence's section, as a full text is read: precision {v['precision']:.4f} "
                   f"recall {v['recall']:.4f} F1 {v['f1']:.4f}")
    if "shortcomings" in res:
        v = res["shortcomings"]
        click.echo(f"CS shortcomings ({v['abstracts']} abstracts, {v['sentences']} sentences): any vs none "
                   f"precision {v['any']['precision']:.4f} recall {v['any']['recall']:.4f} F1 {v['any']['f1']:.4f}")
        for k, t in v["types"].items():
            click.echo(f"  {k:<6} precision {t['precision']:.4f} recall {t['recall']:.4f} F1 {t['f1']:.4f} "
                       f"(support {t['support']})")
        if v.get("roles_macro_f1") is not None:
            click.echo(f"CS roles macro-F1 {v['roles_macro_f1']:.4f}")


def _limitations_in_sections(model, encoder, path: str, split: str) -> dict:
    """{"limitations_in_sections": ...} when the limitation file has a ``section`` column, else {}."""
    from ..facets.shortcoming_data import read_limitation_sections
    from ..fulltext.limitation_eval import eval_limitations_in_sections

    if not read_limitation_sections(path):
        return {}
    return {"limitations_in_sections": eval_limitations_in_sections(model, encoder, path, split=split)}


@facets.command("show")
@click.argument("paper")
@click.option("--json", "as_json", is_flag=True,
              help="One object: paper_id and sentences, each with role, role_confidence, shortcoming, "
                   "shortcoming_confidence and whether each is the user's correction.")
@click.pass_obj
def show_cmd(ref, paper, as_json) -> None:
    """A paper's sentences, numbered, with their role and shortcoming (a user's correction marked with *):
    `gapscope annotate correct-facet PAPER --sentence N LABEL` corrects sentence N."""
    from ..facets import paper_sentences

    lib = ref.open()
    pid = resolve_paper(lib, paper)
    rows = paper_sentences(lib, pid)
    if as_json:
        emit_json({"paper_id": pid, "sentences": rows})
        return
    if not rows:
        click.echo(_why_no_sentences(lib, pid))
    for number, r in enumerate(rows, 1):
        click.echo(f"{number:>3}  {r['role']:<11}{'*' if r['role_corrected'] else ' '} {r['role_confidence']:.2f}  "
                   f"{r['shortcoming']:<6}{'*' if r['shortcoming_corrected'] else ' '} "
                   f"{r['shortcoming_confidence']:.2f}  {r['text']}")


def _why_no_sentences(lib, pid: int) -> str:
    """A paper without labelled abstract sentences: not classified yet, or no abstract (and its PDF text's state)."""
    if lib.paper_abstract(pid).strip():
        return "not classified yet: run `gapscope facets`"
    if not lib.attachments_of(pid):
        return f"paper {pid} has no abstract, so no sentences to label, and no PDF attached (`gapscope pdf attach`)"
    n, labelled = lib.fulltext_label_counts(pid)
    pdf = ("its PDF gave no text" if n == 0 else
           f"its PDF text is labelled ({labelled} of {n} sentences): `gapscope pdf text {pid}`" if labelled else
           f"its PDF text ({n} sentences) is not labelled yet: run `gapscope pdf label`")
    return f"paper {pid} has no abstract, so no sentences to label here; {pdf}"


@facets.command("review")
@click.option("--role", "--label", "role", type=click.Choice(SENTENCE_ROLES), default=None,
              help="Only sentences the classifier gave this role.")
@click.option("--shortcoming", type=click.Choice(SHORTCOMINGS), default=None,
              help="Only sentences the classifier gave this shortcoming type (e.g. own, before trusting the "
                   "shortcoming gaps).")
@click.option("--by", type=click.Choice(["either", "role", "shortcoming"]), default="either", show_default=True,
              help="Rank by the role's confidence, the shortcoming's, or the lower of the two.")
@click.option("--below", type=click.FloatRange(0, 1), default=None, help="Only labels with a confidence below this.")
@click.option("--limit", type=click.IntRange(min=1), default=30, show_default=True,
              help="How many sentences to list.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def review_cmd(ref, role, shortcoming, by, below, limit, as_json) -> None:
    """The least certain facet labels in the library, lowest confidence first: the ones to check first.

    Sentences already corrected are left out; correct one with
    `gapscope annotate correct-facet PAPER START END LABEL` (a role or a shortcoming type)."""
    from ..facets import uncertain_sentences

    lib = ref.open()
    rows = uncertain_sentences(lib, role=role, shortcoming=shortcoming, below=below, limit=limit, by=by)
    if as_json:
        emit_json({"sentences": rows})
        return
    if not rows:
        click.echo("no uncorrected labels match (classified yet? run `gapscope facets`)")
    for r in rows:
        click.echo(f"{r['role']:<11}{r['role_confidence']:.2f}  {r['shortcoming']:<6}{r['shortcoming_confidence']:.2f}"
                   f"  paper {r['paper_id']} [{r['start']}..{r['end']}]  {r['text']}")


def register(main: click.Group) -> None:
    main.add_command(embed)
    main.add_command(facets)
