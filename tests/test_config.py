"""The config file: defaults, every documented key, and one-line errors naming file and key."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from miner.config import (
    DEFAULT_API_URL,
    Calendar,
    Config,
    DeployConfig,
    GitConfig,
    ServiceLevels,
    load,
)
from miner.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "miner.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_loads_with_every_key() -> None:
    config = load(REPO / "config.example.toml")
    assert config.github.org == "acme"
    assert config.github.api_url == DEFAULT_API_URL
    # left out, as it is there, so GITHUB_TOKEN, GH_TOKEN and gh's token are looked for
    assert config.github.token_env is None
    # nor is [github.app]: the file copied as it is syncs with a token, not as an app whose key
    # file is not there
    assert config.github.app_id is None and config.github.app_private_key is None
    # a relative path is from the config file's folder
    assert config.warehouse.path == str(REPO / "miner.duckdb")
    assert config.bots == ("renovate-bot",)
    assert config.teams == {"web": ("alice", "bob")}
    assert config.calendar == Calendar(holidays=(date(2026, 12, 25),))
    assert config.team_calendars == {
        "security": Calendar(timezone="America/New_York", holidays=(date(2026, 12, 25),))
    }
    assert config.sla == ServiceLevels(8.0, 16.0)
    assert config.team_sla == {"security": ServiceLevels(4.0, 16.0)}
    assert config.deploys == DeployConfig(
        production=("production", "prod"), workflows=("deploy.yml",), tags=("v*",)
    )
    assert config.git == GitConfig(
        mirrors=False,
        cache=str(REPO / "miner.duckdb.mirrors"),
        ownership_days=90,
        identities={"alice@home.example": "alice"},
    )


def test_example_config_app_table_uncommented_loads(tmp_path: Path) -> None:
    text = (REPO / "config.example.toml").read_text(encoding="utf-8")
    for line in ("[github.app]", "id = 123456", 'private_key = "miner-app.private-key.pem"'):
        assert f"# {line}\n" in text
        text = text.replace(f"# {line}\n", f"{line}\n")
    config = load(write(tmp_path, text))
    assert config.github.app_id == 123456
    assert config.github.app_private_key == "miner-app.private-key.pem"


def test_one_deploy_glob_may_stand_alone(tmp_path: Path) -> None:
    text = '[deploys]\nproduction = "live"\nworkflows = "Deploy*"\n'
    assert load(write(tmp_path, text)).deploys == DeployConfig(
        production=("live",), workflows=("Deploy*",)
    )


def test_git_mirrors_live_beside_the_warehouse_unless_told() -> None:
    assert GitConfig().cache_folder(Path("/srv/m.duckdb")) == Path("/srv/m.duckdb.mirrors")
    assert GitConfig(cache="/var/cache/git").cache_folder(Path("m.duckdb")) == Path(
        "/var/cache/git"
    )


def test_identity_keys_compare_without_case_and_logins_lose_their_at(tmp_path: Path) -> None:
    text = '[git.identities]\n"Alice@Home.Example" = "@alice"\n'
    assert load(write(tmp_path, text)).git.identities == {"alice@home.example": "alice"}


def test_no_config_file_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load(None) == Config()


def test_token_falls_back_from_github_token_to_gh_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.setenv("GH_TOKEN", "from-gh")
    assert Config().github.token() == "from-gh"
    monkeypatch.setenv("GITHUB_TOKEN", "from-github")
    assert Config().github.token() == "from-github"


def test_token_env_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "not-this")
    monkeypatch.setenv("ACME_TOKEN", "this")
    config = load(write(tmp_path, '[github]\ntoken_env = "ACME_TOKEN"\n'))
    assert config.github.token() == "this"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[github]\norg = 3\n", "[github] org = 3: expected a string"),
        ("[github]\norgg = 'x'\n", "[github] orgg: unknown key"),
        ("colour = 'red'\n", "colour: unknown key"),
        ("bots = 'renovate'\n", "bots = 'renovate': expected an array of strings"),
        ("bots = [1]\n", "bots = [1]: expected an array of strings"),
        ("[teams]\nweb = 'alice'\n", "[teams] web = 'alice': expected an array of strings"),
        (
            "[github]\napi_url = 'github.com'\n",
            "[github] api_url = 'github.com': expected an http(s) URL with a host",
        ),
        (
            "[github]\napi_url = 'http://'\n",
            "[github] api_url = 'http://': expected an http(s) URL with a host, like "
            "https://api.github.com",
        ),
        ("[github]\napi_url = 'https://:8080'\n", "expected an http(s) URL with a host"),
        ("[github]\napi_url = 'https://ghe:port'\n", "expected an http(s) URL with a host"),
        ("[warehouse\n", "not valid TOML"),
        ("github = 1\n", "github must be a table"),
        ("[calendar]\nhours = '9-17'\n", "[calendar] hours = '9-17': expected \"HH:MM-HH:MM\""),
        ("[calendar]\nhours = '17:00-09:00'\n", "expected an end after the start"),
        # a lunch break is not a second range: one range a day, said as the string it must be
        (
            "[calendar]\nhours = ['09:00-12:00', '13:00-17:00']\n",
            "[calendar] hours = ['09:00-12:00', '13:00-17:00']: expected one range a day, "
            '"HH:MM-HH:MM"',
        ),
        ("[calendar]\ntimezone = 'Mars/Base'\n", "expected an IANA time zone"),
        ("[calendar]\ntimezone = -5\n", "[calendar] timezone = -5: expected an IANA time zone"),
        # in the system's tz database, which ZoneInfo reads, but not in DuckDB's, which a
        # rebuild counts working hours in
        (
            "[calendar]\ntimezone = 'localtime'\n",
            "[calendar] timezone = 'localtime': not a time zone DuckDB knows; use an IANA name "
            'such as "Europe/Berlin"',
        ),
        ("[calendar]\ntimezone = 'posixrules'\n", "not a time zone DuckDB knows"),
        ("[calendar]\ntimezone = 'posix/Europe/Berlin'\n", "not a time zone DuckDB knows"),
        (
            "[calendar.teams.web]\ntimezone = 'right/UTC'\n",
            "[calendar.teams.web] timezone = 'right/UTC': not a time zone DuckDB knows",
        ),
        ("[calendar]\nworkdays = ['monday']\n", "[calendar] workdays = ['monday']: expected days"),
        ("[calendar]\nholidays = ['25/12/2026']\n", "[calendar] holidays = '25/12/2026'"),
        ("[github]\nsince = '2025'\n", "[github] since = '2025': expected a date like"),
        ("[github]\nsince = 2025-01-01T00:00:00Z\n", "[github] since = datetime.datetime(2025"),
        ("[github]\nsince = 9999-01-01\n", "expected a date no later than today"),
        ("[calendar.teams.web]\nhours = 'x'\n", "[calendar.teams.web] hours = 'x'"),
        ("[calendar]\nweekends = 1\n", "[calendar] weekends: unknown key"),
        ("[sla]\nfirst_review_business_hours = 'eight'\n", "expected a positive number of hours"),
        ("[sla]\nfirst_review_business_hours = -1\n", "expected a positive number of hours"),
        # TOML's nan and inf are floats, and neither is more or less than a number of hours
        ("[sla]\nfirst_review_business_hours = nan\n", "= nan: expected a positive number"),
        ("[sla]\nfirst_review_business_hours = inf\n", "= inf: expected a positive number"),
        (
            "[sla.teams.web]\ncross_team_approval_business_hours = nan\n",
            "[sla.teams.web] cross_team_approval_business_hours = nan: expected a positive",
        ),
        ("[sla.teams.web]\nsecond_review = 3\n", "[sla.teams.web] second_review: unknown key"),
        # a team's table lists its own keys: teams are no key of it
        (
            "[calendar.teams.web]\ntz = 'UTC'\n",
            "[calendar.teams.web] tz: unknown key (known: timezone, workdays, hours, holidays)",
        ),
        # 'default' is the default calendar's name: a team's of that name would replace it
        (
            "[calendar.teams.Default]\ntimezone = 'Asia/Tokyo'\n",
            "[calendar.teams.Default]: 'default' is the default calendar's name",
        ),
        (
            "[sla.teams.web.teams.x]\nfirst_review_business_hours = 3\n",
            "[sla.teams.web] teams: unknown key (known: first_review_business_hours, "
            "cross_team_approval_business_hours)",
        ),
        (
            "[warehouse]\nmemory_limit = 'lots'\n",
            "[warehouse] memory_limit = 'lots': expected a size",
        ),
        (
            "[warehouse]\nmemory_limit = '10MB'\n",
            "[warehouse] memory_limit = '10MB': expected at least \"64MB\"",
        ),
        ("[warehouse]\nmemory_limit = '0MB'\n", "memory_limit = '0MB': expected at least"),
        (
            "[warehouse]\nmemory_limit = 64\n",
            '[warehouse] memory_limit = 64: expected a size such as "256MB" or "2GB"',
        ),
        ("[warehouse]\nmemory_limit = '1KB'\n", "memory_limit = '1KB': expected at least"),
        (
            "[github]\ninclude = 'web-*'\n",
            "[github] include = 'web-*': expected an array of strings",
        ),
        ("[github]\narchived = 'yes'\n", "[github] archived = 'yes': expected true or false"),
        ("[deploys]\nproduction = 1\n", "[deploys] production = 1: expected an array"),
        ("[deploys]\ntags = [1]\n", "[deploys] tags = [1]: expected an array of strings"),
        ("[deploys]\nenvironment = 'x'\n", "[deploys] environment: unknown key"),
        ("[git]\nmirrors = 'yes'\n", "[git] mirrors = 'yes': expected true or false"),
        ("[git]\nownership_days = 0\n", "[git] ownership_days = 0: expected a positive whole"),
        ("[git]\nownership_days = 1.5\n", "[git] ownership_days = 1.5: expected a positive"),
        (
            "[git]\nownership_days = 2147483648\n",
            "[git] ownership_days = 2147483648: expected a positive whole number of days, at "
            "most 36500",
        ),
        ("[git]\nmirror = true\n", "[git] mirror: unknown key"),
        # values of the right type that can only be slips
        (
            "[github.app]\nid = -1\nprivate_key = 'k.pem'\n",
            "[github.app] id = -1: expected a positive whole number",
        ),
        ("[git.identities]\n'a@b.example' = '@'\n", "'a@b.example' = '@': expected a GitHub login"),
        ("[deploys]\ntags = ['v*', '']\n", "[deploys] tags = ['v*', '']: expected patterns, none"),
        ("[github]\nexclude = ['']\n", "[github] exclude = ['']: expected globs, none of them"),
        ("[github]\ninclude = [' ']\n", "[github] include = [' ']: expected globs, none of"),
        ("bots = ['renovate', '']\n", "bots = ['renovate', '']: expected logins, none of them"),
        ("[teams]\nweb = ['alice', '']\n", "[teams] web = ['alice', '']: expected logins, none"),
        (
            "[dependencies]\nadd = [{ repo = 'web', depends_on = 'acme/Web' }]\n",
            "[dependencies] add[0].depends_on = 'acme/Web': expected another repo",
        ),
        (
            "[dependencies]\nremove = [{ repo = 'acme/api', depends_on = 'acme/api' }]\n",
            "[dependencies] remove[0].depends_on = 'acme/api': expected another repo",
        ),
        (
            "[dependencies]\nadd = [{ repo = 'acme/web', depends_on = 'Beta/api' }]\n",
            "[dependencies] add[0].depends_on = 'Beta/api': expected a repo of acme, the org of "
            "'acme/web'",
        ),
        ("[git]\ncache = 1\n", "[git] cache = 1: expected a string"),
        ("[git.identities]\nalice = 'alice'\n", "[git.identities] 'alice' = 'alice': expected an"),
        ("[git.identities]\n'a@b.example' = 1\n", "[git.identities] 'a@b.example' = 1: expected a"),
    ],
)
def test_bad_config_names_file_key_and_expectation(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load(path)
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_the_bounds_themselves_are_taken(tmp_path: Path) -> None:
    text = (
        "[warehouse]\nmemory_limit = '64MB'\n[git]\nownership_days = 36500\n"
        "[calendar]\ntimezone = 'Etc/GMT+5'\n[github]\napi_url = 'http://127.0.0.1:8765/'\n"
    )
    config = load(write(tmp_path, text))
    assert (config.warehouse.memory_limit, config.git.ownership_days) == ("64MB", 36500)
    assert (config.calendar.timezone, config.github.api_url) == (
        "Etc/GMT+5",
        "http://127.0.0.1:8765",
    )


def test_since_is_a_date_written_either_way_and_today_is_taken(tmp_path: Path) -> None:
    """[github] since as TOML writes a date, or as a string; today itself is no future day."""
    for value in ("2025-01-31", "'2025-01-31'"):
        github = load(write(tmp_path, f"[github]\nsince = {value}\n")).github
        assert (github.since, github.since_time) == (date(2025, 1, 31), "2025-01-31T00:00:00Z")
    today = datetime.now(UTC).date()  # a UTC date, as since is
    assert load(write(tmp_path, f"[github]\nsince = {today}\n")).github.since == today
    assert load(write(tmp_path, "[github]\n")).github.since_time is None


def test_a_byte_order_mark_is_no_part_of_the_toml(tmp_path: Path) -> None:
    path = tmp_path / "miner.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'[github]\norg = "acme"\n')  # as Notepad saves UTF-8
    assert load(path).github.org == "acme"


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: no such config file"):
        load(tmp_path / "nope.toml")


def test_without_a_token_variable_the_gh_clis_token_for_the_host_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from miner.config import GitHubConfig

    fake = tmp_path / "gh"
    fake.write_text(
        '#!/bin/sh\n[ "$1 $2 $3" = "auth token --hostname" ] && echo "gho_from_gh_for_$4"\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert GitHubConfig().token() == "gho_from_gh_for_github.com"
    enterprise = GitHubConfig(api_url="https://ghe.acme.test/api/v3")
    assert enterprise.token() == "gho_from_gh_for_ghe.acme.test"
    # a variable wins; a configured variable that is unset means no token, never gh's
    monkeypatch.setenv("GH_TOKEN", "from_env")
    assert GitHubConfig().token() == "from_env"
    assert GitHubConfig(token_env="MINER_TOKEN").token() is None


def test_a_token_is_taken_without_its_newline_and_never_echoed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from miner.config import GitHubConfig
    from miner.errors import ConfigError

    monkeypatch.setenv("GITHUB_TOKEN", "ghp_abc123\n")  # as an env file or a secret mount has it
    assert GitHubConfig().token() == "ghp_abc123"
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_abc 123")
    with pytest.raises(ConfigError) as caught:
        GitHubConfig().token()
    assert str(caught.value) == (
        "$GITHUB_TOKEN: the token holds spaces, line breaks, control characters or letters "
        "beyond ASCII; set it to the token alone"
    )
    # no HTTP header carries it: the HTTP library's error would quote the header, token and all
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_abc\u4ee4")
    with pytest.raises(ConfigError, match="beyond ASCII") as caught:
        GitHubConfig().token()
    assert "ghp_abc" not in str(caught.value)


def test_a_gh_token_with_more_than_a_token_is_refused_unechoed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from miner.config import GitHubConfig
    from miner.errors import ConfigError

    fake = tmp_path / "gh"
    fake.write_text('#!/bin/sh\nprintf "sekrit-token-123\\nextra line\\n"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError) as caught:
        GitHubConfig().token()
    assert str(caught.value).startswith("the gh CLI (github.com): the token holds spaces, line")
    assert "sekrit" not in str(caught.value)


def test_token_env_is_a_variables_name_and_api_url_holds_no_password(tmp_path: Path) -> None:
    pasted = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
    for value in (pasted + "!", "$MY_TOKEN", "", "MY TOKEN"):
        with pytest.raises(ConfigError) as caught:
            load(write(tmp_path, f"[github]\ntoken_env = '{value}'\n"))
        assert str(caught.value).endswith(
            "[github] token_env: expected the name of an environment variable, such as "
            "GITHUB_TOKEN, never the token itself (nor a leading $)"
        )
        assert pasted not in str(caught.value)
    assert load(write(tmp_path, "[github]\ntoken_env = 'MINER_TOKEN_2'\n")).github.token_env
    password = (
        "[github] api_url: holds a user name or password: give the URL alone, and the token in "
        "the environment"
    )
    query = (
        "[github] api_url: holds a ?query or #fragment: give the API root alone "
        "(https://HOST/api/v3), and the token in the environment"
    )
    # never echoed, not even as a URL without a host (no scheme, a port that is no number, a [);
    # me:tok@host, with no scheme, parses as scheme "me" with no user name, yet holds a token; a
    # query would be kept as the sync's source and shown in its summary
    for url, said in (
        ("http://me:ghp_SECRET@127.0.0.1:8080", password),
        ("https://me:ghp_SECRET@ghe.example:x/", password),
        ("me:ghp_SECRET@ghe.example/api", password),
        ("https://ghe.example/api/v3?access_token=ghp_SECRET", query),
        ("https://h/api#ghp_SECRET", query),
        ("ghe.example/api/v3?access_token=ghp_SECRET", query),
        ("https://ghe.example:api/v3?access_token=ghp_SECRET", query),
        # a stray bracket: urllib cannot split the URL at all
        ("https://[ghe.example/api?access_token=ghp_SECRET", query),
        ("https://ghe.example]/api#ghp_SECRET", query),
        ("https://[me:ghp_SECRET@ghe.example/api", password),
    ):
        with pytest.raises(ConfigError) as caught:
            load(write(tmp_path, f"[github]\napi_url = '{url}'\n"))
        assert "ghp_SECRET" not in str(caught.value)
        assert str(caught.value).endswith(said), url


def test_a_memory_limit_reads_its_unit_without_case_as_duckdb_does(tmp_path: Path) -> None:
    from miner.config import size_bytes

    config = load(write(tmp_path, "[warehouse]\nmemory_limit = '64mb'\n"))
    assert config.warehouse.memory_limit == "64mb"
    assert (size_bytes("64mb"), size_bytes("1gib"), size_bytes("2 MiB")) == (
        64 * 10**6,
        2**30,
        2 * 2**20,
    )
    with pytest.raises(ConfigError, match="expected at least"):
        load(write(tmp_path, "[warehouse]\nmemory_limit = '63mb'\n"))


def test_paths_in_the_config_are_from_its_folder_wherever_miner_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cron job's `miner --config /etc/miner/miner.toml` runs from its home folder: the
    warehouse and the mirrors are where the config says, next to it, as the App's key is."""
    (tmp_path / "etc").mkdir()
    monkeypatch.chdir(tmp_path)
    text = "[warehouse]\npath = 'wh.duckdb'\n[git]\ncache = '~/mirrors'\n"
    config = load(write(tmp_path / "etc", text))
    assert config.warehouse.path == str(tmp_path / "etc" / "wh.duckdb")
    assert config.git.cache == str(Path.home() / "mirrors")
    # the default, with no path in the config, is the current folder's miner.duckdb
    assert load(write(tmp_path / "etc", "")).warehouse.path == "miner.duckdb"
    for bad, said in (("''", "a file path"), ("'.'", "a file, not a folder")):
        with pytest.raises(ConfigError) as caught:
            load(write(tmp_path / "etc", f"[warehouse]\npath = {bad}\n"))
        assert str(caught.value).endswith(f"[warehouse] path = {bad}: expected {said}")


def test_settings_leaving_out_every_repo_say_how_many_each_leaves_out() -> None:
    """acme's 4 repos: web, web-old (archived), api-sandbox, fork-of-x (a fork)."""
    from miner.config import GitHubConfig

    repos = [
        ("acme/web", False, False),
        ("acme/web-old", True, False),
        ("acme/api-sandbox", False, False),
        ("acme/fork-of-x", False, True),
    ]
    none = "[github] selects none of the 4 repos of acme"
    said = {
        # web and api-sandbox excluded, web-old archived, fork-of-x a fork
        ("*-sandbox", "web"): f"{none} (exclude leaves out 2, archived = false 1, forks = false "
        "1): nothing to sync",
        # web-old counts under both exclude and archived = false
        ("web*", "*-sandbox", "fork-*"): f"{none} (exclude leaves out 4, archived = false 1, "
        "forks = false 1): nothing to sync",
    }
    for excluded, expected in said.items():
        assert GitHubConfig(exclude=excluded).none_selected_said("acme", repos) == expected
    # include leaves out those it does not name
    assert (
        GitHubConfig(include=("web",), exclude=("web",)).none_selected_said("acme", repos)
        == f"{none} (include leaves out 3, exclude 1, archived = false 1, forks = false 1): "
        "nothing to sync"
    )
    # an org all archived
    archived = [("acme/a", True, False), ("acme/b", True, False)]
    assert GitHubConfig().none_selected_said("acme", archived) == (
        "[github] selects none of the 2 repos of acme (archived = false leaves out 2): "
        "nothing to sync"
    )
    # one repo selected; an org of no repo; include globs matching none (a config error of
    # their own, unmatched_said): no word of this
    assert GitHubConfig(exclude=("*-sandbox",)).none_selected_said("acme", repos) is None
    assert GitHubConfig(archived=True).none_selected_said("acme", archived) is None
    assert GitHubConfig(exclude=("*",)).none_selected_said("acme", []) is None
    assert GitHubConfig(include=("wbe",)).none_selected_said("acme", repos) is None


# The keys of [github], as an unknown key's line names them.
GITHUB_KEYS = "org, api_url, token_env, include, exclude, archived, forks, since, app"


def _mistakes(path: Path) -> list[str]:
    """What loading the config at `path` says is wrong, a line each, without the file's name
    (which every line starts with: checked), and its error's text those lines."""
    with pytest.raises(ConfigError) as err:
        load(path)
    assert all(line.startswith(f"{path}: ") for line in err.value.lines)
    assert str(err.value).splitlines() == list(err.value.lines)
    return [line.removeprefix(f"{path}: ") for line in err.value.lines]


def test_every_mistake_of_a_config_is_said_at_once(tmp_path: Path) -> None:
    """Each part of the file is checked whatever another's mistakes, so one run says them all,
    a line each naming file and key, in the file's order of sections: a user fixing a config
    does not run miner once per mistake. Within one table, every unknown key is named."""
    path = write(
        tmp_path,
        "[github]\norg = 'acme'\ncolour = 'red'\nshade = 'dark'\n"
        "[warehouse]\nmemory_limit = 64\n"
        "[teams]\nweb = ['alice', '']\napi = ['carol']\nops = 'dave'\n"
        "[calendar]\nhours = '17:00-09:00'\n"
        "[calendar.teams.default]\ntimezone = 'UTC'\n"
        "[calendar.teams.sec]\ntimezone = 'Mars/Olympus'\n"
        "[sla]\nfirst_review_business_hours = -1\n",
    )
    said = _mistakes(path)
    known = GITHUB_KEYS
    assert said == [
        f"[github] colour: unknown key (known: {known})",
        f"[github] shade: unknown key (known: {known})",
        '[warehouse] memory_limit = 64: expected a size such as "256MB" or "2GB"',
        "[teams] web = ['alice', '']: expected logins, none of them empty",
        "[teams] ops = 'dave': expected an array of strings",
        "[calendar] hours = '17:00-09:00': expected an end after the start, within one day",
        "[calendar.teams.default]: 'default' is the default calendar's name, which a team's "
        "calendar cannot take; a team named default works on [calendar]",
        "[calendar.teams.sec] timezone = 'Mars/Olympus': expected an IANA time zone like "
        "Europe/Berlin",
        "[sla] first_review_business_hours = -1: expected a positive number of hours",
    ]


def test_every_key_of_a_table_is_checked_whatever_anothers_mistake(tmp_path: Path) -> None:
    """Within one table too: a table's unknown key, or one wrong value, leaves its other keys
    checked, so two slips in [github] are two lines of one run, not one run each."""
    path = write(
        tmp_path,
        "[github]\norg = 5\napi_url = 'github.com'\ninclude = 'web'\narchivd = true\n"
        "[warehouse]\npath = ''\nmemory_limit = '10MB'\n"
        "[git]\nownership_days = 0\nmirrors = 'yes'\n"
        "[calendar]\ntimezone = 'Mars/Base'\nhours = '9-17'\nworkdays = ['monday']\n"
        "holidays = ['2026-13-01']\n"
        "[sla]\nfirst_review_business_hours = -1\ncross_team_approval_business_hours = nan\n"
        "[deploys]\nproduction = ''\ntags = 5\n"
        "[dependencies]\npublishes = { 'shared-libs' = ['acme-utils'] }\n"
        "add = [{ repo = 'web-app' }]\n",
    )
    said = _mistakes(path)
    known = GITHUB_KEYS
    assert said == [
        f"[github] archivd: unknown key (known: {known})",
        "[github] api_url = 'github.com': expected an http(s) URL with a host, like "
        "https://api.github.com",
        "[github] org = 5: expected a string",
        "[github] include = 'web': expected an array of strings",
        "[warehouse] path = '': expected a file path",
        "[warehouse] memory_limit = '10MB': expected at least \"64MB\", which opening a "
        "warehouse and a report need",
        "[git] mirrors = 'yes': expected true or false",
        "[git] ownership_days = 0: expected a positive whole number of days, at most 36500",
        "[deploys] production = ['']: expected patterns, none of them empty",
        "[deploys] tags = 5: expected an array of strings",
        "[dependencies.publishes] 'shared-libs' = 'acme-utils': expected ECOSYSTEM:NAME, the "
        "ecosystem one of pypi, npm, go, cargo, maven, rubygems",
        "[dependencies] add[0]: depends_on is missing",
        "[calendar] timezone = 'Mars/Base': expected an IANA time zone like Europe/Berlin",
        "[calendar] workdays = ['monday']: expected days among mon, tue, wed, thu, fri, sat, sun",
        "[calendar] hours = '9-17': expected \"HH:MM-HH:MM\"",
        "[calendar] holidays = '2026-13-01': expected a date like \"2026-12-25\"",
        "[sla] first_review_business_hours = -1: expected a positive number of hours",
        "[sla] cross_team_approval_business_hours = nan: expected a positive number of hours",
    ]


def test_a_config_with_one_mistake_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[github]\norg = 'acme'\n[sla]\nfirst_review_business_hours = 0\n")
    with pytest.raises(ConfigError) as err:
        load(path)
    assert err.value.lines == (
        f"{path}: [sla] first_review_business_hours = 0: expected a positive number of hours",
    )
