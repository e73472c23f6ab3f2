"""Read miner's TOML config into frozen dataclasses, naming the file and key of every mistake."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from miner.errors import ConfigError

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_TOKEN_ENVS = ("GITHUB_TOKEN", "GH_TOKEN")
DEFAULT_WAREHOUSE = "miner.duckdb"
DEFAULT_CONFIG = "miner.toml"


@dataclass(frozen=True)
class GitHubConfig:
    org: str | None = None
    api_url: str = DEFAULT_API_URL
    token_env: str | None = None

    def token(self) -> str | None:
        """The token from the configured environment variable, else GITHUB_TOKEN, then GH_TOKEN."""
        names = (self.token_env,) if self.token_env else DEFAULT_TOKEN_ENVS
        for name in names:
            value = os.environ.get(name)
            if value:
                return value
        return None

    def token_source(self) -> str:
        return self.token_env or " or ".join(DEFAULT_TOKEN_ENVS)


@dataclass(frozen=True)
class WarehouseConfig:
    path: str = DEFAULT_WAREHOUSE


@dataclass(frozen=True)
class Config:
    source: Path | None = None
    github: GitHubConfig = field(default_factory=GitHubConfig)
    warehouse: WarehouseConfig = field(default_factory=WarehouseConfig)
    bots: tuple[str, ...] = ()
    teams: dict[str, tuple[str, ...]] = field(default_factory=dict)


# The schema: for each table, its keys and the type each must have. Sub-tables that may hold
# arbitrary names (like [teams]) are described by a callable check instead.
_STR = (str, "a string")
_STR_LIST = (list, "an array of strings")

_SCHEMA: dict[str, dict[str, tuple[type, str]]] = {
    "github": {"org": _STR, "api_url": _STR, "token_env": _STR},
    "warehouse": {"path": _STR},
}
_TOP_LEVEL: dict[str, tuple[type, str]] = {"bots": _STR_LIST}
_FREE_TABLES = ("teams",)


def load(path: Path | None) -> Config:
    """Load the config at `path`; with None, ./miner.toml if it exists, else the defaults."""
    if path is None:
        default = Path(DEFAULT_CONFIG)
        if not default.exists():
            return Config()
        path = default
    if not path.exists():
        raise ConfigError(f"{path}: no such config file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text: {exc}") from exc
    return parse(data, path)


def parse(data: dict[str, Any], path: Path) -> Config:
    """Check `data` against the schema and build a Config; `path` names the file in errors."""
    for key, value in data.items():
        if key in _SCHEMA:
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: {key} must be a table [{key}]")
            for sub, sub_value in value.items():
                if sub not in _SCHEMA[key]:
                    known = ", ".join(_SCHEMA[key])
                    raise ConfigError(f"{path}: [{key}] {sub}: unknown key (known: {known})")
                _check_type(path, f"[{key}] {sub}", sub_value, _SCHEMA[key][sub])
        elif key in _TOP_LEVEL:
            _check_type(path, key, value, _TOP_LEVEL[key])
        elif key in _FREE_TABLES:
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: {key} must be a table [{key}]")
        else:
            known = ", ".join([*_SCHEMA, *_TOP_LEVEL, *_FREE_TABLES])
            raise ConfigError(f"{path}: {key}: unknown key (known: {known})")

    gh = data.get("github", {})
    api_url = gh.get("api_url", DEFAULT_API_URL)
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError(f'{path}: [github] api_url = "{api_url}": expected an http(s) URL')
    teams: dict[str, tuple[str, ...]] = {}
    for team, members in data.get("teams", {}).items():
        _check_type(path, f"[teams] {team}", members, _STR_LIST)
        teams[team] = tuple(members)
    return Config(
        source=path,
        github=GitHubConfig(
            org=gh.get("org"), api_url=api_url.rstrip("/"), token_env=gh.get("token_env")
        ),
        warehouse=WarehouseConfig(path=data.get("warehouse", {}).get("path", DEFAULT_WAREHOUSE)),
        bots=tuple(data.get("bots", ())),
        teams=teams,
    )


def _check_type(path: Path, where: str, value: object, expected: tuple[type, str]) -> None:
    kind, described = expected
    ok = isinstance(value, kind)
    if ok and kind is list:
        ok = all(isinstance(item, str) for item in value)  # type: ignore[attr-defined]
    if not ok:
        raise ConfigError(f"{path}: {where} = {value!r}: expected {described}")
