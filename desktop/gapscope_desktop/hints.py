"""What an empty view says to do next: the window's menu item and the CLI command that does it.

Every `gapscope ...` command quoted in the desktop's texts must exist in the CLI
(tests/desktop/test_first_launch.py::test_quoted_cli_commands_exist checks each one against
``gapscope --help``), so the hints live together here, where they are easy to check and keep true.
"""

from __future__ import annotations

from gapscope.sample import SAMPLE_SIZE

EMPTY_LIBRARY = (
    "<h3>This library has no papers yet</h3>"
    "<p>Bring some in:</p><ul>"
    "<li><b>File &gt; Collect Papers…</b> searches arXiv or Google Scholar "
    "(<code>gapscope collect arxiv QUERY</code>)</li>"
    "<li><b>File &gt; Import File…</b> reads BibTeX, RIS, CSV or an arXiv snapshot "
    "(<code>gapscope import FILE</code>)</li>"
    f"<li>or fill it with {SAMPLE_SIZE} sample papers to try things on (<code>gapscope sample</code>)</li></ul>"
    "<p>Then <b>Maps &gt; Build maps</b> (<code>gapscope analyze</code>) classifies, embeds and maps "
    "them, and <b>Gaps &gt; Find gaps</b> lists what is missing.</p>")

NO_MATCH = "No paper matches this filter. “Clear filter” shows the whole library."

NO_MAP = ("No map yet. “Build maps” classifies, embeds and clusters the library "
          "(or run `gapscope analyze`, or step by step `gapscope facets`, `gapscope embed`, `gapscope map`).")

NO_GAPS = "No gaps yet: build the maps, then “Find gaps” (or `gapscope analyze`, then `gapscope gaps find`)."
NO_GAPS_MAPS_BUILT = "No gaps yet: the maps are built; “Find gaps” lists what is missing (or `gapscope gaps find`)."

NO_RUNS = ("No experiment runs yet. Draft a spec from a gap (Gaps > Draft experiment), or open an example, "
           "then Launch (or `gapscope run SPEC.toml`).")

# the Experiments view's live plot while it has no point to draw
NO_CURVES = "No losses to draw yet: Launch a run and its loss curves are drawn here, one point per epoch."

NOTHING_TO_SCREEN = ("Nothing to screen: this scope holds no papers.<br><span style='font-size:11pt;'>"
                     "Bring papers in with File &gt; Collect Papers… or File &gt; Import File… "
                     "(<code>gapscope collect arxiv QUERY</code>, <code>gapscope import FILE</code>), "
                     "or pick another collection above.</span>")
