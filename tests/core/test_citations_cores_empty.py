"""`gapscope citations cores` before any enrichment: one line says there are no citation links and what to
run, instead of every cluster of the map listed with "0 with citations" and no core."""

from __future__ import annotations

import numpy as np


def test_cores_without_citation_links_say_to_enrich(library):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.ingest import ingest_papers
    from gapscope.maps.model import Cluster, Map
    from gapscope.maps.store import save_map
    from gapscope.models import Paper

    ingest_papers(library, [Paper(title=f"Paper {n}", year=2024, source="test", source_key=f"p{n}") for n in range(3)],
                  kind="import", source="test", target="constructed")
    ids = library.list_paper_ids()
    cl = [Cluster(id=k, label=f"topic {k}", keywords=[], representative="", size=s, stability=1.0, sizes_by_year={},
                  centroid=np.ones(4, dtype=np.float32) / 2) for k, s in ((0, 2), (1, 1))]
    save_map(library, Map(facet="topic", params={}, scope={"library": True}, clusters=cl,
                          assignments={ids[0]: 0, ids[1]: 0, ids[2]: 1}, coords={}))
    r = CliRunner().invoke(main, ["--library", str(library.path), "citations", "cores"])
    assert r.exit_code == 0, r.output
    assert "no citation links yet" in r.output and "gapscope enrich" in r.output
    assert "with citations" not in r.output and "topic 0" not in r.output
