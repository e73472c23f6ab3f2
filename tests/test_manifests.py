"""miner.manifests on real manifests read in place from ../shared/realdata (skipped with a reason
when the folder is absent) and on small hand-written ones for the kinds with no real file there
(pom.xml, build.gradle, build.gradle.kts, *.gemspec). Every expected package below was read off
the file by hand; counts were made by counting the file's lines, not by running the parser.
"""

from __future__ import annotations

import pytest

from miner.manifests import Manifest, Package, kind_of, normalize, parse
from tests.realdata import require_realdata

# (name, requirement, scope): what a test compares, the ecosystem being checked once per file
Row = tuple[str, str, str]


def _rows(packages: list[Package], ecosystem: str) -> list[Row]:
    """The packages as sorted (name, requirement, scope), after checking their ecosystem."""
    assert {p.ecosystem for p in packages} <= {ecosystem}
    return sorted((p.name, p.requirement, p.scope) for p in packages)


def _real(relative: str) -> str:
    return (require_realdata() / relative).read_text(encoding="utf-8")


def _parse_real(relative: str, as_path: str | None = None) -> Manifest:
    """Parse a real file; `as_path` names it as it would sit at a repo's root."""
    return parse(as_path or relative.rsplit("/", 1)[-1], _real(relative))


MANIFESTS = "manifests"
PYTHON_FIXTURES = "dependabot-core/python/spec/fixtures"
CARGO_DIR = "dependabot-core/cargo/spec/fixtures/manifests"
NPM8 = "dependabot-core/npm_and_yarn/spec/fixtures/projects/npm8"


# -- kind_of and normalize -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("pyproject.toml", "pyproject"),
        ("hatch.toml", "hatch"),
        ("setup.cfg", "setup.cfg"),
        ("package.json", "package.json"),
        ("sub/dir/go.mod", "go.mod"),  # the name decides, not the folder
        ("go.work", "go.work"),
        ("pnpm-workspace.yaml", "pnpm-workspace"),
        ("Cargo.toml", "cargo"),
        ("pom.xml", "pom"),
        ("build.gradle", "gradle"),
        ("build.gradle.kts", "gradle"),
        ("Gemfile", "gemfile"),
        ("acme-client.gemspec", "gemspec"),
        ("requirements.txt", "requirements"),
        ("requirements-dev.txt", "requirements"),
        ("requirements_test.txt", "requirements"),
        ("dev-requirements.txt", "requirements"),
        # PyGithub keeps requirements/test.txt: the file's name says nothing of requirements
        ("requirements/test.txt", None),
        ("package-lock.json", None),
        ("poetry.lock", None),
        ("go.sum", None),
        ("README.md", None),
        ("requirements.in", None),
    ],
)
def test_kind_of_goes_by_the_file_name(path: str, kind: str | None) -> None:
    assert kind_of(path) == kind


def test_parse_refuses_a_file_that_is_no_manifest() -> None:
    with pytest.raises(ValueError, match=r"^README\.md: not a manifest miner reads$"):
        parse("README.md", "# hello\n")


@pytest.mark.parametrize(
    ("ecosystem", "name", "key"),
    [
        # PEP 503: lower case, every run of -, _ and . becomes one -
        ("pypi", "Foo.Bar_baz", "foo-bar-baz"),
        ("pypi", "PyGithub", "pygithub"),
        ("pypi", "ruamel.yaml", "ruamel-yaml"),
        ("pypi", "Acme__Utils", "acme-utils"),
        ("pypi", "zope.interface", "zope-interface"),
        # Cargo treats - and _ alike
        ("cargo", "utf8_ranges", "utf8-ranges"),
        ("cargo", "serde-json", "serde-json"),
        # npm and RubyGems ignore case
        ("npm", "@Acme/UI-Kit", "@acme/ui-kit"),
        ("npm", "lodash.merge", "lodash.merge"),  # npm keeps dots and underscores
        ("rubygems", "Rack", "rack"),
        # Go modules as written, but for the major version suffix: every major version of a
        # module is the one repo's (go.dev/ref/mod#major-version-suffixes)
        ("go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"),
        ("go", "github.com/cli/cli/v2", "github.com/cli/cli"),
        ("go", "github.com/acme/lib/v12", "github.com/acme/lib"),
        ("go", "github.com/acme/lib/v1", "github.com/acme/lib/v1"),  # no major suffix: v1 is none
        ("go", "github.com/acme/lib/v2x", "github.com/acme/lib/v2x"),
        ("go", "gopkg.in/yaml.v3", "gopkg.in/yaml"),  # gopkg.in: .vN, v0 and v1 too
        ("go", "gopkg.in/check.v1", "gopkg.in/check"),
        # Maven coordinates as written
        ("maven", "com.Acme:Billing_Core", "com.Acme:Billing_Core"),
    ],
)
def test_normalize_gives_the_name_an_ecosystem_compares(
    ecosystem: str, name: str, key: str
) -> None:
    assert normalize(ecosystem, name) == key


# -- Python: pyproject.toml (PEP 621, PEP 735, Poetry) ---------------------------------------------


def test_pygithub_pyproject_publishes_with_a_dynamic_version_and_consumes_runtime_and_build() -> (
    None
):
    m = _parse_real(f"{MANIFESTS}/PyGithub+PyGithub/pyproject.toml")
    assert m.kind == "pyproject" and m.errors == []
    # name = "PyGithub", dynamic = ["version"]: no version written
    assert m.publishes == [Package("pypi", "PyGithub", "", "runtime")]
    # 5 [project] dependencies (pyjwt[crypto]: the extra is no part of the name), the 2
    # build-system requires; `integrations = []` adds nothing
    assert _rows(m.consumes, "pypi") == sorted(
        [
            ("pynacl", ">=1.4.0", "runtime"),
            ("requests", ">=2.14.0", "runtime"),
            ("pyjwt", ">=2.4.0", "runtime"),
            ("typing-extensions", ">=4.5.0", "runtime"),
            ("urllib3", ">=1.26.0", "runtime"),
            ("setuptools", ">=64", "build"),
            ("setuptools_scm", ">=7", "build"),
        ]
    )


def test_poetry_pyproject_of_sbdchd_codeowners() -> None:
    m = _parse_real(f"{MANIFESTS}/sbdchd+codeowners/pyproject.toml")
    assert m.errors == []
    assert m.publishes == [Package("pypi", "codeowners", "0.8.0", "runtime")]
    # [tool.poetry.dependencies]: python is the interpreter, so only typing_extensions; 8
    # dev-dependencies, black's from an inline table; 2 build-system requires
    assert _rows(m.consumes, "pypi") == sorted(
        [
            ("typing_extensions", ">=3.7", "runtime"),
            ("twine", "^1.13", "dev"),
            ("wheel", "^0.36.1", "dev"),
            ("black", "^18.3-alpha.0", "dev"),
            ("mypy", "^0.800.0", "dev"),
            ("isort", "^5.7", "dev"),
            ("flake8", "^3.8", "dev"),
            ("pytest", "6.2.1", "dev"),
            ("ipython", "6.4", "dev"),
            ("poetry", ">=0.12", "build"),
            ("setuptools", "", "build"),
        ]
    )


def test_opentelemetry_pyproject_reads_dependencies_and_dependency_groups() -> None:
    m = _parse_real(f"{MANIFESTS}/open-telemetry+opentelemetry-python/pyproject.toml")
    assert m.errors == []
    # 20 unpinned workspace packages in [project] dependencies (counted in the file)
    runtime = [p for p in m.consumes if p.scope == "runtime"]
    assert len(runtime) == 20 and {p.requirement for p in runtime} == {""}
    assert Package("pypi", "opentelemetry-codegen-json", "", "runtime") in runtime
    # [dependency-groups] dev: 6 entries, datamodel-code-generator twice (extras http, ruff)
    assert _rows([p for p in m.consumes if p.scope != "runtime"], "pypi") == sorted(
        [
            ("tox", "", "group:dev"),
            ("tox-uv", ">=1", "group:dev"),
            ("pre-commit", "", "group:dev"),
            ("datamodel-code-generator", "", "group:dev"),
            ("datamodel-code-generator", "", "group:dev"),
            ("towncrier", "", "group:dev"),
        ]
    )
    assert len(m.consumes) == 26
    # [tool.uv.workspace]: 10 member globs, then its 3 excludes led by "!"
    assert m.members[:2] == ["opentelemetry-api", "opentelemetry-sdk"]
    assert m.members[6:10] == ["exporter/*", "propagator/*", "codegen/*",
                               "tests/opentelemetry-test-utils"]  # fmt: skip
    assert m.members[10:] == [
        "!exporter/opentelemetry-exporter-opencensus",
        "!exporter/opentelemetry-exporter-zipkin",
        "!exporter/opentelemetry-exporter-zipkin-proto-http",
    ]


def test_github3py_pyproject_reads_extras_and_names_its_own_package_in_one() -> None:
    m = _parse_real(f"{MANIFESTS}/sigmavirus24+github3.py/pyproject.toml")
    assert m.errors == []
    assert m.publishes == [Package("pypi", "github3.py", "", "runtime")]
    assert _rows(m.consumes, "pypi") == sorted(
        [
            ("PyJWT", ">=2.3.0", "runtime"),
            ("python-dateutil", ">=2.6.0", "runtime"),
            ("requests", ">=2.18", "runtime"),
            ("uritemplate", ">=3.0.0", "runtime"),
            ("pytest", ">=7.0", "extra:test"),
            ("pytest-xdist", "", "extra:test"),
            ("betamax", ">=0.5.1", "extra:test"),
            ("betamax_matchers", ">=0.3.0", "extra:test"),
            # the dev extra pulls in the package itself ("github3.py[test]")
            ("github3.py", "", "extra:dev"),
            ("wheel", "", "extra:dev"),
            ("build", "", "extra:dev"),
            ("twine", "", "extra:dev"),
            ("tox", ">=3.1.3", "extra:dev"),
            ("hatchling", ">=1.14.1", "build"),
        ]
    )


# Dependabot's pyproject fixtures. Requirements are as PyPA's packaging writes a specifier set
# back: its clauses sorted ("requests>=2.13.0,<3.0" is "<3.0,>=2.13.0").
PYPROJECT_FIXTURES: dict[str, tuple[list[Package], list[Row]]] = {
    "basic_poetry_dependencies.toml": (
        [Package("pypi", "PythonProjects", "2.0.0")],
        [
            ("geopy", "^1.13", "runtime"),
            ("Pillow", "^5.1", "runtime"),
            ("requests", "^2.18", "runtime"),
            ("black", "^18.5", "dev"),
            ("flake8", "^3.5", "dev"),
            ("flake8-comprehensions", "^1.4", "dev"),
            ("httmock", "^1.2", "dev"),
            ("hypothesis", "^3.56", "dev"),
            ("mypy", "^0.600", "dev"),
            ("pytest", "^3.5", "dev"),
            ("pytest-cov", "^2.5", "dev"),
            ("pytest-mock", "^1.9", "dev"),
            ("pytest-sugar", "^0.9", "dev"),
            ("pytest-random-order", "^0.7", "dev"),
            ("tox", "^3.0", "dev"),
        ],
    ),
    "extras.toml": (
        [Package("pypi", "dependabot-poetry-extras", "0.1.0")],
        [("celery", "^4.3", "runtime"), ("ipython", "^7.5", "dev"), ("poetry", ">=0.12", "build")],
    ),
    "git_dependency.toml": (
        [Package("pypi", "PythonProjects", "2.0.0")],
        [("toml", "https://github.com/uiri/toml.git", "runtime"), ("pytest", "*", "runtime")],
    ),
    "inline_comments.toml": (
        [Package("pypi", "dependabot-poetry-bug", "0.1.0")],
        [
            ("jsonschema", "^4.18.5", "runtime"),
            ("packaging", ">=20.0", "runtime"),
            ("black", "^20.8b1", "group:dev"),
            ("flake8", "^4.0.1", "group:dev"),
            ("flake8-implicit-str-concat", "^0.4.0", "group:dev"),
            ("isort", "^5.9.3", "group:dev"),
            ("mypy", "^1.6", "group:dev"),
            ("coverage", "^7.3.2", "group:test"),
            ("pytest", "^7.4.0", "group:test"),
            ("pytest-mock", ">=3.8.2", "group:test"),
            ("poetry-core", "", "build"),
        ],
    ),
    "no_dependencies.toml": (
        [Package("pypi", "pkgtest", "")],
        [("flit_core", "<4,>=3.2", "build")],
    ),
    "pdm_example.toml": (
        [Package("pypi", "demo", "0.1.0")],
        [
            ("requests", "~=2.25", "runtime"),
            ("flake8", "~=3.8", "extra:lint"),
            ("pdm-pep517", "", "build"),
        ],
    ),
    "pep621_optional_dependencies.toml": (
        [Package("pypi", "myapp", "1.0.0")],
        [
            ("requests", ">=2.13.0", "runtime"),
            ("PySocks", "!=1.5.7,<2,>=1.5.6", "extra:socks"),
            ("pytest", "<8,>=7.0", "extra:tests"),
            ("setuptools", "", "build"),
        ],
    ),
    "pep621_project_dependencies.toml": (
        [Package("pypi", "myapp", "1.0.0")],
        [
            ("requests", "<3.0,>=2.13.0", "runtime"),
            ("urllib3", ">=1.21.1", "runtime"),
            ("setuptools", "", "build"),
        ],
    ),
    "pep735_exact_requirement.toml": (
        # {include-group = "test"} in dev adds no package of its own
        [Package("pypi", "PackageTest", "")],
        [("pytest", "==8.0.0", "group:test"), ("requests", "==2.18.0", "group:dev")],
    ),
    "poetry_group_dependencies.toml": (
        [Package("pypi", "PoetryGroups", "2.0.0")],
        [
            ("black", "^22.12.0", "dev"),
            ("pytest", "*", "group:dev"),
            ("sphinx", "6.1.3", "group:docs"),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(PYPROJECT_FIXTURES))
def test_dependabot_pyproject_fixtures(name: str) -> None:
    m = _parse_real(f"{PYTHON_FIXTURES}/pyproject_files/{name}", "pyproject.toml")
    publishes, consumes = PYPROJECT_FIXTURES[name]
    assert m.errors == []
    assert m.publishes == publishes
    assert _rows(m.consumes, "pypi") == sorted(consumes)


def test_setup_cfg_fixture_publishes_its_name_and_consumes_nothing() -> None:
    # [metadata] name = pygerrit2 and no version; no [options] section at all
    m = _parse_real(f"{PYTHON_FIXTURES}/setup_files/setup.cfg")
    assert (m.kind, m.publishes, m.consumes, m.errors) == (
        "setup.cfg",
        [Package("pypi", "pygerrit2", "", "runtime")],
        [],
        [],
    )


def test_setup_cfg_options_and_extras() -> None:
    text = """\
[metadata]
name = acme-utils
version = 1.4.0

[options]
install_requires =
    requests>=2.28  # HTTP
    attrs
setup_requires = setuptools_scm
tests_require =
    pytest

[options.extras_require]
yaml = PyYAML>=6
"""
    m = parse("setup.cfg", text)
    assert m.errors == []
    assert m.publishes == [Package("pypi", "acme-utils", "1.4.0", "runtime")]
    assert _rows(m.consumes, "pypi") == sorted(
        [
            ("requests", ">=2.28", "runtime"),
            ("attrs", "", "runtime"),
            ("setuptools_scm", "", "build"),
            ("pytest", "", "test"),
            ("PyYAML", ">=6", "extra:yaml"),
        ]
    )


def test_setup_cfg_one_line_lists_split_at_semicolons_as_setuptools_reads_them() -> None:
    # setuptools' _parse_list_semicolon: a value on one line is split at ';' (so an environment
    # marker cannot be written there: setuptools reads it as another requirement, and warns)
    text = """\
[options]
install_requires = acme-lib>=1; requests
setup_requires = setuptools_scm

[options.extras_require]
yaml = PyYAML>=6;ruamel.yaml
"""
    m = parse("setup.cfg", text)
    assert m.errors == []
    assert _rows(m.consumes, "pypi") == sorted(
        [
            ("acme-lib", ">=1", "runtime"),
            ("requests", "", "runtime"),
            ("setuptools_scm", "", "build"),
            ("PyYAML", ">=6", "extra:yaml"),
            ("ruamel.yaml", "", "extra:yaml"),
        ]
    )


# -- Python: requirements files --------------------------------------------------------------------


def test_pygithub_requirement_folders_files_read_as_requirements() -> None:
    # requirements/*.txt is not a name miner reads (kind_of says None), so each file is parsed
    # here under a requirements file name; 4 + 5 + 7 + 3 = 19 lines, each one package
    folder = f"{MANIFESTS}/PyGithub+PyGithub/requirements"
    found = {
        name: _rows(_parse_real(f"{folder}/{name}", "requirements.txt").consumes, "pypi")
        for name in ("docs.txt", "scripts.txt", "test.txt", "types.txt")
    }
    assert found == {
        "docs.txt": sorted(
            [
                ("sphinx", "==8.2.3", "runtime"),
                ("Jinja2", "==3.1.6", "runtime"),
                ("sphinx-rtd-theme", "==3.0.2", "runtime"),
                ("sphinx-copybutton", "==0.5.2", "runtime"),
            ]
        ),
        "scripts.txt": sorted(
            [
                ("libcst", "", "runtime"),
                ("mypy", "", "runtime"),
                ("pre-commit", "<4", "runtime"),
                ("pytest", "", "runtime"),
                ("requests", "", "runtime"),
            ]
        ),
        "test.txt": sorted(
            [
                ("more-itertools", "", "runtime"),
                ("parameterized", "", "runtime"),
                ("pytest", ">=5.3", "runtime"),  # "pytest >=5.3": the space is no part of it
                ("pytest-cov", ">=2.8", "runtime"),
                ("pytest-github-actions-annotate-failures", "<1.0.0", "runtime"),
                ("pytest-subtests", ">=0.11.0", "runtime"),
                ("responses", "", "runtime"),
            ]
        ),
        "types.txt": sorted(
            [
                ("mypy", ">=1.0.0", "runtime"),
                ("types-jwt", "", "runtime"),
                ("types-requests", "", "runtime"),
            ]
        ),
    }
    assert sum(map(len, found.values())) == 19


def test_opentelemetry_dev_requirements() -> None:
    m = _parse_real(f"{MANIFESTS}/open-telemetry+opentelemetry-python/dev-requirements.txt")
    assert m.kind == "requirements" and m.errors == [] and m.publishes == []
    # 20 lines, every one pinned with ==; bleach's trailing comment is no part of it
    assert len(m.consumes) == 20
    assert {p.requirement[:2] for p in m.consumes} == {"=="}
    assert Package("pypi", "bleach", "==6.4.0", "runtime") in m.consumes
    assert Package("pypi", "ruamel.yaml", "==0.17.21", "runtime") in m.consumes
    assert Package("pypi", "GitPython", "==3.1.58", "runtime") in m.consumes


REQUIREMENTS_FIXTURES: dict[str, list[Row]] = {
    # "-r ./more_requirements.txt" includes another file: an option, not a package
    "cascading.txt": [("requests", "==2.4.1", "runtime")],
    "comments.txt": [("psycopg2", "==2.6.1", "runtime"), ("luigi", "==2.2.0", "runtime")],
    # "--index-url URL" on its own line: an option and its value, nothing else
    "custom_index.txt": [("psycopg2", "==2.6.1", "runtime"), ("luigi", "==2.2.0", "runtime")],
    # "psycopg2[foo, bar]==2.6.1": extras are no part of the name or the version
    "extras.txt": [("psycopg2", "==2.6.1", "runtime"), ("luigi", "==2.2.0", "runtime")],
    # a requirement continued over 3 lines with \ and two --hash options
    "hashes_multiline.txt": [("pytest", "==3.2.3", "runtime")],
    "local_version.txt": [
        ("psycopg2", "==2.6.1+gc.1", "runtime"),
        ("luigi", "==2.2.0+gc.1", "runtime"),
    ],
    # environment markers stay with the requirement, as packaging writes them
    "markers.txt": [
        ("distro", '==1.0.4; python_version <= "2.6"', "runtime"),
        ("distro", '==1.3.0; python_version >= "2.7"', "runtime"),
    ],
    "markers_and_hashes_multiline.txt": [
        ("pytest", '==3.2.3; python_version == "2.7"', "runtime"),
    ],
    "name_clash.txt": [
        ("Flask-SQLAlchemy", "==1.2.9", "runtime"),
        ("SQLAlchemy", "==1.2.9", "runtime"),
    ],
    # pip-compile output: 13 requirements, each with hashes and a "# via" comment line
    "pip_compile_hashes.txt": [
        ("apipkg", "==1.4", "runtime"),
        ("attrs", "==17.3.0", "runtime"),
        ("execnet", "==1.5.0", "runtime"),
        ("flaky", "==3.4.0", "runtime"),
        ("mock", "==2.0.0", "runtime"),
        ("more-itertools", "==4.1.0", "runtime"),
        ("pbr", "==4.0.3", "runtime"),
        ("pluggy", "==0.6.0", "runtime"),
        ("py", "==1.5.3", "runtime"),
        ("pytest-forked", "==0.2", "runtime"),
        ("pytest-xdist", "==1.22.2", "runtime"),
        ("pytest", "==3.5.1", "runtime"),
        ("six", "==1.11.0", "runtime"),
    ],
    # "psycopg2==2.6.1, <=3.0.0": packaging sorts the clauses
    "version_between_bounds.txt": [
        ("psycopg2", "<=3.0.0,==2.6.1", "runtime"),
        ("luigi", "==2.2.0", "runtime"),
    ],
    "version_not_specified.txt": [("psycopg2", "", "runtime"), ("luigi", "==2.2.0", "runtime")],
    "with_constraints.txt": [("requests", "", "runtime")],  # "-c constraints.txt" is an option
    # a VCS URL names its package by #egg=; the requirement is the URL without the fragment
    "with_git_dependency.txt": [
        ("psycopg2", "==2.6.1", "runtime"),
        ("requests", "git+https://github.com/requests/requests", "runtime"),
    ],
    "with_path_dependency.txt": [
        ("psycopg2", "==2.6.1", "runtime"),
        ("bowtie-json-schema", "file:.", "runtime"),
    ],
}


@pytest.mark.parametrize("name", sorted(REQUIREMENTS_FIXTURES))
def test_dependabot_requirements_fixtures(name: str) -> None:
    m = _parse_real(f"{PYTHON_FIXTURES}/requirements/{name}", "requirements.txt")
    assert (m.kind, m.errors, m.publishes) == ("requirements", [], [])
    assert _rows(m.consumes, "pypi") == sorted(REQUIREMENTS_FIXTURES[name])


def test_invalid_line_is_one_error_naming_line_4_and_the_rest_still_counts() -> None:
    # lines 1-2 comments, 3 blank, 4 "4 + 4 = 2 # I'm not a requirement...", 5 blank, 6 psycopg2
    m = _parse_real(f"{PYTHON_FIXTURES}/requirements/invalid_lines.txt", "requirements.txt")
    assert len(m.errors) == 1
    assert m.errors[0].startswith("requirements.txt line 4: '4 + 4 = 2' is not a requirement (")
    assert m.consumes == [Package("pypi", "psycopg2", "==2.6.1", "runtime")]


# -- JavaScript: package.json ----------------------------------------------------------------------


def test_devlake_config_ui_package_json_is_private_with_25_runtime_and_20_dev() -> None:
    m = _parse_real(f"{MANIFESTS}/apache+incubator-devlake/config-ui/package.json")
    assert m.kind == "package.json" and m.errors == []
    assert m.publishes == []  # "private": true never reaches a registry
    scopes = [p.scope for p in m.consumes]
    assert (scopes.count("runtime"), scopes.count("dev"), len(scopes)) == (25, 20, 45)
    assert Package("npm", "antd", "^5.14.2", "runtime") in m.consumes
    assert Package("npm", "miller-columns-select", "1.4.1", "runtime") in m.consumes
    assert Package("npm", "@ant-design/icons", "^5.3.0", "runtime") in m.consumes
    assert Package("npm", "vite", "^5.1.4", "dev") in m.consumes
    assert m.members == []


def test_octokit_webhooks_package_json_private_as_a_string_publishes_nothing() -> None:
    # "private": "true" (a string) is still private for npm
    m = _parse_real(f"{MANIFESTS}/octokit+webhooks/package.json")
    assert m.errors == [] and m.publishes == []
    assert len(m.consumes) == 20 and {p.scope for p in m.consumes} == {"dev"}
    assert Package("npm", "prettier", "3.8.4", "dev") in m.consumes
    assert Package("npm", "@types/node", "^24.0.0", "dev") in m.consumes


def test_npm_alias_consumes_the_real_package() -> None:
    # "my-is-number": "npm:is-number@^7.0.0" is the package is-number
    m = _parse_real(f"{NPM8}/aliased_dependency_no_lockfile/package.json")
    assert m.errors == []
    assert m.publishes == [Package("npm", "alias-no-lockfile-test", "1.0.0", "runtime")]
    assert _rows(m.consumes, "npm") == [
        ("etag", "^1.8.1", "runtime"),
        ("is-number", "^7.0.0", "runtime"),
    ]


def test_npm_workspaces_root_and_member() -> None:
    root = _parse_real(f"{NPM8}/workspaces/package.json")
    assert root.errors == [] and root.publishes == []  # private
    # "./packages/*" and "other_package", the ./ dropped
    assert root.members == ["packages/*", "other_package"]
    assert root.consumes == [Package("npm", "lodash", "1.2.0", "runtime")]
    member = _parse_real(f"{NPM8}/workspaces/packages/package1/package.json")
    assert member.publishes == [Package("npm", "package1", "0.0.1", "runtime")]
    assert _rows(member.consumes, "npm") == [
        ("chalk", "0.3.0", "runtime"),
        ("etag", "^1.1.0", "dev"),
        ("lodash", "^1.2.1", "runtime"),
    ]


def test_npm_git_path_and_plain_dependencies() -> None:
    git = _parse_real(f"{NPM8}/git_dependency/package.json")
    assert git.publishes == [Package("npm", "bump-test", "0.0.1", "runtime")]
    assert _rows(git.consumes, "npm") == [
        ("chalk", "0.4.0", "runtime"),
        ("is-number", "https://github.com/jonschlinkert/is-number.git", "dev"),
        ("lodash", "^1.2.1", "runtime"),
        ("stopwords", "0.0.1", "runtime"),
    ]
    path = _parse_real(f"{NPM8}/path_dependency/package.json")
    assert Package("npm", "etag", "file:./deps/etag", "dev") in path.consumes
    # the "peer_dependency" fixture declares its react packages as plain dependencies
    peer = _parse_real(f"{NPM8}/peer_dependency/package.json")
    assert _rows(peer.consumes, "npm") == [
        ("react", "^15.2.0", "runtime"),
        ("react-dom", "^15.2.0", "runtime"),
    ]


def test_pnpm_workspace_names_member_globs_and_nothing_else() -> None:
    """pnpm.io/pnpm-workspace_yaml: `packages` globs, a `!` glob leaving folders out; the
    file's other keys (catalogs, settings) are no packages."""
    text = (
        "packages:\n"
        "  # all packages in direct subdirs of packages/\n"
        "  - 'packages/*'\n"
        '  - "./apps/**"\n'
        "  - components/\n"
        "  - '!**/test/**'\n"
        "catalog:\n  react: ^18.2.0\n"
    )
    m = parse("pnpm-workspace.yaml", text)
    assert (m.members, m.publishes, m.consumes, m.errors) == (
        ["packages/*", "apps/**", "components", "!**/test/**"],
        [],
        [],
        [],
    )
    # no packages: the root package alone (pnpm 10), no error
    for empty in ("", "packages:\n", "catalog:\n  react: ^18\n"):
        assert (
            parse("pnpm-workspace.yaml", empty).members,
            parse("pnpm-workspace.yaml", empty).errors,
        ) == ([], [])
    bad = parse("pnpm-workspace.yaml", "packages: 'packages/*'\n")
    assert bad.members == []
    assert bad.errors == ["pnpm-workspace.yaml: packages is not a list of strings"]
    # YAML that does not parse is an error of the file, named
    broken = parse("pnpm-workspace.yaml", "packages: [\n")
    assert broken.members == [] and broken.errors[0].startswith("pnpm-workspace.yaml: ")


def test_go_work_use_directives_are_its_members() -> None:
    """go.dev/ref/mod#go-work-file: `use` names module folders, one per line or in a block;
    comments and the `go` and `replace` directives name none."""
    text = (
        "go 1.22\n\n"
        "use ./tools/gen // code generators\n"
        'use (\n\t.\n\t./services/api\n\t"./services/billing/"\n\t// ./old\n)\n'
        "replace example.com/x => ./x\n"
    )
    m = parse("go.work", text)
    assert m.members == ["./tools/gen", ".", "./services/api", "./services/billing"]
    assert (m.publishes, m.consumes, m.errors) == ([], [], [])


def test_package_json_peer_optional_scoped_alias_and_workspaces_object() -> None:
    text = """{
  "name": "@acme/web",
  "version": "4.0.0",
  "workspaces": {"packages": ["apps/*", "libs/"]},
  "dependencies": {"ui": "npm:@acme/ui-kit@^2.1.0", "charts": "npm:@acme/charts"},
  "peerDependencies": {"react": ">=18"},
  "optionalDependencies": {"fsevents": "^2.3.3"},
  "devDependencies": ["not", "an", "object"]
}"""
    m = parse("package.json", text)
    assert m.publishes == [Package("npm", "@acme/web", "4.0.0", "runtime")]
    assert m.members == ["apps/*", "libs"]
    assert _rows(m.consumes, "npm") == [
        ("@acme/charts", "", "runtime"),  # an alias with no version
        ("@acme/ui-kit", "^2.1.0", "runtime"),
        ("fsevents", "^2.3.3", "optional"),
        ("react", ">=18", "peer"),
    ]
    # the list where an object belongs is an error; the rest of the file still counts
    assert m.errors == ["package.json: devDependencies is not an object"]


# -- Go --------------------------------------------------------------------------------------------


def test_cli_go_mod_publishes_its_module_and_reads_158_requires() -> None:
    m = _parse_real(f"{MANIFESTS}/cli+cli/go.mod")
    assert m.kind == "go.mod" and m.errors == []
    assert m.publishes == [Package("go", "github.com/cli/cli/v2", "", "runtime")]
    # two require blocks: 46 direct lines, then 112 lines of which 111 say "// indirect" (counted
    # in the file); rogpeppe/go-internal in the second block has no comment: runtime; and the
    # fork that replaces it, which makes the 159th
    scopes = [p.scope for p in m.consumes]
    assert (len(scopes), scopes.count("indirect"), scopes.count("runtime")) == (159, 111, 48)
    assert Package("go", "github.com/spf13/cobra", "v1.8.1", "runtime") in m.consumes
    assert (
        Package(
            "go",
            "github.com/charmbracelet/lipgloss",
            "v0.10.1-0.20240413172830-d0be07ea6b9c",
            "runtime",
        )
        in m.consumes
    )
    assert Package("go", "github.com/alecthomas/chroma/v2", "v2.8.0", "indirect") in m.consumes
    assert Package("go", "github.com/rogpeppe/go-internal", "v1.13.1", "runtime") in m.consumes
    # `go` and `toolchain` lines are no requirements; "replace github.com/rogpeppe/go-internal =>
    # github.com/cli/go-internal v0.0.0-2024…" builds with the org's own fork, at its version
    assert [p for p in m.consumes if p.name.endswith("/go-internal")] == [
        Package("go", "github.com/rogpeppe/go-internal", "v1.13.1", "runtime"),
        Package("go", "github.com/cli/go-internal", "v0.0.0-20241024130215-fa3c22e38b9b"),
    ]


def test_hmarr_go_mod_whole() -> None:
    m = _parse_real(f"{MANIFESTS}/hmarr+codeowners/go.mod")
    assert m.errors == []
    assert m.publishes == [Package("go", "github.com/hmarr/codeowners", "", "runtime")]
    assert _rows(m.consumes, "go") == [
        ("github.com/davecgh/go-spew", "v1.1.1", "indirect"),
        ("github.com/pmezard/go-difflib", "v1.0.0", "indirect"),
        ("github.com/spf13/pflag", "v1.0.5", "runtime"),
        ("github.com/stretchr/testify", "v1.9.0", "runtime"),
        ("gopkg.in/yaml.v3", "v3.0.1", "indirect"),
    ]


def test_devlake_go_mod_skips_a_commented_out_require() -> None:
    m = _parse_real(f"{MANIFESTS}/apache+incubator-devlake/backend/go.mod")
    assert m.errors == []
    assert m.publishes == [Package("go", "github.com/apache/incubator-devlake", "", "runtime")]
    # blocks of 34 (4 indirect), 7 and 78 (all indirect) lines: 119 requires, 82 indirect
    scopes = [p.scope for p in m.consumes]
    assert (len(scopes), scopes.count("indirect")) == (119, 82)
    assert Package("go", "github.com/go-errors/errors", "v1.4.2", "indirect") in m.consumes
    assert (
        Package("go", "github.com/merico-ai/graphql", "v0.0.0-20260206020408-b7fd267bcfac")
        in m.consumes
    )
    # "// github.com/gin-contrib/cors v1.6.0" is commented out
    assert not [p for p in m.consumes if p.name == "github.com/gin-contrib/cors"]


def test_go_mod_single_line_require_and_a_bad_line() -> None:
    text = (
        "module github.com/acme/api\n\ngo 1.22\n\n"
        "require github.com/acme/proto v1.4.0\n"
        "require golang.org/x/sync v0.8.0 // indirect\n"
        "require (\n\tgithub.com/acme/broken\n\tgithub.com/google/uuid v1.6.0\n)\n"
    )
    m = parse("go.mod", text)
    assert m.publishes == [Package("go", "github.com/acme/api", "", "runtime")]
    assert _rows(m.consumes, "go") == [
        ("github.com/acme/proto", "v1.4.0", "runtime"),
        ("github.com/google/uuid", "v1.6.0", "runtime"),
        ("golang.org/x/sync", "v0.8.0", "indirect"),
    ]
    assert m.errors == ["go.mod line 8: 'github.com/acme/broken' is not a requirement"]


def test_go_mod_an_empty_block_is_no_error() -> None:
    # `require ()` opens and closes a block on one line, as Go's modfile parser reads it: no
    # requirement, and nothing wrong; the block after it is read as ever
    text = (
        "module github.com/acme/api\n\ngo 1.22\n\nrequire ()\nreplace ( )\n"
        "require (\n\tgithub.com/google/uuid v1.6.0\n)\n"
    )
    m = parse("go.mod", text)
    assert m.errors == []
    assert _rows(m.consumes, "go") == [("github.com/google/uuid", "v1.6.0", "runtime")]
    assert parse("go.work", "go 1.22\n\nuse ()\nuse ./api\n").members == ["./api"]


def test_go_mod_replace_directives() -> None:
    """go.dev/ref/mod#go-mod-file-replace: a replacement by a module path and version adds that
    module; one by a local folder adds nothing; one of a single version applies to that version
    alone and wins over one of every version; `=>` with more than a path and a version on a side
    is an error."""
    text = (
        "module github.com/acme/api\n\n"
        "require (\n"
        "\tgithub.com/up/kv v1.0.0\n"
        "\tgithub.com/up/log v1.2.0 // indirect\n"
        "\tgithub.com/acme/proto v0.1.0\n"
        "\texample.com/cfg v2.0.0\n"
        ")\n\n"
        "replace github.com/up/kv => github.com/acme/kv v1.0.1-fork\n"
        "replace(\n"
        "\tgithub.com/up/log v1.1.0 => github.com/acme/log v1.1.0\n"  # another version: no
        "\tgithub.com/acme/proto => ../proto\n"
        "\texample.com/cfg v2.0.0 => github.com/acme/cfg v2.0.1\n"
        "\texample.com/cfg => github.com/acme/old-cfg v1.0.0\n"
        "\tgithub.com/up/kv v1 => a b c\n"
        ")\n"
        "exclude github.com/up/kv v0.9.0\n"
    )
    m = parse("go.mod", text)
    assert _rows(m.consumes, "go") == [
        ("example.com/cfg", "v2.0.0", "runtime"),
        ("github.com/acme/cfg", "v2.0.1", "runtime"),
        ("github.com/acme/kv", "v1.0.1-fork", "runtime"),
        ("github.com/acme/proto", "v0.1.0", "runtime"),
        ("github.com/up/kv", "v1.0.0", "runtime"),
        ("github.com/up/log", "v1.2.0", "indirect"),
    ]
    assert m.errors == ["go.mod line 16: 'github.com/up/kv v1 => a b c' is not a replacement"]


# -- Rust: Cargo.toml ------------------------------------------------------------------------------

CARGO_FIXTURES: dict[str, tuple[list[Row], list[str]]] = {
    # alias = { package = "time", version = "0.1.12" }: the crate is time
    "alias": ([("regex", "0.1.41", "runtime"), ("time", "0.1.12", "runtime")], []),
    "dev_dependencies": ([("regex", "0.1.41", "dev"), ("time", "0.1.12", "dev")], []),
    "git_dependency": (
        [
            ("time", "0.1.12", "runtime"),
            ("utf8-ranges", "https://github.com/BurntSushi/utf8-ranges", "runtime"),
        ],
        [],
    ),
    # [target.x86_64-pc-windows-gnu.dependencies] is a runtime dependency on that target
    "target_dependency": ([("regex", "0.1.41", "runtime"), ("time", "<= 0.1.12", "runtime")], []),
    "workspace_root": ([("regex", "=0.2.10", "runtime")], ["lib/sub_crate"]),
}


@pytest.mark.parametrize("name", sorted(CARGO_FIXTURES))
def test_dependabot_cargo_fixtures(name: str) -> None:
    m = _parse_real(f"{CARGO_DIR}/{name}", "Cargo.toml")
    consumes, members = CARGO_FIXTURES[name]
    assert (m.kind, m.errors) == ("cargo", [])
    # every fixture is the package dependabot 0.1.0
    assert m.publishes == [Package("cargo", "dependabot", "0.1.0", "runtime")]
    assert _rows(m.consumes, "cargo") == consumes
    assert m.members == members


def test_cargo_alias_is_the_time_crate_not_its_key() -> None:
    m = _parse_real(f"{CARGO_DIR}/alias", "Cargo.toml")
    assert Package("cargo", "time", "0.1.12", "runtime") in m.consumes
    assert "alias" not in {p.name for p in m.consumes}


def test_cargo_workspace_dependencies_build_and_inheritance() -> None:
    text = """\
[workspace]
members = ["crates/*", "tools/gen/"]

[workspace.dependencies]
serde = { version = "1.0.200", features = ["derive"] }

[package]
name = "acme_core"
version = "0.3.0"

[dependencies]
serde = { workspace = true }
acme-proto = { path = "../proto" }

[build-dependencies]
cc = "1.0"
"""
    m = parse("Cargo.toml", text)
    assert m.errors == []
    assert m.publishes == [Package("cargo", "acme_core", "0.3.0", "runtime")]
    assert m.members == ["crates/*", "tools/gen"]
    assert _rows(m.consumes, "cargo") == [
        ("acme-proto", "../proto", "runtime"),
        ("cc", "1.0", "build"),
        ("serde", "1.0.200", "runtime"),  # [workspace.dependencies]
        ("serde", "workspace", "runtime"),  # the member's { workspace = true }
    ]


# -- Ruby: Gemfile and gemspec ---------------------------------------------------------------------

OCTOKIT_GEMFILE = f"{MANIFESTS}/octokit+octokit.rb/Gemfile"


def test_octokit_gemfile_reads_every_gem_with_its_versions() -> None:
    m = _parse_real(OCTOKIT_GEMFILE)
    assert (m.kind, m.errors, m.publishes) == ("gemfile", [], [])
    # 28 `gem` lines; versions are the quoted strings after the name, `platforms:` and
    # `require:` options are none; faraday's version is a variable, so unknown
    assert sorted((p.name, p.requirement) for p in m.consumes) == sorted(
        [
            ("jruby-openssl", ""),
            ("rake", "~> 13.0, >= 13.0.1"),
            ("rss", ">= 0.2.9"),
            ("awesome_print", ""),
            ("yard", ""),
            ("rexml", ">= 3.2.4"),
            ("base64", ""),
            ("faraday-http-cache", "~> 2.5, >= 2.5.1"),
            ("json", ">= 2.3.0"),
            ("jwt", "~> 2.2, >= 2.2.1"),
            ("mime-types", "~> 3.3, >= 3.3.1"),
            ("multi_json", "~> 1.14, >= 1.14.1"),
            ("netrc", "~> 0.11.0"),
            ("rb-fsevent", "~> 0.11.1"),
            ("rbnacl", "~> 7.1.1"),
            ("rspec", "~> 3.9"),
            ("simplecov", ""),
            ("test-queue", ""),
            ("timecop", "~> 0.9.8"),
            ("vcr", "~> 6.1"),
            ("webmock", "~> 3.8, >= 3.8.2"),
            ("faraday", ""),
            ("faraday-multipart", ""),
            ("faraday-retry", ""),
            ("bundler", ">= 1, < 3"),
            ("pry-byebug", ""),
            ("redcarpet", ""),
            ("rubocop", "1.69.2"),
        ]
    )
    scope = {p.name: p.scope for p in m.consumes}
    # outside any group (an install_if block is no group), and `group :development do`
    assert [scope[g] for g in ("jruby-openssl", "rake", "rss", "faraday", "faraday-retry")] == [
        "runtime"
    ] * 5
    assert scope["awesome_print"] == scope["yard"] == "group:development"
    assert scope["rexml"] == "group:test"  # inside install_if inside group :test
    # `group :test, :development do`: the first group named
    assert scope["rubocop"] == scope["bundler"] == "group:test"


def test_octokit_gemfile_group_test_survives_a_nested_install_if_block() -> None:
    # group :test do
    #   install_if -> { ... } do
    #     gem 'rexml', '>= 3.2.4'
    #   end                      <- closes install_if, not the group
    #   gem 'base64'             <- still in group :test, as are the 15 gems after it
    #   ...
    # end
    m = _parse_real(OCTOKIT_GEMFILE)
    scope = {p.name: p.scope for p in m.consumes}
    in_test_group = ["base64", "faraday-http-cache", "json", "jwt", "mime-types", "multi_json",
                     "netrc", "rb-fsevent", "rbnacl", "rspec", "simplecov", "test-queue",
                     "timecop", "vcr", "webmock"]  # fmt: skip
    assert {g: scope[g] for g in in_test_group} == {g: "group:test" for g in in_test_group}


def test_gemspec_publishes_its_gem_and_reads_runtime_and_development_dependencies() -> None:
    text = """\
# frozen_string_literal: true

require_relative "lib/acme/client/version"

Gem::Specification.new do |spec|
  spec.name = "acme-client"
  spec.version = "3.2.1"
  spec.authors = ["Acme Platform"]
  spec.summary = "Ruby client for the Acme API"
  spec.required_ruby_version = ">= 3.0"

  spec.add_dependency "faraday", ">= 1.10", "< 3"
  spec.add_runtime_dependency("multi_json", "~> 1.15")
  spec.add_dependency 'addressable'
  spec.add_development_dependency "rspec", "~> 3.13"
  spec.add_development_dependency "webmock"
end
"""
    m = parse("acme-client.gemspec", text)
    assert (m.kind, m.errors) == ("gemspec", [])
    # required_ruby_version is not the gem's version
    assert m.publishes == [Package("rubygems", "acme-client", "3.2.1", "runtime")]
    assert _rows(m.consumes, "rubygems") == [
        ("addressable", "", "runtime"),
        ("faraday", ">= 1.10, < 3", "runtime"),
        ("multi_json", "~> 1.15", "runtime"),
        ("rspec", "~> 3.13", "dev"),
        ("webmock", "", "dev"),
    ]


def test_gemspec_with_a_version_constant_publishes_without_a_version() -> None:
    text = 'Gem::Specification.new do |s|\n  s.name = "acme-auth"\n  s.version = Acme::VERSION\n'
    assert parse("acme-auth.gemspec", text).publishes == [Package("rubygems", "acme-auth", "")]


# -- JVM: pom.xml and Gradle -----------------------------------------------------------------------

POM = """\
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>com.acme</groupId>
    <artifactId>acme-parent</artifactId>
    <version>7.2.0</version>
  </parent>
  <artifactId>billing-service</artifactId>
  <packaging>pom</packaging>

  <properties>
    <jackson.version>2.17.1</jackson.version>
    <acme.platform.group>com.acme.platform</acme.platform.group>
  </properties>

  <modules>
    <module>billing-api</module>
    <module>billing-core</module>
  </modules>

  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-dependencies</artifactId>
        <version>3.3.0</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>

  <dependencies>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
      <version>${jackson.version}</version>
    </dependency>
    <dependency>
      <groupId>${acme.platform.group}</groupId>
      <artifactId>acme-events</artifactId>
      <version>${project.version}</version>
      <scope>compile</scope>
    </dependency>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <version>5.10.2</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
</project>
"""


def test_pom_inherits_group_and_version_from_its_parent_and_resolves_properties() -> None:
    m = parse("pom.xml", POM)
    assert (m.kind, m.errors) == ("pom", [])
    # no groupId or version of its own: the parent's com.acme and 7.2.0
    assert m.publishes == [Package("maven", "com.acme:billing-service", "7.2.0", "runtime")]
    # ${jackson.version} from <properties>; ${acme.platform.group} too; ${project.version} is
    # the inherited 7.2.0; compile scope is runtime. The parent POM is read to build it; of
    # dependencyManagement, the BOM it imports is (scope import), the rest only pins versions.
    assert _rows(m.consumes, "maven") == [
        ("com.acme.platform:acme-events", "7.2.0", "runtime"),
        ("com.acme:acme-parent", "7.2.0", "build"),
        ("com.fasterxml.jackson.core:jackson-databind", "2.17.1", "runtime"),
        ("org.junit.jupiter:junit-jupiter", "5.10.2", "test"),
        ("org.springframework.boot:spring-boot-dependencies", "3.3.0", "import"),
    ]
    assert m.members == ["billing-api", "billing-core"]


def test_pom_without_namespace_and_a_dependency_missing_its_artifact() -> None:
    text = """<project>
  <groupId>com.acme</groupId><artifactId>ledger</artifactId><version>1.0.0</version>
  <dependencies>
    <dependency><groupId>org.slf4j</groupId></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId></dependency>
  </dependencies>
</project>"""
    m = parse("pom.xml", text)
    assert m.publishes == [Package("maven", "com.acme:ledger", "1.0.0", "runtime")]
    assert m.consumes == [Package("maven", "org.slf4j:slf4j-api", "", "runtime")]
    assert m.errors == ["pom.xml: a dependency without groupId or artifactId"]


GRADLE_GROOVY = """\
plugins {
    id 'java-library'
    id 'maven-publish'
}

group = 'com.acme.billing'
version = '2.3.0'

repositories {
    maven { url 'https://repo.acme.example/releases' }
}

dependencies {
    api 'com.acme:acme-events:1.4.0'
    implementation 'com.google.guava:guava:33.2.0-jre'
    implementation group: 'org.slf4j', name: 'slf4j-api', version: '2.0.13'
    runtimeOnly 'org.postgresql:postgresql:42.7.3'
    compileOnly 'org.projectlombok:lombok:1.18.32'
    // implementation 'com.acme:legacy-client:0.9.0'
    /* api 'com.acme:old-events:0.1.0'
       implementation 'com.acme:older:0.0.1' */
    testImplementation 'org.junit.jupiter:junit-jupiter:5.10.2'
    testImplementation platform('org.junit:junit-bom:5.10.2')
}

publishing {
    publications {
        mavenJava(MavenPublication) {
            artifactId = 'billing-client'
            from components.java
        }
    }
}
"""


def test_groovy_gradle_string_and_map_notation_comments_ignored_and_the_publication() -> None:
    m = parse("build.gradle", GRADLE_GROOVY, repo_name="billing")
    assert (m.kind, m.errors) == ("gradle", [])
    assert _rows(m.consumes, "maven") == sorted(
        [
            ("com.acme:acme-events", "1.4.0", "runtime"),  # api
            ("com.google.guava:guava", "33.2.0-jre", "runtime"),
            ("org.slf4j:slf4j-api", "2.0.13", "runtime"),  # map notation
            ("org.postgresql:postgresql", "42.7.3", "runtime"),  # runtimeOnly
            ("org.projectlombok:lombok", "1.18.32", "build"),  # compileOnly
            ("org.junit.jupiter:junit-jupiter", "5.10.2", "test"),
            ("org.junit:junit-bom", "5.10.2", "test"),  # platform(...)
        ]
    )
    # the publication's artifactId under the project's group, not the repo's name
    assert m.publishes == [Package("maven", "com.acme.billing:billing-client", "2.3.0", "runtime")]


GRADLE_KOTLIN = """\
plugins {
    `java-library`
    `maven-publish`
    kotlin("jvm") version "2.0.0"
}

group = "com.acme"
version = "1.5.0"

dependencies {
    implementation("com.acme:acme-events:1.4.0")
    api("io.ktor:ktor-client-core:2.3.11")
    implementation(
        group = "org.jetbrains.kotlinx", name = "kotlinx-coroutines-core", version = "1.8.1"
    )
    implementation(platform("org.jetbrains.kotlin:kotlin-bom:2.0.0"))
    kapt("com.google.dagger:dagger-compiler:2.51")
    testImplementation("io.kotest:kotest-runner-junit5:5.9.0")
    // testImplementation("io.mockk:mockk:1.13.11")
    testImplementation(kotlin("test"))
}
"""


def test_kotlin_gradle_publishes_the_repo_name_under_maven_publish() -> None:
    m = parse("build.gradle.kts", GRADLE_KOTLIN, repo_name="billing-sdk")
    assert (m.kind, m.errors) == ("gradle", [])
    assert _rows(m.consumes, "maven") == sorted(
        [
            ("com.acme:acme-events", "1.4.0", "runtime"),
            ("io.ktor:ktor-client-core", "2.3.11", "runtime"),
            ("org.jetbrains.kotlinx:kotlinx-coroutines-core", "1.8.1", "runtime"),
            ("org.jetbrains.kotlin:kotlin-bom", "2.0.0", "runtime"),
            ("com.google.dagger:dagger-compiler", "2.51", "build"),  # kapt
            ("io.kotest:kotest-runner-junit5", "5.9.0", "test"),
        ]
    )
    # maven-publish with no artifactId: the project's name, which is the repo's
    assert m.publishes == [Package("maven", "com.acme:billing-sdk", "1.5.0", "runtime")]
    # the same build without a repo name to stand for the project, or without maven-publish
    assert parse("build.gradle.kts", GRADLE_KOTLIN).publishes == []
    unpublished = GRADLE_KOTLIN.replace("`maven-publish`", "")
    assert parse("build.gradle.kts", unpublished, repo_name="billing-sdk").publishes == []


# -- files that are not what their name says -------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<project><groupId>&lol3;</groupId><artifactId>bomb</artifactId></project>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<project><groupId>&xxe;</groupId><artifactId>leak</artifactId></project>
"""


@pytest.mark.parametrize(
    ("path", "text", "says"),
    [
        ("pyproject.toml", '[project\nname = "x"\n', "Expected ']'"),
        ("Cargo.toml", '[package]\nname = "a"\nname = "b"\n', "Cannot overwrite a value"),
        ("package.json", '{"name": "x",}', "Expecting property name"),
        ("package.json", '["not", "an", "object"]', "package.json holds no object"),
        ("pom.xml", BILLION_LAUGHS, "EntitiesForbidden"),
        ("pom.xml", EXTERNAL_ENTITY, "EntitiesForbidden"),
    ],
    ids=["bad-toml", "duplicate-toml-key", "bad-json", "json-array", "xml-bomb", "xml-xxe"],
)
def test_a_malformed_file_is_an_error_naming_its_path(path: str, text: str, says: str) -> None:
    m = parse(path, text)
    assert (m.publishes, m.consumes) == ([], [])
    assert len(m.errors) == 1
    assert m.errors[0].startswith(f"{path}: ") and says in m.errors[0]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        # not well-formed XML: a mismatched closing tag
        ("pom.xml", "<project><groupId>com.acme</project>"),
        # a setup.cfg with its first key before any [section]
        ("setup.cfg", "name = acme-utils\n[options]\ninstall_requires = requests\n"),
    ],
    ids=["xml-not-well-formed", "setup-cfg-no-section"],
)
def test_a_file_its_own_tool_cannot_read_is_an_error_not_a_crash(path: str, text: str) -> None:
    # parse(): "a file that is not what its name says at all (TOML that does not parse, say)"
    # becomes an error of the manifest; these two must not raise either
    m = parse(path, text)
    assert len(m.errors) == 1 and m.errors[0].startswith(f"{path}: ")


def test_review_findings_editable_requirements_gradle_variables_and_ruby_statements() -> None:
    reqs = parse(
        "requirements.txt",
        "-e git+https://github.com/acme/utils.git#egg=acme-utils\n-e ./libs/core\n"
        "--editable=git+https://example.com/x.git#egg=zz\nrequests==2.0\n",
    )
    # an editable URL names its package by #egg; a bare path names none
    assert [(p.name, p.requirement) for p in reqs.consumes] == [
        ("acme-utils", "git+https://github.com/acme/utils.git"),
        ("zz", "git+https://example.com/x.git"),
        ("requests", "==2.0"),
    ]
    gradle = parse(
        "build.gradle",
        'dependencies {\n  implementation "com.acme:lib:$libVersion"\n'
        '  api("com.acme:x:${v}")\n  implementation "$group:a:1"\n}\n',
    )
    # a version from a variable is unknown; a coordinate from one cannot be matched
    assert [(p.name, p.requirement) for p in gradle.consumes] == [
        ("com.acme:lib", ""),
        ("com.acme:x", ""),
    ]
    gems = parse(
        "Gemfile",
        'group :test do\n  if ENV["CI"]\n    gem "ci_reporter"\n  end\n  gem "rspec"\nend\n'
        'gem "rails" if true\ngem "puma"\n',
    )
    assert [(p.name, p.scope) for p in gems.consumes] == [
        ("ci_reporter", "group:test"),
        ("rspec", "group:test"),
        ("rails", "runtime"),
        ("puma", "runtime"),
    ]
    # a key of the wrong type is an error, never a package per character
    odd = parse("pyproject.toml", '[project]\nname = "x"\ndependencies = "requests"\n')
    assert odd.consumes == [] and odd.errors == [
        "pyproject.toml: [project] dependencies is not an array of strings"
    ]
    deep = parse("package.json", "[" * 100_000)
    assert deep.consumes == [] and len(deep.errors) == 1


def test_an_application_a_computed_version_and_a_gems_own_group() -> None:
    """What a manifest says of itself, read as its own tool reads it."""
    # uv's `package = false` and Poetry's non-package mode: an application, which no one installs
    for tool in ("[tool.uv]\npackage = false\n", "[tool.poetry]\npackage-mode = false\n"):
        m = parse("pyproject.toml", f'[project]\nname = "acme-app"\nversion = "1.0"\n{tool}')
        assert (m.errors, m.publishes) == ([], [])
    # a version the build computes, or the workspace's: not in the file
    cfg = parse("setup.cfg", "[metadata]\nname = acme-utils\nversion = attr: acme.__version__\n")
    assert cfg.publishes == [Package("pypi", "acme-utils", "", "runtime")]
    cargo = parse("Cargo.toml", '[package]\nname = "acme_crate"\nversion.workspace = true\n')
    assert cargo.publishes == [Package("cargo", "acme_crate", "", "runtime")]
    gemfile = parse(
        "Gemfile",
        "gem 'rspec', group: :test\n"
        "gem 'pry', groups: [:development, :test]\n"
        "gem 'rake', :group => :build\n"
        "group(:ci) do\n  gem 'simplecov'\nend\n"
        "if ENV['EDGE'] then gem 'acme-x' end\n"
        "unless Gem.win_platform?; gem 'acme-y'; end\n"
        "gem 'rails'\n",
    )
    assert _rows(gemfile.consumes, "rubygems") == sorted(
        [
            ("rspec", "", "group:test"),
            ("pry", "", "group:development"),
            ("rake", "", "group:build"),
            ("simplecov", "", "group:ci"),
            ("acme-x", "", "runtime"),
            ("acme-y", "", "runtime"),
            ("rails", "", "runtime"),
        ]
    )


def test_gradle_several_coordinates_at_once_and_test_fixtures() -> None:
    text = (
        "dependencies {\n"
        '    implementation "com.acme:a:1.0", "com.acme:b:2.0"\n'
        "    testFixturesApi 'com.acme:fixtures:3.0'\n"
        "    compileOnlyApi('com.acme:annotations:4.0')\n"
        "}\n"
    )
    m = parse("build.gradle", text)
    assert m.errors == []
    assert _rows(m.consumes, "maven") == [
        ("com.acme:a", "1.0", "runtime"),
        ("com.acme:annotations", "4.0", "build"),
        ("com.acme:b", "2.0", "runtime"),
        ("com.acme:fixtures", "3.0", "test"),
    ]


def test_gradle_a_tasks_group_is_no_project_group_and_constraints_add_nothing() -> None:
    """A task's `group` is its category in `gradle tasks` (Gradle's Task.group), not the
    project's (Project.group); `constraints` only set versions (Gradle, "Dependency
    constraints"); a source set's own configuration takes the scope its name ends in."""
    text = (
        "plugins { id 'java-library'; id 'maven-publish' }\n"
        "tasks.register('integrationTest', Test) {\n"
        "    group = 'verification'\n"
        "    version = '0.0'\n"
        "}\n"
        "group = 'com.acme'\n"
        "version = '1.0'\n"
        "dependencies { implementation('com.acme:one-line:1.0') }\n"
        "dependencies {\n"
        "    constraints {\n"
        "        implementation('com.acme:pinned:2.0') {\n"
        "            because 'CVE'\n"
        "        }\n"
        "    }\n"
        "    constraints\n    {\n        api 'com.acme:pinned-too:2.0'\n    }\n"  # Allman braces
        "    implementation(enforcedPlatform('com.acme:bom:3.0'))\n"
        "    integrationTestImplementation 'com.acme:it-kit:4.0'\n"
        '    jvmMainApi("com.acme:kmp:5.0")\n'
        "    releaseCompileOnly 'com.acme:annotations:6.0'\n"
        "    classpath 'com.acme:plugin:7.0'\n"  # a buildscript's: no dependency of the project
        "}\n"
    )
    m = parse("build.gradle", text, repo_name="jlib")
    assert m.errors == []
    assert m.publishes == [Package("maven", "com.acme:jlib", "1.0")]
    assert _rows(m.consumes, "maven") == [
        ("com.acme:annotations", "6.0", "build"),
        ("com.acme:bom", "3.0", "runtime"),
        ("com.acme:it-kit", "4.0", "test"),
        ("com.acme:kmp", "5.0", "runtime"),
        ("com.acme:one-line", "1.0", "runtime"),
    ]


def test_gradle_group_for_every_project_and_a_publications_own_group_id() -> None:
    root = parse(
        "build.gradle",
        "allprojects {\n    group = 'com.acme.platform'\n    version = '2.0'\n}\n"
        "apply plugin: 'maven-publish'\n",
        repo_name="platform",
    )
    assert root.publishes == [Package("maven", "com.acme.platform:platform", "2.0")]
    kts = parse(
        "build.gradle.kts",
        'group = "com.acme"\nversion = "1.1"\n'
        "publishing {\n    publications {\n"
        '        create<MavenPublication>("maven") {\n'
        '            groupId = "com.other"\n            artifactId = "sdk"\n'
        "        }\n    }\n}\n",
    )
    assert kts.publishes == [Package("maven", "com.other:sdk", "1.1")]


def test_pom_profiles_plugins_optional_and_managed_versions() -> None:
    """Maven's POM reference: a profile's dependencies and plugins are the build's when it is
    active; a plugin's groupId defaults to org.apache.maven.plugins; `<optional>` marks a
    dependency its consumers do not inherit; a managed version alone adds nothing."""
    text = """<project>
  <groupId>com.acme</groupId><artifactId>svc</artifactId><version>1.0</version>
  <properties><gen.version>3.1</gen.version></properties>
  <dependencyManagement><dependencies>
    <dependency><groupId>com.acme</groupId><artifactId>pinned</artifactId><version>2</version>
    </dependency>
  </dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>com.acme</groupId><artifactId>extra</artifactId><version>1</version>
      <optional>true</optional></dependency>
  </dependencies>
  <build><plugins>
    <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.2.5</version></plugin>
    <plugin><groupId>org.codehaus.mojo</groupId></plugin>
    <plugin><groupId>com.acme</groupId><artifactId>codegen-maven-plugin</artifactId>
      <version>${gen.version}</version></plugin>
  </plugins></build>
  <profiles><profile><id>it</id>
    <dependencies><dependency><groupId>com.acme</groupId><artifactId>it-kit</artifactId>
      <version>4</version><scope>test</scope></dependency></dependencies>
    <build><plugins><plugin><groupId>com.acme</groupId><artifactId>deploy-plugin</artifactId>
    </plugin></plugins></build>
  </profile></profiles>
</project>"""
    m = parse("pom.xml", text)
    assert m.errors == ["pom.xml: a plugin without artifactId"]
    assert _rows(m.consumes, "maven") == [
        ("com.acme:codegen-maven-plugin", "3.1", "build"),
        ("com.acme:deploy-plugin", "", "build"),
        ("com.acme:extra", "1", "optional"),
        ("com.acme:it-kit", "4", "test"),
        ("org.apache.maven.plugins:maven-surefire-plugin", "3.2.5", "build"),
    ]


def test_uv_and_pdm_development_dependencies_from_before_pep_735() -> None:
    """uv's [tool.uv] dev-dependencies is its group dev; PDM's [tool.pdm.dev-dependencies]
    holds groups, whose editable items name a package by #egg= (a local path names none)."""
    m = parse(
        "pyproject.toml",
        '[project]\nname = "app"\n'
        '[tool.uv]\ndev-dependencies = ["acme-testing>=1.2", "pytest"]\n'
        "[tool.pdm.dev-dependencies]\n"
        'lint = ["flake8~=3.8"]\n'
        'editable = ["-e git+https://github.com/acme/click.git@main#egg=acme-click", '
        '"-e ./mypackage/"]\n',
    )
    assert m.errors == []
    assert _rows(m.consumes, "pypi") == sorted(
        [
            ("acme-testing", ">=1.2", "group:dev"),
            ("pytest", "", "group:dev"),
            ("flake8", "~=3.8", "group:lint"),
            ("acme-click", "git+https://github.com/acme/click.git@main", "group:editable"),
        ]
    )
    # a list of the wrong type is one error, as [dependency-groups]'
    bad = parse("pyproject.toml", '[tool.uv]\ndev-dependencies = "pytest"\n')
    assert bad.errors == ["pyproject.toml: [tool.uv] dev-dependencies is not an array of strings"]


def test_a_byte_order_mark_and_wrongly_typed_pyproject_tables() -> None:
    # npm, pip and Bundler read past a byte-order mark
    assert parse("package.json", '\ufeff{"name": "acme-x", "version": "1"}').publishes == [
        Package("npm", "acme-x", "1")
    ]
    assert parse("requirements.txt", "\ufeffacme-x\n").consumes == [Package("pypi", "acme-x")]
    assert parse("Gemfile", "\ufeffgem 'rails'\n").consumes == [Package("rubygems", "rails")]
    # a table of the wrong type is one error, and the rest of the file still counts
    m = parse(
        "pyproject.toml",
        '[project]\nname = "app"\noptional-dependencies = ["a"]\n'
        '[dependency-groups]\ndev = "acme-utils"\ntest = ["pytest", {include-group = "dev"}]\n'
        '[build-system]\nrequires = ["setuptools"]\n'
        "[tool.poetry]\ndependencies = 3\n",
    )
    assert m.errors == [
        "pyproject.toml: [project] optional-dependencies is not a table",
        "pyproject.toml: [dependency-groups] dev is not an array of strings",
        "pyproject.toml: [tool.poetry] dependencies is not a table",
    ]
    assert _rows(m.consumes, "pypi") == [("pytest", "", "group:test"), ("setuptools", "", "build")]


def test_optional_dependencies_of_poetry_and_cargo() -> None:
    """Poetry's and Cargo's `optional = true`: installed or built only with the extra or feature
    that names it, scope optional; the entries after it keep their own scope."""
    poetry = parse(
        "pyproject.toml",
        '[tool.poetry]\nname = "app"\n[tool.poetry.dependencies]\n'
        'acme-pdf = { version = "^1", optional = true }\nacme-core = "^2"\n',
    )
    assert _rows(poetry.consumes, "pypi") == [("acme-core", "^2", "runtime"),
                                              ("acme-pdf", "^1", "optional")]  # fmt: skip
    cargo = parse(
        "Cargo.toml",
        '[package]\nname = "app"\n[dependencies]\n'
        'acme-pdf = { version = "1", optional = true }\nacme-core = "2"\n'
        '[dev-dependencies]\nacme-test = { version = "3", optional = false }\n',
    )
    assert _rows(cargo.consumes, "cargo") == [("acme-core", "2", "runtime"),
                                              ("acme-pdf", "1", "optional"),
                                              ("acme-test", "3", "dev")]  # fmt: skip


def test_ruby_brace_groups_generated_gemspecs_and_gems_rb() -> None:
    gemfile = parse(
        "gems.rb",  # Bundler's other name for a Gemfile
        "source 'https://rubygems.org'\ngroup(:doc) { gem 'yard'; gem \"kramdown\", '~> 2' }\n"
        "gem 'rails', '~> 7.1'\n",
    )
    assert gemfile.kind == "gemfile"
    assert _rows(gemfile.consumes, "rubygems") == [
        ("kramdown", "~> 2", "group:doc"),
        ("rails", "~> 7.1", "runtime"),
        ("yard", "", "group:doc"),
    ]
    # as `gem build` writes a gemspec (%q<…>.freeze), and versions in an array
    gemspec = parse(
        "acme.gemspec",
        'Gem::Specification.new do |s|\n  s.name = "acme".freeze\n  s.version = "1.2.0"\n'
        '  s.add_runtime_dependency(%q<rake>.freeze, [">= 1".freeze, "< 3".freeze])\n'
        '  s.add_dependency "faraday", [">= 1", "< 3"]\n'
        '  s.add_development_dependency(%q<rspec>.freeze, ["~> 3.12"])\nend\n',
    )
    assert gemspec.publishes == [Package("rubygems", "acme", "1.2.0")]
    assert _rows(gemspec.consumes, "rubygems") == [
        ("faraday", ">= 1, < 3", "runtime"),
        ("rake", ">= 1, < 3", "runtime"),
        ("rspec", "~> 3.12", "dev"),
    ]


def test_gradle_version_catalog_offers_its_libraries_and_bundles_by_accessor() -> None:
    """docs.gradle.org, "Version Catalogs": a library is "g:a:v", or a module (or group and
    name) with a version or a version.ref into [versions]; `-`, `_` and `.` in an alias all
    read as `.` in `libs.…`; a bundle is `libs.bundles.NAME`."""
    text = (
        "[versions]\nacme = '2.1.0'\n\n"
        "[libraries]\n"
        "guava = 'com.google.guava:guava:33.2.0-jre'\n"
        "acme-core = { module = 'com.acme:core', version.ref = 'acme' }\n"
        "acme_events = { group = 'com.acme', name = 'events', version = '1.4' }\n"
        "acme-bom = { module = 'com.acme:bom', version = { strictly = '3.0' } }\n"
        "acme-cli = { module = 'com.acme:cli', version = { require = '1.+' } }\n"
        "broken = 'no-coordinates'\n"
        "\n[bundles]\nacme = ['acme-core', 'acme_events', 'missing']\n"
        "\n[plugins]\nkotlin-jvm = { id = 'org.jetbrains.kotlin.jvm', version = '2.0.0' }\n"
    )
    m = parse("gradle/libs.versions.toml", text)
    assert m.kind == "gradle-catalog" and m.consumes == [] and m.publishes == []
    core, events = (
        Package("maven", "com.acme:core", "2.1.0"),
        Package("maven", "com.acme:events", "1.4"),
    )
    assert m.offers == {
        "guava": [Package("maven", "com.google.guava:guava", "33.2.0-jre")],
        "acme.core": [core],
        "acme.events": [events],
        "acme.bom": [Package("maven", "com.acme:bom", "3.0")],
        "acme.cli": [Package("maven", "com.acme:cli", "1.+")],
        "bundles.acme": [core, events],
    }
    assert m.errors == [
        "gradle/libs.versions.toml: [libraries] broken = 'no-coordinates' is no g:a:v"
    ]


def test_gradle_build_names_catalog_entries_and_settings_name_projects() -> None:
    from miner.manifests import CATALOG

    build = parse(
        "build.gradle.kts",
        "plugins { alias(libs.plugins.kotlin.jvm) }\n"
        "dependencies {\n"
        "    implementation(libs.acme.core)\n"
        "    api(platform(libs.acme.bom))\n"
        "    testImplementation(libs.bundles.acme)\n"
        "    implementation(libs.guava.get())\n"
        "}\n",
    )
    assert _rows(build.consumes, "maven") == [
        ("acme.bom", CATALOG, "runtime"),
        ("acme.core", CATALOG, "runtime"),
        ("bundles.acme", CATALOG, "test"),
        ("guava", CATALOG, "runtime"),
    ]
    settings = parse(
        "settings.gradle",
        "rootProject.name = 'platform'\ninclude 'app', ':lib:core'\n"
        "// include 'old'\ninclude(\"tools\")\n",
    )
    assert settings.members == ["app", "lib/core", "tools"]
    # one project a line, as Kotlin settings files often have them; Groovy's before a brace
    kts = parse("settings.gradle.kts", 'include(\n    ":app",\n    ":lib:core",\n)\n')
    assert kts.members == ["app", "lib/core"]
    groovy = parse(
        "build.gradle",
        "dependencies { implementation libs.guava }\n"
        "dependencies {\n  testImplementation libs.junit }\n",
    )
    assert _rows(groovy.consumes, "maven") == [("guava", CATALOG, "runtime"),
                                               ("junit", CATALOG, "test")]  # fmt: skip


def test_a_gemfile_entry_continued_over_several_lines_is_one_gem() -> None:
    """Ruby goes on reading a statement past a line ending in `,` or `\\`, or inside open
    parentheses or brackets: a gem's versions and options may sit on the lines below it (as
    Bundler's own Gemfile templates write long entries)."""
    gemfile = parse(
        "Gemfile",
        "source 'https://rubygems.org'\n"
        'gem "rails",\n  "~> 7.1",\n  ">= 7.1.2"\n'
        "gem 'rspec-rails', # the test runner\n    group: [:development, :test]\n"
        'gem "acme-client", "~> 2",\n    require: false,\n    group: :test\n'
        'gem(\n  "pg",\n  "~> 1.5"\n)\n'
        "gem 'sidekiq', \\\n  '>= 7'\n"
        "gem 'puma', groups: [\n  :web,\n  :dev\n]\n"
        "gem 'bootsnap', require: false\n"
        "gem 'acme-ui', path: 'vendor/acme-ui (copy'\ngem 'yard'\n",
    )
    assert gemfile.errors == []
    assert _rows(gemfile.consumes, "rubygems") == [
        ("acme-client", "~> 2", "group:test"),
        ("acme-ui", "", "runtime"),
        ("bootsnap", "", "runtime"),
        ("pg", "~> 1.5", "runtime"),
        ("puma", "", "group:web"),
        ("rails", "~> 7.1, >= 7.1.2", "runtime"),
        ("rspec-rails", "", "group:development"),
        ("sidekiq", ">= 7", "runtime"),
        ("yard", "", "runtime"),
    ]


def test_hatch_environments_and_rye_development_dependencies() -> None:
    """Hatch's environments (hatch.pypa.io, "Environment configuration") each name
    `dependencies` and `extra-dependencies`, its group of the env's name; Rye's
    [tool.rye] dev-dependencies is its group dev (rye.astral.sh, "pyproject.toml"), and
    [tool.rye.workspace] members are workspace members, as uv's. PEP 621's [project] tables
    count beside them."""
    m = parse(
        "pyproject.toml",
        '[project]\nname = "app"\ndependencies = ["acme-core>=2"]\n'
        '[project.optional-dependencies]\npdf = ["acme-pdf"]\n'
        "[tool.hatch.envs.default]\n"
        'dependencies = ["acme-testing>=1.2", "pytest"]\n'
        "[tool.hatch.envs.lint]\ndetached = true\n"
        'dependencies = ["ruff"]\nextra-dependencies = ["acme-lint"]\n'
        '[tool.hatch.envs.docs.scripts]\nbuild = "mkdocs build"\n'
        '[tool.rye]\nmanaged = true\ndev-dependencies = ["acme-fixtures~=3.0"]\n'
        '[tool.rye.workspace]\nmembers = ["packages/*"]\n',
    )
    assert m.errors == []
    assert m.members == ["packages/*"]
    assert _rows(m.consumes, "pypi") == sorted(
        [
            ("acme-core", ">=2", "runtime"),
            ("acme-pdf", "", "extra:pdf"),
            ("acme-testing", ">=1.2", "group:default"),
            ("pytest", "", "group:default"),
            ("ruff", "", "group:lint"),
            ("acme-lint", "", "group:lint"),
            ("acme-fixtures", "~=3.0", "group:dev"),
        ]
    )
    bad = parse("pyproject.toml", '[tool.hatch.envs.test]\ndependencies = "pytest"\n')
    assert bad.errors == [
        "pyproject.toml: [tool.hatch.envs.test] dependencies is not an array of strings"
    ]


def test_hatch_toml_environments_are_groups_as_in_pyproject() -> None:
    """A hatch.toml holds Hatch's tables without the tool.hatch prefix (hatch.pypa.io,
    "Configuration"): [envs.NAME] dependencies and extra-dependencies are group NAME; other
    tables (scripts, build) name no package, and a list that is none is an error naming it."""
    m = parse(
        "hatch.toml",
        '[version]\npath = "src/app/__about__.py"\n'
        '[envs.default]\ndependencies = ["coverage[toml]>=6.5", "pytest"]\n'
        '[envs.lint]\ndetached = true\nextra-dependencies = ["ruff==0.6.*"]\n'
        '[envs.lint.scripts]\ncheck = "ruff check"\n',
    )
    assert (m.kind, m.errors, m.publishes) == ("hatch", [], [])
    assert _rows(m.consumes, "pypi") == sorted(
        [
            ("coverage", ">=6.5", "group:default"),
            ("pytest", "", "group:default"),
            ("ruff", "==0.6.*", "group:lint"),
        ]
    )
    assert m.hatch_envs == m.consumes
    assert parse("hatch.toml", '[build]\ndev-mode-dirs = ["."]\n').hatch_envs is None
    bad = parse("hatch.toml", '[envs.test]\ndependencies = "pytest"\n')
    assert bad.errors == ["hatch.toml: [envs.test] dependencies is not an array of strings"]
