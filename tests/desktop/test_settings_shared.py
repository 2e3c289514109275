"""The desktop's Preferences and the core read one user settings file."""

from __future__ import annotations


def test_a_preference_saved_by_the_desktop_is_the_cores_user_setting(qtbot, library):
    from gapscope import settings as core_settings
    from gapscope_desktop import settings

    assert core_settings.Settings(library).lookup("device") == ("auto", "default")
    settings.put("compute/device", "cpu")
    settings.put("sources/scholar_url", "http://127.0.0.1:9/scholar, mirror")
    settings.put("window/tab", 2)
    settings.settings().sync()
    assert core_settings.Settings(library).lookup("device") == ("cpu", "user settings")
    assert core_settings.get("scholar_url") == "http://127.0.0.1:9/scholar, mirror"
    assert core_settings.device(library) == "cpu"
    library.set_setting("compute.device", "auto")               # the library's own choice ranks higher
    assert core_settings.Settings(library).lookup("device") == ("auto", "library")
    assert settings.get("compute/device") == "cpu"               # and the Preferences still show theirs


def test_citation_api_keys_typed_in_preferences_reach_the_core_and_are_never_shown(qtbot, library):
    from gapscope import settings as core_settings
    from gapscope_desktop import settings
    from gapscope_desktop.dialogs.preferences_dialog import PreferencesDialog

    key = "oa-key-0123456789abcdef"
    dlg = PreferencesDialog(lib=library)
    qtbot.addWidget(dlg)
    assert dlg.openalex_api_key.echoMode() == dlg.openalex_api_key.EchoMode.Password
    dlg.openalex_api_key.setText(key)
    dlg.s2_url.setText("http://127.0.0.1:9/s2")
    dlg.accept()
    settings.settings().sync()
    assert core_settings.get("openalex_api_key") == key
    assert core_settings.get("s2_url") == "http://127.0.0.1:9/s2"
    assert library.get_setting("citations.openalex_api_key") is None    # the key stays out of the library

    again = PreferencesDialog(lib=library)
    qtbot.addWidget(again)
    assert again.openalex_api_key.text() == ""                  # a stored key is not put back in the field
    assert key not in again.openalex_api_key.placeholderText()
    assert again.openalex_api_key.placeholderText().endswith("cdef); type to replace")
    again.accept()                                              # left empty: the stored key stays
    settings.settings().sync()
    assert core_settings.get("openalex_api_key") == key


def test_gaps_reference_library_chosen_in_preferences_is_the_cores_setting(qtbot, library, tmp_path):
    from gapscope import settings as core_settings
    from gapscope_desktop import settings
    from gapscope_desktop.dialogs.preferences_dialog import PreferencesDialog

    assert core_settings.Settings(library).lookup("gaps_reference") == (None, "default")
    dlg = PreferencesDialog(lib=library)
    qtbot.addWidget(dlg)
    assert dlg.gaps_reference.text() == ""
    dlg.gaps_reference.setText(str(tmp_path / "arxiv-ref.gapscope"))
    dlg.accept()
    settings.settings().sync()
    assert core_settings.Settings(library).lookup("gaps_reference") == (str(tmp_path / "arxiv-ref.gapscope"),
                                                                          "user settings")
    again = PreferencesDialog(lib=library)
    qtbot.addWidget(again)
    assert again.gaps_reference.text() == str(tmp_path / "arxiv-ref.gapscope")
    again.gaps_reference.setText("")                           # emptied: no reference check
    again.accept()
    settings.settings().sync()
    assert core_settings.Settings(library).lookup("gaps_reference") == (None, "default")


def test_gaps_thresholds_set_in_preferences_are_the_cores_settings_within_their_ranges(qtbot, library):
    from gapscope import settings as core_settings
    from gapscope_desktop import settings
    from gapscope_desktop.dialogs.preferences_dialog import PreferencesDialog

    dlg = PreferencesDialog(lib=library)
    qtbot.addWidget(dlg)
    assert (dlg.gaps_plausible_min.value(), dlg.gaps_established_min.value()) == (0.75, 3)     # the defaults
    assert dlg.gaps_plausible_min.toolTip() and dlg.gaps_established_min.toolTip()
    dlg.gaps_plausible_min.setValue(1.7)                        # out of range: the box holds its bound
    dlg.gaps_established_min.setValue(0)
    assert (dlg.gaps_plausible_min.value(), dlg.gaps_established_min.value()) == (1.0, 1)
    dlg.gaps_plausible_min.setValue(0.6)
    dlg.gaps_established_min.setValue(5)
    dlg.accept()
    settings.settings().sync()
    assert core_settings.Settings(library).lookup("gaps_plausible_min") == (0.6, "user settings")
    assert core_settings.Settings(library).lookup("gaps_established_min") == (5, "user settings")
    assert core_settings.get("gaps_plausible_min", library) == 0.6
    again = PreferencesDialog(lib=library)
    qtbot.addWidget(again)
    assert (again.gaps_plausible_min.value(), again.gaps_established_min.value()) == (0.6, 5)
    again.gaps_plausible_min.setValue(0.0)                      # 0 turns the floor off, and is kept as 0
    assert again.gaps_closest_min.value() == 5 and again.gaps_closest_min.toolTip()
    again.gaps_closest_min.setValue(0)                          # 0 turns the closest-work check off
    assert again.gaps_openalex_min.value() == 0 and "OpenAlex" in again.gaps_openalex_min.toolTip()
    again.gaps_openalex_min.setValue(25)                        # the online check: 25 works establish a pair
    again.accept()
    settings.settings().sync()
    assert core_settings.get("gaps_plausible_min", library) == 0.0
    assert core_settings.Settings(library).lookup("gaps_closest_min") == (0, "user settings")
    assert core_settings.Settings(library).lookup("gaps_openalex_min") == (25, "user settings")


def _gaps_view_with(qtbot, library, first: dict, second: dict):
    """The Gaps view showing two concept gaps with these details, the first selected."""
    from gapscope_desktop.views.gaps_view import GapsView

    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([{"id": k + 1, "type": "method_x_problem", "score": 0.9 - k / 10, "statement": f"Apply gap {k}.",
                     "evidence": [], "evidence_roles": {}, "details": {"level": "concept", **details}}
                    for k, details in enumerate((first, second))])
    return view


def test_gaps_view_shows_the_reference_papers_that_already_tried_a_gap(qtbot, library):
    ref = {"library": "/r.gapscope", "size": 74566, "co_mentions": 2, "min_co_mentions": 3, "established": False,
           "papers": [{"id": 7, "title": "Attention Retention for Continual Learning", "year": 2026,
                       "arxiv_id": "2602.05454", "library_id": 31}, {"id": 9, "title": "Replay on the fly", "year": 2025, "arxiv_id": None}]}
    view = _gaps_view_with(qtbot, library, {"reference": ref}, {"reference": None})
    text = view.detail.toPlainText()
    assert "Already tried in the reference corpus: 2 abstracts" in text
    assert "Attention Retention for Continual Learning" in text and "2602.05454" in text
    # the library holds that one too: said, the other not
    assert "2602.05454, in this library" in text and text.count("in this library") == 1
    view.table.setCurrentItem(view.table.topLevelItem(1))
    assert "reference corpus" not in view.detail.toPlainText()


def test_gaps_view_shows_the_openalex_works_that_already_tried_a_gap_or_why_it_was_not_checked(qtbot, library):
    world = {"source": "OpenAlex", "query": '("CRF") AND ("ASR")', "works": 3, "min_works": 25, "established": False,
             "error": None, "papers": [{"title": "Hidden conditional random fields for phone classification",
                                        "year": 2005, "citations": 400, "doi": None, "openalex_id": "W1"}]}
    failed = dict(world, works=None, papers=[], error="3 OpenAlex requests failed in a row (last: timed out)")
    view = _gaps_view_with(qtbot, library, {"openalex": world}, {"openalex": failed})
    text = view.detail.toPlainText()
    assert "Already tried elsewhere (OpenAlex, all years): 3 works mention both" in text
    assert "Hidden conditional random fields for phone classification" in text and "2005, 400 citations" in text
    view.table.setCurrentItem(view.table.topLevelItem(1))
    text = view.detail.toPlainText()
    assert "OpenAlex check: not done for this gap (3 OpenAlex requests failed in a row" in text


def test_proxies_chosen_in_preferences_pass_the_declared_collect_proxy_setting(qtbot, library):
    """The Preferences store {"http": ..., "https": ...} in the library; the declared collect.proxy
    setting accepts that form, so collect uses it without a warning."""
    import warnings

    from gapscope import settings as core_settings
    from gapscope.collect import proxies
    from gapscope_desktop.dialogs.preferences_dialog import PreferencesDialog

    dlg = PreferencesDialog(lib=library)
    qtbot.addWidget(dlg)
    dlg.http_proxy.setText("http://127.0.0.1:3128")
    dlg.https_proxy.setText("")
    dlg.accept()
    for key, value in dlg.library_settings.items():
        core_settings.checked_library_value(key, value)          # what `settings set` would accept too
        library.set_setting(key, value)
    with warnings.catch_warnings():
        warnings.simplefilter("error", core_settings.SettingWarning)
        assert proxies(library) == {"http": "http://127.0.0.1:3128"}


def test_each_count_a_gap_prints_names_the_preferences_label_of_its_setting(qtbot, library):
    """A gap printed "(established from 5)" while Preferences said "Gaps established at (abstracts): 3": the
    5 was another setting's ("done in other words at"). Each printed count now quotes the label of the
    setting that holds it, and that label is in Preferences beside that setting's box."""
    import re

    from click.testing import CliRunner
    from PySide6.QtWidgets import QFormLayout

    from gapscope.cli import main
    from gapscope.gaps import list_gaps
    from gapscope.gaps.model import Gap
    from gapscope.gaps.store import save_gaps
    from gapscope_desktop.dialogs.preferences_dialog import PreferencesDialog

    details = {"reference": {"co_mentions": 1, "size": 74566, "min_co_mentions": 3, "papers": []},
               "openalex": {"works": 1, "min_works": 25, "papers": []},
               "closest_check": {"done": 2, "min_done": 5, "sources": ["reference", "library"], "done_unnamed": []},
               "combined_by": {"count": 0, "papers": []}}
    save_gaps(library, [Gap(type="method_x_problem", score=0.5, statement="Apply A to B.", method=None, problem=None,
                            evidence=[], details=details)])
    gid = str(list_gaps(library)[0].id)
    out = CliRunner().invoke(main, ["--library", str(library.path), "gaps", "show", gid]).output
    from gapscope.gaps.thresholds import DONE_AT

    setting_of = {label: key for key, label in DONE_AT.items()}
    printed = re.findall(r"done from (\d+): Preferences \u201c([^\u201d]+)\u201d, setting (\w+)", out)
    # the closest-work line, long already, names the label alone ("done at 5 (Preferences “...”)")
    printed += [(n, label, setting_of.get(label)) for n, label in
                re.findall(r"done at (\d+) \(Preferences \u201c([^\u201d]+)\u201d\)", out)]
    assert sorted((n, key) for n, _label, key in printed) == [
        ("25", "gaps_openalex_min"), ("3", "gaps_established_min"), ("5", "gaps_closest_min")], out
    dlg = PreferencesDialog(lib=library)
    qtbot.addWidget(dlg)
    labelled = {}
    for form in dlg.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label, field = form.itemAt(row, QFormLayout.LabelRole), form.itemAt(row, QFormLayout.FieldRole)
            if label is not None and field is not None and field.widget() is not None:
                labelled[label.widget().text().rstrip(":")] = field.widget()
    for _n, label, key in printed:
        assert labelled.get(label) is getattr(dlg, key), (label, sorted(labelled))
