"""Every documented `yuantus ...` example parses, and the safe ones run on a demo database."""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from yuantus.cli import app

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL_FENCES = {"", "sh", "bash", "shell", "console"}
# a word in capitals is a value the reader fills in (JOB_ID, TOKEN_ID): such examples only parse
PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9_]*$")
# commands whose examples are executed; the others (start serves forever) only parse
EXECUTED = {
    ("demo",),
    ("version",),
    ("domains",),
    ("db", "upgrade"),
    ("db", "current"),
    ("worker",),
    ("user", "create"),
    ("user", "list"),
    ("user", "set-password"),
    ("user", "set-roles"),
    ("user", "activate"),
    ("user", "deactivate"),
    ("token", "create"),
    ("token", "list"),
    ("token", "revoke"),
    ("jobs", "list"),
    ("jobs", "show"),
    ("jobs", "retry"),
    ("jobs", "cancel"),
}
PROMPT_ANSWERS = "doc-example-pw-1\ndoc-example-pw-1\n"


@dataclass(frozen=True)
class Example:
    """One `yuantus` command of the docs."""

    where: str
    args: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.where}: yuantus {' '.join(self.args)}"


def _command(text: str, where: str) -> Example:
    words = shlex.split(text, comments=True)
    assert words[0] == "yuantus", where
    shell = {"|", "||", "&&", ";", ">", "<", "&"}
    assert not shell & set(words), f"{where}: a doc example is one command: {text}"
    return Example(where, tuple(words[1:]))


def doc_examples() -> list[Example]:
    """Every `yuantus ...` line of a shell code block, and every inline `yuantus ...` span."""
    found: list[Example] = []
    for path in DOCS:
        fence: str | None = None
        pending = ""
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            where = f"{path.relative_to(REPO)}:{number}"
            stripped = line.strip()
            if stripped.startswith("```"):
                fence = stripped[3:].strip() if fence is None else None
                continue
            if fence is not None:
                if fence not in SHELL_FENCES:
                    continue
                text = pending + stripped.removeprefix("$ ")
                if text.endswith("\\"):
                    pending = text[:-1] + " "
                    continue
                pending = ""
                if text.startswith("yuantus "):
                    found.append(_command(text, where))
                continue
            for match in re.finditer(r"`(yuantus [^`]+)`", line):
                found.append(_command(match.group(1), where))
    return found


def _resolve(args: tuple[str, ...]) -> tuple[tuple[str, ...], Any, list[str]]:
    """The sub-command path, the command (None for a bare group) and its own arguments."""
    command: Any = typer.main.get_command(app)
    names: list[str] = []
    rest = list(args)
    while isinstance(command, TyperGroup):
        if not rest:
            return tuple(names), None, []
        if rest[0].startswith("-"):
            return tuple(names), command, rest  # the group's own options (--help)
        sub = command.commands.get(rest[0])
        assert sub is not None, f"no command {' '.join([*names, rest[0]])}"
        names.append(rest.pop(0))
        command = sub
    return tuple(names), command, rest


EXAMPLES = doc_examples()


def test_the_docs_have_examples_of_every_command() -> None:
    paths = {_resolve(e.args)[0] for e in EXAMPLES}
    assert EXECUTED | {("start",)} <= paths, sorted(EXECUTED - paths)
    assert len(EXAMPLES) >= 50


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_every_documented_example_parses(example: Example) -> None:
    names, command, rest = _resolve(example.args)
    if command is None:
        return  # a group named in prose (`yuantus user`)
    # parse exactly as the command would, answering any password prompt
    code = 0
    try:
        with (
            CliRunner().isolation(input=PROMPT_ANSWERS),
            command.make_context(" ".join(["yuantus", *names]), rest),
        ):
            pass
    except typer.Exit as exc:  # --help prints and exits 0
        code = exc.exit_code
    assert code == 0, example


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the demo loaded once; every executed example gets a copy."""
    data = tmp_path_factory.mktemp("doc-demo")
    with pytest.MonkeyPatch.context() as mp:
        _clean_env(mp, data)
        r = CliRunner().invoke(app, ["demo"])
    assert r.exit_code == 0, r.output
    return data


def _clean_env(mp: pytest.MonkeyPatch, data: Path) -> None:
    import os

    for name in [n for n in os.environ if n.startswith("YUANTUS_")]:
        mp.delenv(name)
    mp.setenv("YUANTUS_DATA_DIR", str(data))


RUNNABLE = [
    e
    for e in EXAMPLES
    if _resolve(e.args)[0] in EXECUTED and not any(PLACEHOLDER.match(a) for a in e.args)
]
# examples the docs show being refused, with the exit code they document
REFUSED: dict[tuple[str, ...], int] = {("user", "create", "wang", "--password", "a"): 2}
DOCUMENTS = sorted({e.where.split(":")[0] for e in RUNNABLE})


def test_most_examples_are_executed() -> None:
    assert len(RUNNABLE) >= 30


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_safe_example_runs(document: str, demo_dir: Path, tmp_path: Path) -> None:
    """A reader follows one document top to bottom on a fresh demo database."""
    data = tmp_path / "data"
    shutil.copytree(demo_dir, data)
    for example in (e for e in RUNNABLE if e.where.split(":")[0] == document):
        args = list(example.args)
        if args[0] == "worker" and "--once" not in args:
            args.append("--once")  # a documented worker runs until stopped: here, until drained
        with pytest.MonkeyPatch.context() as mp:
            _clean_env(mp, data)
            r = CliRunner().invoke(app, args, input=PROMPT_ANSWERS)
        expected = REFUSED.get(example.args, 0)
        assert r.exit_code == expected, f"{example}\n{r.output}"
        assert r.exception is None or isinstance(r.exception, SystemExit), f"{example}\n{r.output}"
