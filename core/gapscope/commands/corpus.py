"""`gapscope embed-corpus FILE --out DIR [--ray [ADDRESS]]`: an arXiv snapshot into Parquet shards + FAISS."""

from __future__ import annotations

import click

from .cluster import ray_options, run_on_ray
from .common import EXIT_CANCELLED, EXIT_ERROR, EXIT_NOT_FOUND, emit_json, fail, progress_bar


@click.command("embed-corpus")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--out", "out", type=click.Path(file_okay=False), required=True,
              help="Folder of the vector store (shards/, index.faiss, manifest.json); outside any library.")
@click.option("--shard-size", type=click.IntRange(1), default=50_000, show_default=True,
              help="Records per Parquet shard: the unit of resume and of work for a Ray actor.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N records (a trial run).")
@click.option("--device", default=None, help="auto, cpu, cuda, mps (default: the device setting).")
@click.option("--precision", type=click.Choice(["auto", "fp32", "bf16", "fp16"]), default="auto",
              help="auto: fp16 on CUDA, bf16 on CPUs with bf16 units, else fp32.")
@click.option("--batch-size", type=int, default=None, help="Texts per batch (default suits the device).")
@ray_options
@click.option("--json", "as_json", is_flag=True)
@click.option("--quiet", "-q", is_flag=True)
def embed_corpus_cmd(file, out, shard_size, limit, device, precision, batch_size, ray_address, ray_actors,
                     ray_cpus_per_actor, as_json, quiet) -> None:
    """Embed every abstract of an arXiv snapshot file (the Kaggle format, plain or .gz) with the bundled
    model into Parquet shards plus a FAISS index, outside the library. A re-run with the same file and
    --shard-size skips the shards already written (Ctrl-C keeps them)."""
    from ..embed.corpus import CorpusError, embed_corpus
    from ..jobs import Cancelled

    try:
        if ray_address:
            from ..cluster.library import embed_corpus_ray

            stats = run_on_ray("embed-corpus", ray_address, ray_actors, ray_cpus_per_actor, device, quiet or as_json,
                               lambda **kw: embed_corpus_ray(file, out, cpus_per_actor=ray_cpus_per_actor,
                                                             device=device, precision=precision,
                                                             shard_size=shard_size, batch_size=batch_size,
                                                             limit=limit, **kw))
        else:
            from .facets import _encoder

            encoder = _encoder(None, device, precision)
            with progress_bar("embed-corpus", enabled=not quiet and not as_json) as (progress, cancel):
                stats = embed_corpus(file, out, shard_size=shard_size, encoder=encoder, batch_size=batch_size,
                                     limit=limit, progress=progress, cancel=cancel)
    except CorpusError as exc:
        fail(str(exc), EXIT_NOT_FOUND if "no such file" in str(exc) else EXIT_ERROR)
    except Cancelled:
        click.echo("cancelled: written shards are kept; run again to resume", err=True)
        raise SystemExit(EXIT_CANCELLED)
    if as_json:
        emit_json(stats)
    else:
        click.echo(f"{stats['records']} records in {stats['shards']} shards ({stats['written']} written now, "
                   f"{stats['skipped_shards']} done before), {stats['bad']} bad (see {out}/bad-records.txt); "
                   f"index.faiss holds {stats['indexed']} vectors")


def register(main: click.Group) -> None:
    main.add_command(embed_corpus_cmd)
