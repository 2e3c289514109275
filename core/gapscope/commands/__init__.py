"""The `gapscope` CLI subcommands, one module per area; ``gapscope.cli`` registers them."""
