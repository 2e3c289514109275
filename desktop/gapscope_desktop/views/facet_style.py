"""Colours for facet roles and for shortcoming sentences, shared by the detail pane, the triage card and the maps."""

FACET_COLORS = {
    "background": "#7a7a7a",
    "objective": "#7b3fa0",
    "method": "#1f5fbf",
    "result": "#1d7a3a",
    "other": "#333333",
}
FACET_TINTS = {
    "background": "#f1f1f1",
    "objective": "#f3eaf8",
    "method": "#e7effb",
    "result": "#e6f4ea",
    "other": "#ffffff",
}
# a sentence that states a shortcoming (any type) is underlined in this colour, whatever its role
SHORTCOMING_COLOR = "#c0392b"
