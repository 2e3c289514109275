"""Benchmarks and screenshot runs keep their window state out of the user's own settings file."""

from gapscope import settings as core_settings


def test_private_settings_move_the_file_the_window_writes(tmp_path, monkeypatch):
    from gapscope_desktop import settings as app_settings

    user_file = tmp_path / "user" / "GapScope.ini"
    monkeypatch.setenv("GAPSCOPE_SETTINGS", str(user_file))
    app_settings.use_private_settings(tmp_path / "bench")
    app_settings.put("library/path", "/tmp/some-trial.gapscope")
    app_settings.settings().sync()
    assert core_settings.user_settings_path() == tmp_path / "bench" / "GapScope.ini"
    assert (tmp_path / "bench" / "GapScope.ini").exists()
    assert not user_file.exists()
