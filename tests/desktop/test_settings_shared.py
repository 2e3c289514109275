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
