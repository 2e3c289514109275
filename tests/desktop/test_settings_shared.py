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
