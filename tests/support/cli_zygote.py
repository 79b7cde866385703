"""Run ``python -m warroom ARGS`` as a forked child of a process that has done the imports.

Most of the suite's CLI calls spent their time importing (SQLAlchemy, Alembic, psycopg,
cryptography, War Room itself): ~1 s of CPU per call, hundreds of calls. A *zygote* imports
them once; each call is then a ``fork()`` of it that takes the test's environment, working
folder, argv and stdin, and runs ``warroom/__main__.py`` exactly as ``python -m warroom``
does, exiting through the interpreter's normal exit (threads joined, atexit handlers, the
exit code or the traceback of an uncaught exception). It is still a separate process: its own
pid, file descriptors, signal handlers, exit status; nothing it does touches the test's process.

What a fork cannot change is what the interpreter decided at its own start: the encoding of
the standard streams, UTF-8 mode, ``PYTHON*`` options. A call whose environment differs from
the zygote's in any of those goes to a real ``python -m warroom`` (:func:`startup_variables`).
The zygote never runs War Room code, opens a database or starts a thread before forking.
"""

from __future__ import annotations

import json
import locale
import os
import select
import subprocess
import sys
import tempfile
from pathlib import Path

# Imported before forking: the expensive, side-effect-free imports of every command, then every
# War Room module below these packages except those that import Qt (a command that draws a PDF
# still imports Qt itself, as it does in a fresh interpreter).
PRELOAD = (
    "sqlite3",
    "sqlalchemy",
    "sqlalchemy.orm",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql",
    "alembic.command",
    "alembic.config",
    "alembic.runtime.migration",
    "alembic.runtime.environment",
    "alembic.operations",
    "psycopg",
    "cryptography.hazmat.primitives.asymmetric.ed25519",
    "requests",
    "warroom.cli",
    "warroom.logging_setup",
    "warroom.resource_paths",
    "warroom.gc_policy",
)
PRELOAD_PACKAGES = (
    "warroom.domain",
    "warroom.storage",
    "warroom.services",
    "warroom.sync",
    "warroom.export",
    "warroom.commands",
)
NO_PRELOAD = ("PySide6",)  # a module whose source imports one of these is left to the command

_SERVER = r"""
import importlib, importlib.util, json, os, runpy, sys, time

import pkgutil

names, packages, avoid = json.loads(sys.argv[1])
for package in packages:
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        if ".migrations" in info.name:  # Alembic runs those files itself
            continue
        if info.ispkg:
            names.append(info.name)
            continue
        source = importlib.util.find_spec(info.name).origin
        with open(source, encoding="utf-8") as file:
            text = file.read()
        if not any(f"import {name}" in text or f"from {name}" in text for name in avoid):
            names.append(info.name)
for name in names:
    try:
        importlib.import_module(name)
    except ImportError:
        pass
requests_in = os.fdopen(int(sys.argv[2]), "r", encoding="utf-8")
replies = os.fdopen(int(sys.argv[3]), "w", encoding="utf-8")
replies.write("ready\n")
replies.flush()


def _child(call):
    os.chdir(call["cwd"])
    os.environ.clear()
    os.environ.update(call["env"])
    for fd, (path, flags) in enumerate(
        [(call["stdin"], os.O_RDONLY), (call["stdout"], os.O_WRONLY), (call["stderr"], os.O_WRONLY)]
    ):
        opened = os.open(path, flags)
        os.dup2(opened, fd)
        os.close(opened)
    requests_in.close()
    replies.close()
    sys.argv = ["-m", *call["args"]]
    sys.path[0] = call["cwd"]
    runpy.run_module("warroom", run_name="__main__", alter_sys=True)
    sys.exit(0)


for line in requests_in:
    call = json.loads(line)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        _child(call)  # never returns: the interpreter exits with the command's code
    deadline = time.monotonic() + call["timeout"]
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            code = None
            break
        time.sleep(0.002)
    replies.write(json.dumps(code) + "\n")
    replies.flush()
"""

# Read at interpreter start; a call that sets any of them differently needs its own interpreter.
_STARTUP_NAMES = ("LANG", "LANGUAGE", "TERM")
_STARTUP_PREFIXES = ("PYTHON", "LC_")
_NOT_STARTUP = ("PYTHON_KEYRING_BACKEND",)  # read by keyring when a command asks for it


def startup_variables(env: dict[str, str]) -> dict[str, str]:
    """Return the variables of ``env`` that the interpreter reads when it starts."""
    return {
        name: value
        for name, value in env.items()
        if (name in _STARTUP_NAMES or name.startswith(_STARTUP_PREFIXES))
        and name not in _NOT_STARTUP
    }


class CliZygote:
    """One zygote process; :meth:`run` returns (exit code, stdout, stderr) of one call."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.startup = startup_variables(env)
        self.folder = folder
        self._count = 0
        requests_read, self._requests = os.pipe()
        self._replies, replies_write = os.pipe()
        # Its standard streams are what subprocess.run(capture_output=True) gives a command:
        # not a terminal, so the interpreter sets them up the same way.
        with open(folder / "zygote.log", "wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _SERVER,
                    json.dumps([list(PRELOAD), list(PRELOAD_PACKAGES), list(NO_PRELOAD)]),
                    str(requests_read),
                    str(replies_write),
                ],
                env={k: v for k, v in env.items() if not k.startswith("WARROOM_")},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                pass_fds=(requests_read, replies_write),
                cwd=folder,
            )
        os.close(requests_read)
        os.close(replies_write)
        self._reply_file = os.fdopen(self._replies, "r", encoding="utf-8")
        self._request_file = os.fdopen(self._requests, "w", encoding="utf-8")
        if self._read_reply(timeout=120) != "ready":
            raise RuntimeError("the CLI zygote did not start")

    def accepts(self, env: dict[str, str]) -> bool:
        """Whether a call with ``env`` behaves in a fork as in a fresh interpreter."""
        return self.process.poll() is None and startup_variables(env) == self.startup

    def _read_reply(self, timeout: float) -> str:
        ready, _, _ = select.select([self._reply_file], [], [], timeout)
        if not ready:
            raise subprocess.TimeoutExpired("python -m warroom (forked)", timeout)
        line = self._reply_file.readline()
        if not line:
            raise RuntimeError(f"the CLI zygote exited ({self.process.poll()})")
        return line.strip()

    def run(
        self, args: list[str], *, stdin: str, env: dict[str, str], timeout: float
    ) -> tuple[int, str, str]:
        """Run ``python -m warroom *args`` in a fork; return its code, stdout and stderr."""
        self._count += 1
        call_dir = Path(tempfile.mkdtemp(prefix=f"call{self._count}-", dir=self.folder))
        paths = {name: call_dir / name for name in ("stdin", "stdout", "stderr")}
        # what subprocess.run(input=stdin, text=True) sends
        paths["stdin"].write_bytes(stdin.encode(locale.getpreferredencoding(False)))
        for name in ("stdout", "stderr"):
            paths[name].touch()
        call = {
            "args": args,
            "env": env,
            "cwd": os.getcwd(),
            "timeout": timeout,
            **{name: str(path) for name, path in paths.items()},
        }
        self._request_file.write(json.dumps(call) + "\n")
        self._request_file.flush()
        code = json.loads(self._read_reply(timeout=timeout + 30))
        if code is None:
            raise subprocess.TimeoutExpired(["python", "-m", "warroom", *args], timeout)
        out = _text(paths["stdout"].read_bytes())
        err = _text(paths["stderr"].read_bytes())
        for path in paths.values():
            path.unlink()
        call_dir.rmdir()
        return code, out, err

    def close(self) -> None:
        """Stop the zygote (its children have all been waited for)."""
        self._request_file.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reply_file.close()


def _text(data: bytes) -> str:
    """Decode like ``subprocess.run(text=True)``: the locale's encoding, universal newlines."""
    import io

    return io.TextIOWrapper(io.BytesIO(data), encoding=None).read()
