"""The citation graph: enrichment from OpenAlex and Semantic Scholar (``enrich``), similarity from the
local graph (``graph``, ``related``), snowballing for screening (``snowball``), citation-aware gaps
(``gaps``) and the graph figure (``figure``). Modules are imported where used: numpy and scipy load
only when a command needs them."""
