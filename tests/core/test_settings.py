"""One settings store: command line > environment > library > user settings file > default, and the
device preference reaching the encoders."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from gapscope import settings
from gapscope.cli import main
from gapscope.collect import ENDPOINT_DEFAULT

from .facets_helpers import add_papers, arxiv_records


def _user_file(text: str):
    path = settings.user_settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_each_layer_beats_the_ones_below(library, monkeypatch):
    assert settings.Settings(library).lookup("device") == ("auto", "default")
    _user_file("[compute]\ndevice=mps\n")
    assert settings.Settings(library).lookup("device") == ("mps", "user settings")
    library.set_setting("compute.device", "cuda")
    assert settings.Settings(library).lookup("device") == ("cuda", "library")
    assert settings.Settings(None).lookup("device") == ("mps", "user settings")   # no library open
    monkeypatch.setenv("GAPSCOPE_DEVICE", "cpu")
    assert settings.Settings(library).lookup("device") == ("cpu", "environment")
    settings.set_command_line("device", "auto")
    assert settings.Settings(library).lookup("device") == ("auto", "command line")
    settings.set_command_line("device", None)
    assert settings.Settings(library).lookup("device") == ("cpu", "environment")


def test_the_user_file_is_read_as_qsettings_writes_it():
    _user_file('[General]\nfoo=1\n\n[sources]\narxiv_url="http://127.0.0.1:9/api/query, with a comma"\n'
               'scholar_url=C:\\\\mirror\\\\scholar\n\n[window]\ngeometry=@ByteArray(\\x1\\xd9\\xd0\\xcb)\n')
    values = settings.read_user_settings()
    assert values["sources/arxiv_url"] == "http://127.0.0.1:9/api/query, with a comma"
    assert values["sources/scholar_url"] == "C:\\mirror\\scholar"
    assert values["foo"] == "1"
    assert "window/geometry" not in values          # Qt's typed values are not settings


def test_an_unreadable_user_file_warns_with_its_name_and_falls_back():
    path = _user_file("device=cpu without a section\n")
    with pytest.warns(UserWarning, match=str(path).replace("\\", "\\\\")):
        assert settings.Settings(None).lookup("device") == ("auto", "default")


def test_a_bad_value_names_where_it_came_from(library, monkeypatch):
    library.set_setting("compute.device", "gpu")
    with pytest.raises(settings.SettingError, match="library setting compute.device"):
        settings.get("device", library)
    monkeypatch.setenv("GAPSCOPE_DEVICE", "tpu")
    with pytest.raises(settings.SettingError, match=r"\$GAPSCOPE_DEVICE"):
        settings.get("device", library)


def test_endpoints_follow_the_same_order(library, monkeypatch):
    from gapscope.collect import endpoint

    monkeypatch.delenv("GAPSCOPE_ARXIV_URL", raising=False)
    assert endpoint(library, "arxiv") == ENDPOINT_DEFAULT["arxiv"]
    assert settings.SETTINGS["arxiv_url"].default == ENDPOINT_DEFAULT["arxiv"]
    assert settings.SETTINGS["scholar_url"].default == ENDPOINT_DEFAULT["scholar"]
    _user_file("[sources]\narxiv_url=http://user.example/api/query/\n")
    assert endpoint(library, "arxiv") == "http://user.example/api/query"
    library.set_setting("collect.arxiv_url", "http://library.example/api/query")
    assert endpoint(library, "arxiv") == "http://library.example/api/query"
    monkeypatch.setenv("GAPSCOPE_ARXIV_URL", "http://env.example/api/query")
    assert endpoint(library, "arxiv") == "http://env.example/api/query"


def test_the_cli_device_flag_beats_the_library_and_reaches_the_encoder(tmp_path, shared_data):
    """The library asks for a device this machine lacks: embedding fails, naming the library setting;
    `--device cpu` on the command line wins and the encoder runs on the CPU."""
    import torch

    from gapscope.store import Library

    lacking = "mps" if torch.cuda.is_available() else "cuda"
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        add_papers(lib, arxiv_records(str(shared_data), 3))
        lib.set_setting("compute.device", lacking)
    runner = CliRunner()
    res = runner.invoke(main, ["-L", str(path), "embed", "--kinds", "abstract", "--json"])
    assert res.exit_code == 2
    assert f"device {lacking} was asked for (the library setting compute.device)" in res.output
    res = runner.invoke(main, ["-L", str(path), "--device", "cpu", "embed", "--kinds", "abstract", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["embedded"] == 3
    res = runner.invoke(main, ["-L", str(path), "settings", "resolve", "device", "--json"])
    assert json.loads(res.stdout) == {"device": {"value": lacking, "source": "library"}}


def test_the_encoder_takes_the_device_setting(monkeypatch):
    from gapscope.embed import Encoder

    monkeypatch.setenv("GAPSCOPE_DEVICE", "cpu")
    assert Encoder(precision="fp32").device == "cpu"


def test_settings_set_refuses_a_device_that_is_not_a_choice(tmp_path):
    res = CliRunner().invoke(main, ["-L", str(tmp_path / "l.sqlite"), "settings", "set", "compute.device", "gpu"])
    assert res.exit_code == 2 and "auto, cpu, cuda, mps" in res.output
    assert not os.path.exists(tmp_path / "l.sqlite")


@pytest.mark.parametrize("key, value, allowed", [
    ("gaps.plausible_min", "1.7", "a number from 0 to 1"), ("gaps.plausible_min", "abc", "a number from 0 to 1"),
    ("gaps.plausible_min", "true", "a number from 0 to 1"), ("gaps.established_min", "0", "a whole number of 1 or more"),
    ("gaps.established_min", "2.5", "a whole number of 1 or more")])
def test_settings_set_refuses_a_number_out_of_range_or_mistyped_and_stores_nothing(tmp_path, key, value, allowed):
    path = str(tmp_path / "l.gapscope")
    runner = CliRunner()
    assert runner.invoke(main, ["-L", path, "settings", "set", "gaps.plausible_min", "0.6"]).exit_code == 0
    assert runner.invoke(main, ["-L", path, "settings", "set", "gaps.established_min", "4"]).exit_code == 0
    res = runner.invoke(main, ["-L", path, "settings", "set", key, value])
    assert res.exit_code == 2 and key in res.output and allowed in res.output and "nothing stored" in res.output
    got = runner.invoke(main, ["-L", path, "settings", "resolve", "--json"])
    values = json.loads(got.stdout)
    assert (values["gaps_plausible_min"]["value"], values["gaps_established_min"]["value"]) == (0.6, 4)


def test_settings_set_stores_a_valid_number_as_a_number(tmp_path):
    path = str(tmp_path / "l.gapscope")
    res = CliRunner().invoke(main, ["-L", path, "settings", "set", "gaps.plausible_min", "0"])
    assert res.exit_code == 0 and res.output.strip() == "gaps.plausible_min = 0.0"
    assert settings.Number(1, None, integer=True).allowed() == "a whole number of 1 or more"


def test_an_api_key_is_never_printed_in_full(tmp_path, monkeypatch):
    """`gapscope settings set | get | list | resolve` show an API key masked (its last 4 characters at
    most); the library keeps the key itself, and the enrichment uses it."""
    from gapscope.citations.enrich import api_key
    from gapscope.store import Library

    key, short = "sk-live-0123456789abcdefWXYZ", "tiny-key"
    path = str(tmp_path / "keys.gapscope")
    runner = CliRunner()

    def run(*args):
        r = runner.invoke(main, ["-L", path, *args], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return r.output

    monkeypatch.delenv("GAPSCOPE_S2_API_KEY", raising=False)
    monkeypatch.delenv("GAPSCOPE_OPENALEX_API_KEY", raising=False)
    outputs = [run("settings", "set", "citations.s2_api_key", key),
               run("settings", "set", "citations.openalex_api_key", short)]
    listed = json.loads(run("settings", "list", "--json"))
    outputs += [run("settings", "list"), json.dumps(listed), run("settings", "get", "citations.s2_api_key"),
                run("settings", "resolve"), run("settings", "resolve", "s2_api_key", "--json")]
    assert listed["citations.s2_api_key"] == "********WXYZ"
    assert listed["citations.openalex_api_key"] == "********"          # a short key shows none of itself
    assert listed["citations.s2_url"] == "https://api.semanticscholar.org"   # other settings as they are
    for out in outputs:
        assert key not in out and short not in out and "0123456789" not in out
    monkeypatch.setenv("GAPSCOPE_S2_API_KEY", key + "-from-env")
    assert key not in run("settings", "resolve", "s2_api_key")
    monkeypatch.delenv("GAPSCOPE_S2_API_KEY")
    with Library(path) as lib:
        assert lib.get_setting("citations.s2_api_key") == key
        assert api_key(lib, "s2") == key and api_key(lib, "openalex") == short


@pytest.mark.parametrize("key, value, said", [
    ("collect.max_retries", "abc", "collect.max_retries 'abc' is not valid: give a whole number from 0 to 20"),
    ("collect.timeout_s", "0", "collect.timeout_s 0 is not valid: give a number from 0.1 to 3600"),
    ("collect.arxiv_page_size", "5000", "collect.arxiv_page_size 5000 is not valid: give a whole number from 1 to 2000"),
    ("collect.proxy", "host:3128", "collect.proxy 'host:3128' is not valid: give a proxy URL"),
    ("citations.max_retries", "21", "citations.max_retries 21 is not valid: give a whole number from 0 to 20"),
    ("collect.timeout_secs", "30", "unknown setting 'collect.timeout_secs'; did you mean collect.timeout_s?"),
    ("no.such.key", "1", "unknown setting 'no.such.key'; known: ")])
def test_settings_set_refuses_a_bad_collect_value_or_an_unknown_key_and_stores_nothing(tmp_path, key, value, said):
    path = str(tmp_path / "l.gapscope")
    runner = CliRunner()
    assert runner.invoke(main, ["-L", path, "settings", "set", "collect.timeout_s", "30"]).exit_code == 0
    before = json.loads(runner.invoke(main, ["-L", path, "settings", "list", "--json"]).stdout)
    res = runner.invoke(main, ["-L", path, "settings", "set", key, value])
    assert res.exit_code == 2 and said in res.output and "nothing stored" in res.output, res.output
    after = json.loads(runner.invoke(main, ["-L", path, "settings", "list", "--json"]).stdout)
    assert after == before and after["collect.timeout_s"] == 30.0


def test_settings_set_takes_good_collect_values_as_numbers_and_a_proxy_as_given(tmp_path):
    path = str(tmp_path / "l.gapscope")
    runner = CliRunner()
    for key, value, shown in (("collect.max_retries", "2", "2"), ("collect.arxiv_interval_s", "0", "0.0"),
                              ("collect.proxy", "http://127.0.0.1:3128", '"http://127.0.0.1:3128"'),
                              ("facets.vectors", "encoded", '"encoded"')):
        res = runner.invoke(main, ["-L", path, "settings", "set", key, value])
        assert res.exit_code == 0 and res.output.strip() == f"{key} = {shown}", res.output


def test_a_bad_value_stored_by_an_older_library_falls_back_to_the_default_with_a_warning(library):
    """A library written before the settings were checked may hold anything: collect runs with the
    default and a warning naming the key, instead of failing with int()'s message."""
    from gapscope.collect import make_fetcher, proxies

    library.set_setting("collect.max_retries", "abc")
    library.set_setting("collect.timeout_s", 0)
    library.set_setting("collect.proxy", "not a url")
    with pytest.warns(settings.SettingWarning) as caught:
        f = make_fetcher(library, "arxiv")
        assert proxies(library) is None
    said = " ".join(str(w.message) for w in caught)
    for key in ("collect.max_retries 'abc'", "collect.timeout_s 0", "collect.proxy 'not a url'"):
        assert key in said
    assert (f.max_retries, f.timeout) == (5, 60.0)


def test_every_library_setting_is_declared_once_with_the_collect_defaults_the_code_relies_on():
    from gapscope.sources import arxiv_api as ax

    keys = settings.LIBRARY_SETTINGS
    assert keys["collect.arxiv_interval_s"].default == ax.MIN_INTERVAL_S
    assert keys["collect.arxiv_page_size"].default == ax.MAX_PAGE_SIZE
    assert {"collect.timeout_s", "collect.max_retries", "collect.proxy", "citations.max_citing",
            "compute.device", "gaps.plausible_min"} <= set(keys)
    for s in keys.values():             # each default passes its own check
        assert settings.checked_library_value(s.library_key, s.default) == s.default or s.default is None


def test_the_cli_says_a_bad_stored_setting_as_a_plain_warning(capsys):
    import warnings

    import click

    from gapscope import cli

    ctx = click.Context(cli.main)
    with ctx, warnings.catch_warnings():
        warnings.simplefilter("always")
        cli._plain_setting_warnings(ctx)
        warnings.warn("the library setting collect.max_retries: 'abc' is not a whole number", settings.SettingWarning)
    err = capsys.readouterr().err
    assert err.startswith("warning: the library setting collect.max_retries") and "SettingWarning" not in err


def test_settings_set_by_a_settings_name_stores_it_where_it_is_read(tmp_path):
    """`settings set collect_timeout_s 5` (a setting's name) is stored under its library key, so the value
    is used; what the library keeps for itself in the same table is not listed as a setting."""
    from gapscope.store import Library

    path = str(tmp_path / "n.gapscope")
    runner = CliRunner()
    for args in (["collect_timeout_s", "5"], ["device", "cpu"]):
        r = runner.invoke(main, ["-L", path, "settings", "set", *args], catch_exceptions=False)
        assert r.exit_code == 0, r.output
    with Library(path) as lib:
        assert lib.get_setting("collect.timeout_s") == 5.0 and lib.get_setting("compute.device") == "cpu"
        assert settings.library_value(lib, "collect_timeout_s") == 5.0
        assert settings.Settings(lib, environ={}).lookup("device") == ("cpu", "library")
        lib.set_setting("gaps.last_find", {"at": "2026-01-01T00:00:00+00:00", "found": 0})
    r = runner.invoke(main, ["-L", path, "settings", "get", "collect_timeout_s"])
    assert r.output.strip() == "5.0"
    listed = json.loads(runner.invoke(main, ["-L", path, "settings", "list", "--json"]).output)
    assert "collect_timeout_s" not in listed and "device" not in listed and "gaps.last_find" not in listed
    assert listed["collect.timeout_s"] == 5.0 and listed["compute.device"] == "cpu"


def test_embedding_settings_are_read_checked_and_declared_with_the_real_default(library):
    """facets.vectors and embed.* are read through their declared settings: a bad stored value warns and
    falls back; embed.model's declared default is the model the code uses (settings list shows it)."""
    from gapscope.embed.encoder import DEFAULT_MODEL
    from gapscope.embed.library import facet_vectors_mode, library_encoder_args, library_model

    assert settings.LIBRARY_SETTINGS["embed.model"].default == DEFAULT_MODEL
    assert library_model(library) == DEFAULT_MODEL and library_encoder_args(library)["model"] is None
    library.set_setting("facets.vectors", "sideways")
    with pytest.warns(settings.SettingWarning, match="facets.vectors 'sideways'"):
        assert facet_vectors_mode(library) == "pooled"
    library.set_setting("facets.vectors", "Encoded")
    assert facet_vectors_mode(library) == "encoded"
    library.set_setting("embed.model", "other/model")
    library.set_setting("embed.model_path", "/models/other")
    assert library_model(library) == "other/model"
    assert library_encoder_args(library)["model"] == "/models/other"


@pytest.mark.parametrize("name", ["gaps.reference", "gaps_reference"])
def test_settings_resolve_takes_the_library_key_that_list_shows(tmp_path, name):
    """`settings list`, `get` and `set` name a setting by its library key: `resolve` takes it too."""
    path = str(tmp_path / "l.gapscope")
    runner = CliRunner()
    assert runner.invoke(main, ["-L", path, "settings", "set", "gaps.reference", "/tmp/ref.gapscope"]).exit_code == 0
    res = runner.invoke(main, ["-L", path, "settings", "resolve", name, "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == {"gaps_reference": {"value": "/tmp/ref.gapscope", "source": "library"}}


def test_settings_resolve_names_the_nearest_setting_for_a_typo(tmp_path):
    res = CliRunner().invoke(main, ["-L", str(tmp_path / "l.gapscope"), "settings", "resolve", "gaps.referense"])
    assert res.exit_code == 2
    assert "did you mean gaps.reference?" in res.output
