"""Workspace members' manifests read from a real git repository: the folders an npm or Cargo
workspace and a Maven parent name, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import git

from miner.collect_git import workspace_manifests
from miner.manifests import parse
from tests.git_builder import GitBuilder


def test_members_of_npm_cargo_and_maven_roots_and_nothing_else(tmp_path: Path) -> None:
    b = GitBuilder(tmp_path / "repo")
    b.commit(
        {
            "package.json": json.dumps(
                {"name": "root", "private": True, "workspaces": ["packages/*", "./tools/cli"]}
            ),
            "packages/ui/package.json": json.dumps({"name": "@acme/ui", "version": "1.2.0"}),
            "packages/icons/package.json": json.dumps({"name": "@acme/icons"}),
            "packages/icons/node_modules/x/package.json": "{}",  # deeper: no member
            "tools/cli/package.json": json.dumps({"name": "@acme/cli"}),
            "tools/other/package.json": json.dumps({"name": "@acme/other"}),  # not named
            "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n',
            "crates/core/Cargo.toml": '[package]\nname = "acme_core"\n',
            "crates/core/package.json": "{}",  # a member, but not of an npm workspace
            "pom.xml": (
                "<project><groupId>com.acme</groupId><artifactId>parent</artifactId>"
                "<modules><module>api</module></modules></project>"
            ),
            "api/pom.xml": (
                "<project><groupId>com.acme</groupId><artifactId>api</artifactId></project>"
            ),
            "README.md": "# root\n",
        }
    )
    table = workspace_manifests(git.Repo(b.path), b.shas[-1])
    paths = table.column("path").to_pylist()
    assert sorted(paths) == [
        "api/pom.xml",
        "crates/core/Cargo.toml",
        "packages/icons/package.json",
        "packages/ui/package.json",
        "tools/cli/package.json",
    ]
    texts = dict(zip(paths, table.column("text").to_pylist(), strict=True))
    published = {p: [x.name for x in parse(p, texts[p]).publishes] for p in sorted(paths)}
    assert published == {
        "api/pom.xml": ["com.acme:api"],
        "crates/core/Cargo.toml": ["acme_core"],
        "packages/icons/package.json": ["@acme/icons"],
        "packages/ui/package.json": ["@acme/ui"],
        "tools/cli/package.json": ["@acme/cli"],
    }
    # the blob shas are git's
    sha = dict(zip(paths, table.column("sha").to_pylist(), strict=True))["packages/ui/package.json"]
    assert sha == b.git("rev-parse", f"{b.shas[-1]}:packages/ui/package.json")


def test_a_repo_without_workspaces_has_no_member_manifests(tmp_path: Path) -> None:
    b = GitBuilder(tmp_path / "repo")
    b.commit({"package.json": json.dumps({"name": "@acme/app"}), "lib/package.json": "{}"})
    assert workspace_manifests(git.Repo(b.path), b.shas[-1]).num_rows == 0


def test_excluded_folders_are_left_out_and_a_modules_own_modules_count(tmp_path: Path) -> None:
    b = GitBuilder(tmp_path / "repo")
    b.commit(
        {
            "package.json": json.dumps(
                {"name": "root", "workspaces": ["packages/*", "!packages/legacy"]}
            ),
            "packages/ui/package.json": json.dumps({"name": "@acme/ui"}),
            "packages/legacy/package.json": json.dumps({"name": "@acme/legacy"}),
            # Cargo's exclude is a path: the folders below it are left out too
            "Cargo.toml": '[workspace]\nmembers = ["crates/*", "crates/*/*"]\n'
            'exclude = ["crates/scratch"]\n',
            "crates/core/Cargo.toml": '[package]\nname = "acme_core"\n',
            "crates/scratch/Cargo.toml": '[package]\nname = "scratch"\n',
            "crates/scratch/sub/Cargo.toml": '[package]\nname = "scratch_sub"\n',
            # "./services" is services; "../elsewhere" is outside the repo
            "pom.xml": (
                "<project><modules><module>./services/</module><module>../elsewhere</module>"
                "</modules></project>"
            ),
            # a module that is the parent of modules of its own, two levels down
            "services/pom.xml": (
                "<project><modules><module>billing</module><module>auth</module></modules>"
                "</project>"
            ),
            "services/billing/pom.xml": (
                "<project><modules><module>api</module></modules></project>"
            ),
            "services/billing/api/pom.xml": "<project><artifactId>api</artifactId></project>",
            "services/auth/pom.xml": "<project><artifactId>auth</artifactId></project>",
            "services/other/pom.xml": "<project><artifactId>other</artifactId></project>",
        }
    )
    table = workspace_manifests(git.Repo(b.path), b.shas[-1])
    assert sorted(table.column("path").to_pylist()) == [
        "crates/core/Cargo.toml",
        "packages/ui/package.json",
        "services/auth/pom.xml",
        "services/billing/api/pom.xml",
        "services/billing/pom.xml",
        "services/pom.xml",
    ]


def test_members_of_uv_and_go_workspaces_and_of_pnpm(tmp_path: Path) -> None:
    b = GitBuilder(tmp_path / "repo")
    b.commit(
        {
            # a virtual uv workspace root: members' pyproject.toml, an exclude left out
            "pyproject.toml": (
                '[tool.uv.workspace]\nmembers = ["libs/*"]\nexclude = ["libs/scratch"]\n'
            ),
            "libs/core/pyproject.toml": '[project]\nname = "acme-core"\n',
            # Hatch's environments beside a member's pyproject.toml (not beside a non-member's)
            "libs/core/hatch.toml": '[envs.test]\ndependencies = ["pytest"]\n',
            "libs/scratch/pyproject.toml": '[project]\nname = "scratch"\n',
            "libs/scratch/hatch.toml": '[envs.test]\ndependencies = ["pytest"]\n',
            "libs/core/tests/pyproject.toml": '[project]\nname = "deeper"\n',  # not matched
            # a Go workspace: the modules its `use` names; "." is the root, read already
            "go.work": "go 1.22\n\nuse (\n\t.\n\t./svc/api\n)\n",
            "go.mod": "module github.com/acme/mono\n",
            "svc/api/go.mod": "module github.com/acme/mono/svc/api\n",
            "svc/other/go.mod": "module github.com/acme/mono/svc/other\n",  # not used
            # pnpm's workspace file names package.json folders; `!` leaves some out
            "pnpm-workspace.yaml": "packages:\n  - 'apps/**'\n  - '!**/fixtures/**'\n",
            "apps/web/package.json": json.dumps({"name": "@acme/web"}),
            "apps/web/fixtures/package.json": json.dumps({"name": "fixture"}),
            "apps/web/pyproject.toml": '[project]\nname = "not-a-member"\n',
        }
    )
    table = workspace_manifests(git.Repo(b.path), b.shas[-1])
    assert sorted(table.column("path").to_pylist()) == [
        "apps/web/package.json",
        "libs/core/hatch.toml",
        "libs/core/pyproject.toml",
        "svc/api/go.mod",
    ]


def test_projects_of_a_gradle_build_and_its_version_catalog(tmp_path: Path) -> None:
    b = GitBuilder(tmp_path / "repo")
    b.commit(
        {
            "settings.gradle.kts": 'rootProject.name = "platform"\ninclude("app", ":lib:core")\n',
            "build.gradle.kts": "plugins { java }\n",
            "app/build.gradle.kts": "dependencies { implementation(libs.guava) }\n",
            "lib/core/build.gradle": "apply plugin: 'java'\n",
            "lib/other/build.gradle": "apply plugin: 'java'\n",  # not included
            "gradle/libs.versions.toml": "[libraries]\nguava = 'com.google.guava:guava:33.0'\n",
            "gradle/wrapper/gradle-wrapper.properties": "distributionUrl=x\n",
        }
    )
    table = workspace_manifests(git.Repo(b.path), b.shas[-1])
    assert sorted(table.column("path").to_pylist()) == [
        "app/build.gradle.kts",
        "gradle/libs.versions.toml",
        "lib/core/build.gradle",
    ]


def test_folder_globs_as_npm_pnpm_cargo_and_uv_read_them() -> None:
    """`*` and `?` within a folder name, `[...]` a set (ranges included, `!` negating it), a
    `**` folder any number of folders, none included; `**` alone is every folder."""
    from miner.collect_git import _folder_glob

    cases = {
        "**": (["a", "a/b/c"], []),
        "packages/*": (["packages/a"], ["packages", "packages/a/b"]),
        "packages/**": (["packages", "packages/a", "packages/a/b"], ["pack", "other/a"]),
        "**/test/**": (["test", "a/test", "a/test/b"], ["atest", "a/tests"]),
        "a/**/b": (["a/b", "a/x/b", "a/x/y/b"], ["a/xb"]),
        "packages/[a-m]*": (["packages/core", "packages/alpha"], ["packages/-x", "packages/zeta"]),
        "x/[!a]y": (["x/by"], ["x/ay"]),
        "a.b/c+d": (["a.b/c+d"], ["aXb/c+d"]),
        "a[b": (["a[b"], ["ab"]),  # a `[` never closed is itself
    }
    for glob, (matched, unmatched) in cases.items():
        pattern = _folder_glob(glob)
        assert [f for f in matched if not pattern.fullmatch(f)] == [], glob
        assert [f for f in unmatched if pattern.fullmatch(f)] == [], glob
