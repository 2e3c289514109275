"""One settings store for the core, the CLI and the desktop app, with one order of precedence:

    command line  >  environment  >  library settings table  >  user settings file  >  default

- command line: a flag such as ``gapscope --device cpu`` (:func:`set_command_line`), for this process;
- environment: ``$GAPSCOPE_DEVICE``, ``$GAPSCOPE_ARXIV_URL`` ... (the names in :data:`SETTINGS`);
- library: the open library's ``settings`` table (``gapscope settings set compute.device cpu``), so a
  library can carry its own choice to every machine that opens it;
- user settings file: the desktop's Preferences, an INI file (``$GAPSCOPE_SETTINGS``, else the file
  Qt's QSettings writes for GapScope: ``~/.config/GapScope/GapScope.ini``, ``%APPDATA%`` on Windows).
  The desktop writes it through QSettings; the core only reads it, with the standard library.

Nothing here imports Qt or numpy, or opens the library: a library is passed in (anything with
``get_setting``)."""

from __future__ import annotations

import configparser
import os
import sys
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

DEVICES = ("auto", "cpu", "cuda", "mps")
SOURCES = ("command line", "environment", "library", "user settings", "default")


class SettingError(ValueError):
    """A setting's value is not one of its choices, or asks for something this machine lacks."""


@dataclass(frozen=True)
class Setting:
    name: str
    env: Optional[str]              # the environment variable
    library_key: Optional[str]      # the key in the library's settings table
    user_key: Optional[str]         # "group/key" in the user settings file (the desktop's QSettings key)
    default: Any
    choices: tuple[str, ...] = ()
    help: str = ""
    secret: bool = False            # an API key: never shown in full (see :func:`shown`)
    parse: Optional[Callable[[Any], Any]] = None   # a value from its text (e.g. :class:`Number`); raises ValueError


@dataclass(frozen=True)
class Number:
    """A numeric setting's parser: a number (``integer``: a whole one) from ``lo`` to ``hi`` (None: no bound).
    Its bounds are what the Preferences' spin boxes allow; text that is no such number raises ValueError
    with the allowed range, the message `settings set` and a wrong environment value show."""
    lo: Optional[float] = None
    hi: Optional[float] = None
    integer: bool = False

    def allowed(self) -> str:
        kind = "a whole number" if self.integer else "a number"
        if self.lo is not None and self.hi is not None:
            return f"{kind} from {self.lo:g} to {self.hi:g}"
        if self.lo is not None:
            return f"{kind} of {self.lo:g} or more"
        return f"{kind} of {self.hi:g} or less" if self.hi is not None else kind

    def __call__(self, value: Any) -> Any:
        try:
            if isinstance(value, bool):        # JSON true / false is no number
                raise ValueError
            v = int(str(value).strip()) if self.integer else float(value)
        except (TypeError, ValueError):
            raise ValueError(f"give {self.allowed()}") from None
        if not ((self.lo is None or v >= self.lo) and (self.hi is None or v <= self.hi)):   # NaN fails too
            raise ValueError(f"give {self.allowed()}")
        return v


_share = Number(0.0, 1.0)
_count = Number(1, None, integer=True)
_seconds = Number(0.1, 3600.0)         # a wait for an answer: 0 would fail every request
_interval = Number(0.0, 3600.0)        # spacing between requests (0: mirrors and tests)
_retries = Number(0, 20, integer=True)


def _text(value: Any) -> Optional[str]:
    """Free text (a model name, a path, an e-mail address); empty is none."""
    if isinstance(value, (dict, list, bool)):
        raise ValueError("give text")
    return str(value).strip() or None if value is not None else None


def _proxy(value: Any) -> Any:
    """``collect.proxy``: one URL for every request, or {"http": URL, "https": URL} (what Preferences write)."""
    def url(v: Any) -> str:
        v = str(v).strip()
        if "://" not in v:
            raise ValueError("give a proxy URL such as http://host:3128, or {\"http\": URL, \"https\": URL}")
        return v

    if value in (None, "", {}):
        return None
    if isinstance(value, dict):
        if not set(value) <= {"http", "https"}:
            raise ValueError('give a proxy URL, or {"http": URL, "https": URL}')
        return {k: url(v) for k, v in value.items() if v} or None
    return url(value)


def _library(key: str, default: Any, help: str, parse: Optional[Callable[[Any], Any]] = None,
             choices: tuple[str, ...] = ()) -> Setting:
    """A setting kept only in the library's settings table (`gapscope settings set KEY VALUE`): its name is
    the key with '_' for '.' (``collect.timeout_s`` is ``collect_timeout_s``)."""
    return Setting(key.replace(".", "_"), None, key, None, default, choices, help, parse=parse)


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("device", "GAPSCOPE_DEVICE", "compute.device", "compute/device", "auto", DEVICES,
            "where the encoders run: auto (CUDA when present, else the CPU), cpu, cuda or mps"),
    Setting("arxiv_url", "GAPSCOPE_ARXIV_URL", "collect.arxiv_url", "sources/arxiv_url",
            "https://export.arxiv.org/api/query", (), "the arXiv API endpoint"),
    Setting("arxiv_pdf_url", "GAPSCOPE_ARXIV_PDF_URL", "collect.arxiv_pdf_url", "sources/arxiv_pdf_url",
            "https://arxiv.org/pdf", (), "where arXiv PDFs are downloaded from (ID is appended)"),
    Setting("scholar_url", "GAPSCOPE_SCHOLAR_URL", "collect.scholar_url", "sources/scholar_url",
            "https://scholar.google.com", (), "the Google Scholar endpoint"),
    Setting("openalex_url", "GAPSCOPE_OPENALEX_URL", "citations.openalex_url", "sources/openalex_url",
            "https://api.openalex.org", (), "the OpenAlex API endpoint (citation enrichment)"),
    Setting("s2_url", "GAPSCOPE_S2_URL", "citations.s2_url", "sources/s2_url",
            "https://api.semanticscholar.org", (), "the Semantic Scholar API endpoint (citation enrichment)"),
    Setting("openalex_api_key", "GAPSCOPE_OPENALEX_API_KEY", "citations.openalex_api_key", "sources/openalex_api_key",
            None, (), "the OpenAlex API key (required by OpenAlex since February 2026, free)", secret=True),
    Setting("s2_api_key", "GAPSCOPE_S2_API_KEY", "citations.s2_api_key", "sources/s2_api_key",
            None, (), "the Semantic Scholar API key (optional: without one, the shared, slower pool)", secret=True),
    Setting("gaps_reference", "GAPSCOPE_GAPS_REFERENCE", "gaps.reference", "gaps/reference_library", None, (),
            "a bigger GapScope library (e.g. an import of the arXiv snapshot) that `gaps find` checks each gap "
            "against: a pair of concepts its abstracts already mention together is established practice"),
    Setting("gaps_established_min", "GAPSCOPE_GAPS_ESTABLISHED_MIN", "gaps.established_min", "gaps/established_min",
            3, (), "reference abstracts mentioning both concepts that make a pair established practice, no gap "
            "(at least this many, or 4e-5 of the reference corpus when that is more)", parse=_count),
    Setting("gaps_plausible_min", "GAPSCOPE_GAPS_PLAUSIBLE_MIN", "gaps.plausible_min", "gaps/plausible_min",
            0.75, (), "the plausibility floor of a concept gap, 0 to 1: each concept must be closer (by its papers' "
            "content) to the other than this share of the concepts it could be paired with; 0 turns it off",
            parse=_share),
    Setting("gaps_closest_min", "GAPSCOPE_GAPS_CLOSEST_MIN", "gaps.closest_min", "gaps/closest_min",
            5, (), "abstracts close to a concept pair and about both of its concepts (the paraphrase-aware "
            "check over the library's and the reference's abstract vectors) that make the pair established "
            "practice, no gap; 0 turns the check off", parse=Number(0, None, integer=True)),
    Setting("gaps_openalex_min", "GAPSCOPE_GAPS_OPENALEX_MIN", "gaps.openalex_min", "gaps/openalex_min",
            0, (), "works in OpenAlex (all years, title or abstract) mentioning both concepts of a pair that make "
            "it established practice, no gap: `gaps find` asks OpenAlex once per pair it lists (online, with the "
            "openalex_api_key); 0 (the default) keeps gap finding offline", parse=Number(0, None, integer=True)),
    # collecting (gapscope.collect); the two defaults from arXiv's API terms are checked against
    # gapscope.sources.arxiv_api by the tests
    _library("collect.proxy", None, "a proxy for every collect request: http://HOST:PORT, or "
             '{"http": URL, "https": URL}', _proxy),
    _library("collect.timeout_s", 60.0, "the longest wait for the next bytes of an answer, in seconds "
             "(a 2,000-entry arXiv page can take tens of seconds)", _seconds),
    _library("collect.deadline_s", 300.0, "the longest wait for one request's whole answer, in seconds, "
             "however it trickles in", _seconds),
    _library("collect.max_retries", 5, "retries of a request that failed in a way worth retrying", _retries),
    _library("collect.arxiv_interval_s", 3.0, "seconds between two arXiv requests (at least 3 s on "
             "arxiv.org, the API's terms; less only for a mirror)", _interval),
    _library("collect.arxiv_page_size", 2000, "results per arXiv request (2,000 is the API's maximum)",
             Number(1, 2000, integer=True)),
    _library("collect.scholar_interval_s", 5.0, "seconds between two Google Scholar requests", _interval),
    # citation enrichment (gapscope.citations)
    _library("citations.openalex_mailto", None, "an e-mail address sent to OpenAlex (its polite pool)", _text),
    _library("citations.openalex_interval_s", 0.2, "seconds between two OpenAlex requests", _interval),
    _library("citations.s2_interval_s", 1.1, "seconds between two Semantic Scholar requests (it asks for at "
             "most one a second)", _interval),
    _library("citations.timeout_s", 30.0, "the longest wait for a citation source's answer, in seconds", _seconds),
    _library("citations.max_retries", 5, "retries of a citation request worth retrying", _retries),
    _library("citations.max_citing", 2000, "citing works stored per paper (the most cited have 100,000+)",
             Number(1, None, integer=True)),
    # vectors (gapscope.embed)
    _library("facets.vectors", "pooled", "how facet texts get their vectors: pooled (from the facets pass) "
             "or encoded (a second pass)", choices=("pooled", "encoded")),
    _library("embed.model", "all-MiniLM-L6-v2", "the model the library's vectors are made with (set by "
             "`gapscope embed --model`)", _text),      # gapscope.embed.encoder.DEFAULT_MODEL (checked by the tests)
    _library("embed.model_path", None, "where that model was loaded from (set with embed.model)", _text),
)}
LIBRARY_SETTINGS: dict[str, Setting] = {s.library_key: s for s in SETTINGS.values() if s.library_key}

# Library setting keys whose values are secrets (API keys).
SECRET_KEYS = frozenset(k for s in SETTINGS.values() if s.secret for k in (s.name, s.library_key) if k)


def mask(value: Any) -> Any:
    """A secret as it may be shown: its last 4 characters at most (none of a short one), the rest starred."""
    if value in (None, ""):
        return value
    text = str(value)
    return "*" * 8 + (text[-4:] if len(text) >= 16 else "")


def shown(key: str, value: Any) -> Any:
    """``value`` of the setting named ``key`` (a setting's name or its library key) as it may be printed."""
    return mask(value) if key in SECRET_KEYS else value

_command_line: dict[str, Any] = {}


def set_command_line(name: str, value: Any) -> None:
    """Record a command-line flag for this process (None forgets it)."""
    _check_known(name)
    if value is None:
        _command_line.pop(name, None)
    else:
        _command_line[name] = _checked(SETTINGS[name], value, "the command line")


def clear_command_line() -> None:
    _command_line.clear()


def user_settings_path() -> Path:
    """``$GAPSCOPE_SETTINGS``, else where QSettings(IniFormat, UserScope, "GapScope", "GapScope") keeps
    its file, so the desktop's Preferences and the core read and write one file."""
    env = os.environ.get("GAPSCOPE_SETTINGS")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "GapScope" / "GapScope.ini"


def read_user_settings(path: Optional[Path] = None) -> dict[str, str]:
    """{"group/key": text} of the plain-text values in the user settings file; {} when there is none.
    Qt's own values (``@ByteArray(...)`` window state and the like) are left out. An unreadable file
    is reported with its name and otherwise ignored: a setting falls back to its default."""
    path = Path(path) if path is not None else user_settings_path()
    if not path.is_file():
        return {}
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str          # keys keep their case, as QSettings writes them
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError, OSError) as exc:
        warnings.warn(f"{path}: the user settings file cannot be read ({exc}); using the defaults", stacklevel=2)
        return {}
    out: dict[str, str] = {}
    for section in parser.sections():
        for key, raw in parser.items(section):
            value = _qt_ini_value(raw)
            if value is not None:
                out[key if section == "General" else f"{section}/{key}"] = value
    return out


def _qt_ini_value(raw: str) -> Optional[str]:
    """A QSettings INI value as text: quotes and backslash escapes undone; None for Qt's typed values."""
    raw = raw.strip()
    if raw.startswith("@") and not raw.startswith("@@"):
        return None
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        raw = raw[1:-1]
    out, i = [], 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            out.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    text = "".join(out)
    return text[1:] if text.startswith("@@") else text


class Settings:
    """The settings as one process sees them; ``lib``: the open library (None: no library layer)."""

    def __init__(self, lib: Any = None, *, environ: Optional[Mapping[str, str]] = None,
                 user: Optional[Mapping[str, str]] = None, command_line: Optional[Mapping[str, Any]] = None) -> None:
        self.lib = lib
        self.environ = os.environ if environ is None else environ
        self._user = user
        self.command_line = _command_line if command_line is None else command_line

    @property
    def user(self) -> Mapping[str, str]:
        if self._user is None:
            self._user = read_user_settings()
        return self._user

    def lookup(self, name: str) -> tuple[Any, str]:
        """(value, where it came from: one of :data:`SOURCES`)."""
        _check_known(name)
        s = SETTINGS[name]
        if name in self.command_line:
            return _checked(s, self.command_line[name], f"--{name}"), "command line"
        if s.env and self.environ.get(s.env):
            return _checked(s, self.environ[s.env], f"${s.env}"), "environment"
        if s.library_key and self.lib is not None:
            value = self.lib.get_setting(s.library_key)
            if value not in (None, ""):
                return _checked(s, value, f"the library setting {s.library_key}"), "library"
        if s.user_key and self.user.get(s.user_key):
            return _checked(s, self.user[s.user_key], f"{user_settings_path()} [{s.user_key}]"), "user settings"
        return s.default, "default"

    def get(self, name: str) -> Any:
        return self.lookup(name)[0]

    def where(self, name: str, source: str) -> str:
        """Where exactly a value from ``source`` was set, for a message."""
        s = SETTINGS[name]
        return {"command line": f"--{name}", "environment": f"${s.env}",
                "library": f"the library setting {s.library_key}",
                "user settings": f"{user_settings_path()} [{s.user_key}]"}.get(source, "the default")


def get(name: str, lib: Any = None) -> Any:
    """A setting's value by the precedence above."""
    return Settings(lib).get(name)


def device(lib: Any = None) -> str:
    """The torch device the encoders run on: the ``device`` preference resolved on this machine.
    "auto" is CUDA when present, else the CPU; asking for a device the machine lacks is an error that
    says where the request came from."""
    view = Settings(lib)
    value, source = view.lookup("device")
    return resolve_device(value, view.where("device", source))


def resolve_device(preference: str, source: str = "the default") -> str:
    """The torch device for a preference; ``source`` names where it was asked for, for the error."""
    import torch

    if preference == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if preference == "cuda" and not torch.cuda.is_available():
        raise SettingError(f"device cuda was asked for ({source}) but no CUDA device is available; "
                           "choose auto or cpu")
    if preference == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise SettingError(f"device mps was asked for ({source}) but Metal is not available here; "
                           "choose auto or cpu")
    return preference


def library_setting_for(key: str) -> Setting:
    """The declared setting for ``key`` (a library key or a setting's name); SettingError for a key no
    setting declares, with the nearest known key when it looks like a typo."""
    for s in SETTINGS.values():
        if key in (s.name, s.library_key) and s.library_key:
            return s
    import difflib

    near = difflib.get_close_matches(key, list(LIBRARY_SETTINGS), n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]}?" if near else f"; known: {', '.join(sorted(LIBRARY_SETTINGS))}"
    raise SettingError(f"unknown setting {key!r}{hint}")


def checked_library_value(key: str, value: Any) -> Any:
    """``value`` for the library setting ``key`` (a library key or a setting's name) as it may be stored:
    parsed by its setting's parser or choices; SettingError naming the setting and what it allows when it
    is not valid, or when no setting declares ``key`` (nothing is stored then)."""
    s = library_setting_for(key)
    return _checked(replace(s, name=key), value, "")


class SettingWarning(UserWarning):
    """A stored setting is not valid (an older library, a hand edit): its default is used instead."""


def library_value(lib: Any, key: str) -> Any:
    """The library setting ``key`` as stored in ``lib`` (its default when unset). A stored value that is not
    valid falls back to the default with a warning naming the key, instead of failing the work later."""
    s = library_setting_for(key)
    value = lib.get_setting(s.library_key) if lib is not None else None
    if value in (None, ""):
        return s.default
    try:
        return _checked(replace(s, name=key), value, "")
    except SettingError as exc:
        warnings.warn(f"the library setting {exc}; using the default {s.default!r} (fix it with "
                      f"`gapscope settings set {key} VALUE`)", SettingWarning, stacklevel=2)
        return s.default


def _check_known(name: str) -> None:
    if name not in SETTINGS:
        raise SettingError(f"unknown setting {name!r}; known: {', '.join(SETTINGS)}")


def _checked(s: Setting, value: Any, where: str) -> Any:
    where = f"{where}: " if where else ""
    if s.parse is not None:
        try:
            return s.parse(value)
        except (TypeError, ValueError) as exc:
            raise SettingError(f"{where}{s.name} {value!r} is not valid: {exc}") from None
    if s.choices:
        value = str(value).strip().lower()
        if value not in s.choices:
            raise SettingError(f"{where}{s.name} {value!r} is not one of {', '.join(s.choices)}")
    return value
