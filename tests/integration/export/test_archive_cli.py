"""``warroom archive ID -o FILE.zip`` and ``warroom verify FILE.zip`` (issue 17): the sealed
archive verifies, standard tools check its hashes and seal, and every kind of tampering is
named in its own words."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Members = dict[str, bytes]


def archive(run_cli: Any, incident_id: int, target: Path, *extra: str, stdin: str = "") -> Any:
    result = run_cli("archive", str(incident_id), "-o", str(target), *extra, stdin=stdin)
    assert result.code == 0, result.err
    return result


def members_of(path: Path) -> Members:
    with zipfile.ZipFile(path) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def rewrite(path: Path, members: Members) -> Path:
    """Write ``members`` as a new, well-formed zip (its own CRCs right): only War Room's
    manifest and seal can tell what changed."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return path


def one_error_line(result: Any) -> str:
    lines = result.err.strip().splitlines()
    assert result.code == 1 and len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert "Traceback" not in result.err
    line: str = lines[0]
    return line


@pytest.fixture
def sealed(run_cli: Any, demo: Any, tmp_path: Path) -> Path:
    target = tmp_path / "incident.zip"
    archive(run_cli, demo.id, target)
    return target


@pytest.mark.both_databases
def test_an_archive_holds_every_format_and_verifies(
    run_cli: Any, demo: Any, tmp_path: Path
) -> None:
    target = tmp_path / "incident.zip"
    made = archive(run_cli, demo.id, target, "--json").json()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    members = members_of(target)
    stem = f"incident-{demo.id}"
    assert {f"{stem}.json", f"{stem}.pdf", f"{stem}.csv", "signatures.json", "manifest.json",
            "MANIFEST.sha256", "MANIFEST.sig"} <= set(members)  # fmt: skip
    assert members[f"{stem}.pdf"].startswith(b"%PDF-")
    export = json.loads(members[f"{stem}.json"])
    info = json.loads(members["manifest.json"])
    # One snapshot: the export, the manifest and the command's report end at the same head.
    assert export["footer"]["head_hash"] == info["head_hash"] == made["head_hash"]
    assert info["archived_by"] == export["exported_by"] == "alice"
    assert info["incident"]["id"] == demo.id and made["encrypted"] is False
    # The keys of every approver and of the archiving person, each as a PEM file.
    approvers = {a["approver"] for s in export["statements"] for a in s["approvals"]}
    keyed = {k["person"] for k in info["keys"]}
    assert approvers | {"alice"} == keyed
    for key in info["keys"]:
        assert members[key["member"]].startswith(b"-----BEGIN PUBLIC KEY-----")

    verified = run_cli("verify", str(target))
    assert verified.code == 0, verified.err
    lines = verified.out.splitlines()
    assert lines[0].startswith(f"intact archive: incident {demo.id}, ")
    assert f"{len(members)} members match MANIFEST.sha256; sealed by alice" in lines[0]
    assert lines[1].startswith("intact: ") and lines[-1] == f"checked the archive {target}"
    report = run_cli("verify", str(target), "--json").json()
    assert report["ok"] is True and report["checked"] == "archive"
    assert report["head_hash"] == made["head_hash"] and report["key"] == made["key"]


def test_standard_tools_check_the_member_hashes_and_the_seal(sealed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "extracted"
    with zipfile.ZipFile(sealed) as zipped:
        zipped.extractall(folder)
    checked = subprocess.run(
        ["sha256sum", "-c", "MANIFEST.sha256"], cwd=folder, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    listed = checked.stdout.splitlines()
    assert len(listed) == len(list(folder.rglob("*.*"))) - 2  # all but the manifest and seal
    assert all(line.endswith(": OK") for line in listed)
    # The seal is a plain Ed25519 signature over the manifest's bytes: OpenSSL checks it.
    seal = json.loads((folder / "MANIFEST.sig").read_text(encoding="utf-8"))
    (tmp_path / "seal.bin").write_bytes(bytes.fromhex(seal["signature"]))
    openssl = shutil.which("openssl")
    assert openssl is not None
    verified = subprocess.run(
        [openssl, "pkeyutl", "-verify", "-pubin", "-inkey", f"keys/{seal['key']}.pem",
         "-rawin", "-in", "MANIFEST.sha256", "-sigfile", str(tmp_path / "seal.bin")],
        cwd=folder, capture_output=True, text=True,
    )  # fmt: skip
    assert verified.returncode == 0 and "Verified Successfully" in verified.stdout
    # A changed member fails sha256sum too.
    (folder / "signatures.json").write_text("{}")
    failed = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=folder,
                            capture_output=True, text=True)  # fmt: skip
    assert failed.returncode == 1 and "signatures.json: FAILED" in failed.stdout


def _csv_name(members: Members) -> str:
    return next(name for name in members if name.endswith(".csv"))


def change_member(members: Members) -> str:
    members[_csv_name(members)] += b"entry,999,forged\r\n"
    return f"the member {_csv_name(members)} was changed (its SHA-256 differs from MANIFEST"


def remove_member(members: Members) -> str:
    key = next(name for name in members if name.startswith("keys/"))
    del members[key]
    return f"the member {key} listed in MANIFEST.sha256 is missing (removed)"


def add_member(members: Members) -> str:
    members["notes/extra.txt"] = b"slipped in later"
    return "the member notes/extra.txt is not listed in MANIFEST.sha256 (added)"


def change_manifest(members: Members) -> str:
    """Change a member and its line in the manifest: the seal no longer fits."""
    import hashlib

    name = _csv_name(members)
    old = hashlib.sha256(members[name]).hexdigest().encode()
    members[name] += b"entry,999,forged\r\n"
    new = hashlib.sha256(members[name]).hexdigest().encode()
    members["MANIFEST.sha256"] = members["MANIFEST.sha256"].replace(old, new)
    return "MANIFEST.sha256 was changed after it was sealed"


def forge_seal(members: Members) -> str:
    """Change the manifest and the seal's hash of it, but not the signature (no key)."""
    import hashlib

    change_manifest(members)
    seal = json.loads(members["MANIFEST.sig"])
    seal["manifest_sha256"] = hashlib.sha256(members["MANIFEST.sha256"]).hexdigest()
    members["MANIFEST.sig"] = json.dumps(seal).encode()
    return "the signature in MANIFEST.sig does not match MANIFEST.sha256 (forged or damaged"


def bad_signature(members: Members) -> str:
    seal = json.loads(members["MANIFEST.sig"])
    seal["signature"] = ("0" if seal["signature"][0] != "0" else "1") + seal["signature"][1:]
    members["MANIFEST.sig"] = json.dumps(seal).encode()
    return "the signature in MANIFEST.sig does not match MANIFEST.sha256 (forged or damaged"


def remove_seal(members: Members) -> str:
    del members["MANIFEST.sig"]
    return "this is not a War Room archive: it has no MANIFEST.sig"


TAMPERING: list[Callable[[Members], str]] = [
    change_member,
    remove_member,
    add_member,
    change_manifest,
    forge_seal,
    bad_signature,
    remove_seal,
]


def test_each_tampering_is_named_in_its_own_words(
    run_cli: Any, sealed: Path, tmp_path: Path
) -> None:
    original = members_of(sealed)
    failures = []
    for tamper in TAMPERING:
        members = dict(original)
        expected = tamper(members)
        path = rewrite(tmp_path / f"{tamper.__name__}.zip", members)
        result = run_cli("verify", str(path))
        line = one_error_line(result)
        if not line.startswith(f"error: {path}: broken: {expected}"):
            failures.append((tamper.__name__, line))
    assert not failures, failures
    # The untouched members rewritten the same way still verify: the zip layout is not judged.
    assert run_cli("verify", str(rewrite(tmp_path / "same.zip", dict(original)))).code == 0


def test_a_flipped_byte_is_caught_by_the_zip_check_or_the_hash(
    run_cli: Any, sealed: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(sealed) as zipped:
        info = zipped.getinfo(next(n for n in zipped.namelist() if n.endswith(".pdf")))
    data = bytearray(sealed.read_bytes())
    # Past the local header, into the compressed PDF.
    data[info.header_offset + 30 + len(info.filename) + 200] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    line = one_error_line(run_cli("verify", str(damaged)))
    assert f"the member {info.filename}" in line
    assert "(damaged or changed after archiving)" in line, line


def test_an_archive_of_a_tampered_database_does_not_verify(
    run_cli: Any, services: Any, demo: Any, db_path: Path, tmp_path: Path
) -> None:
    from tests.support.tamper import tamper

    services.db.dispose()
    tamper(f"sqlite:///{db_path}", "UPDATE timeline_entries SET text = 'nothing' WHERE seq = 12")
    target = tmp_path / "incident.zip"
    made = archive(run_cli, demo.id, target)
    assert "warning: the hash chain is broken" in made.out
    line = one_error_line(run_cli("verify", str(target)))
    assert f"broken: the export incident-{demo.id}.json is broken at entry 12:" in line


def test_trust_names_the_archiving_key(run_cli: Any, sealed: Path) -> None:
    key = json.loads(members_of(sealed)["manifest.json"])["key"]
    assert run_cli("verify", str(sealed), "--trust", key).code == 0
    other = "0" * 32
    line = one_error_line(run_cli("verify", str(sealed), "--trust", other))
    assert f"sealed by alice with key {key}, which is not one you trust" in line


def test_an_archive_is_recognised_by_its_bytes_not_its_name(
    run_cli: Any, sealed: Path, tmp_path: Path
) -> None:
    renamed = tmp_path / "evidence.bin"
    shutil.copyfile(sealed, renamed)
    result = run_cli("verify", str(renamed))
    assert result.code == 0 and result.out.startswith("intact archive:")
    # ...and a JSON export named .zip is still checked as an export.
    export = tmp_path / "export.zip"
    members = members_of(sealed)
    export.write_bytes(next(data for name, data in members.items() if name.endswith(".json")
                            and name.startswith("incident-")))  # fmt: skip
    as_export = run_cli("verify", str(export))
    assert as_export.code == 0 and as_export.out.startswith("intact: incident ")
    # a password makes sense only for an archive
    (tmp_path / "pw").write_text("secret\n")
    refused = run_cli("verify", str(export), "--password-file", str(tmp_path / "pw"))
    assert refused.code == 2
    assert refused.err == "error: a password is only needed to verify an encrypted archive\n"


PASSWORD = "correct horse battery staple"


def test_an_encrypted_archive_round_trip(run_cli: Any, demo: Any, tmp_path: Path) -> None:
    secret = tmp_path / "password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    target = tmp_path / "sealed.zip"
    made = archive(run_cli, demo.id, target, "--password-file", str(secret), "--json").json()
    assert made["encrypted"] is True
    raw = target.read_bytes()
    # The content is encrypted (no entry text, no title in the file); the names are not.
    assert demo.title.encode() not in raw and b"Checkout" not in raw
    assert b"MANIFEST.sha256" in raw
    with zipfile.ZipFile(target) as zipped:
        assert all(info.flag_bits & 0x1 for info in zipped.infolist())
        with pytest.raises((RuntimeError, NotImplementedError)):
            zipped.read("manifest.json")

    by_file = run_cli("verify", str(target), "--password-file", str(secret))
    assert by_file.code == 0, by_file.err
    assert by_file.out.startswith(f"intact encrypted (AES-256) archive: incident {demo.id}")
    by_stdin = run_cli("verify", str(target), "--password-stdin", stdin=PASSWORD + "\n")
    assert by_stdin.code == 0, by_stdin.err

    missing = run_cli("verify", str(target))
    assert one_error_line(missing) == (
        f"error: {target} is encrypted; give its password with --password-file FILE or "
        "--password-stdin"
    )
    wrong = run_cli("verify", str(target), "--password-stdin", stdin="not the password\n")
    assert one_error_line(wrong) == f"error: wrong password for {target}"

    # A changed authentication code (the last 10 bytes of an AES member), and a changed
    # byte of the encrypted data, are each caught.
    with zipfile.ZipFile(target) as zipped:
        info = zipped.getinfo(f"incident-{demo.id}.csv")
    local = info.header_offset
    start = local + 30 + int.from_bytes(raw[local + 26 : local + 28], "little")
    start += int.from_bytes(raw[local + 28 : local + 30], "little")
    end = start + info.compress_size
    for offset, expected in [
        (end - 3, "does not match its AES authentication code (changed after archiving)"),
        (start + 40, "(damaged or changed after archiving)"),
    ]:
        data = bytearray(raw)
        data[offset] ^= 0x01
        damaged = tmp_path / "damaged.zip"
        damaged.write_bytes(bytes(data))
        line = one_error_line(run_cli("verify", str(damaged), "--password-file", str(secret)))
        assert f"broken: the member {info.filename} " in line and expected in line, line


def test_password_refusals_write_nothing(run_cli: Any, demo: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    target = tmp_path / "sealed.zip"
    refused = run_cli("archive", str(demo.id), "-o", str(target), "--password-file", str(empty))
    assert one_error_line(refused) == f"error: the password from the password file {empty} is empty"
    absent = run_cli(
        "archive", str(demo.id), "-o", str(target), "--password-file", str(tmp_path / "nope")
    )
    assert "error: cannot read the password file" in one_error_line(absent)
    # Never on the command line: there is no such option, and both sources at once is usage.
    inline = run_cli("archive", str(demo.id), "-o", str(target), "--password", "x")
    assert inline.code == 2
    both = run_cli(
        "archive", str(demo.id), "-o", str(target), "--password-file", str(empty),
        "--password-stdin",
    )  # fmt: skip
    assert both.code == 2 and "not allowed with argument" in both.err
    short = run_cli("archive", str(demo.id), "-o", str(target), "--password-stdin", stdin="abc")
    assert short.code == 0 and "warning: the password has fewer than 12 characters" in short.err
    target.unlink()
    assert list(tmp_path.glob("*.zip")) == [] and list(tmp_path.glob(".*.part")) == []


def test_only_a_regular_file_is_written(run_cli: Any, demo: Any, tmp_path: Path) -> None:
    folder = tmp_path / "out.zip"
    folder.mkdir()
    result = run_cli("archive", str(demo.id), "-o", str(folder))
    assert one_error_line(result) == f"error: {folder} is a folder; give a file name to export to"
    assert list(folder.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    unknown = run_cli("archive", "999", "-o", str(tmp_path / "x.zip"))
    assert unknown.code == 1 and not (tmp_path / "x.zip").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_duplicate_or_unsafe_member_is_refused(
    run_cli: Any, sealed: Path, tmp_path: Path
) -> None:
    import warnings

    original = members_of(sealed)
    twice = tmp_path / "twice.zip"
    with zipfile.ZipFile(twice, "w") as zipped, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name it writes
        for name, data in original.items():
            zipped.writestr(name, data)
        zipped.writestr("manifest.json", b"{}")
    line = one_error_line(run_cli("verify", str(twice)))
    assert line.startswith(f"error: {twice}: broken: the member manifest.json appears twice")
    escaping = rewrite(tmp_path / "escaping.zip", {**original, "../../etc/cron.d/x": b"*"})
    line = one_error_line(run_cli("verify", str(escaping)))
    assert "the member '../../etc/cron.d/x' has an unsafe name" in line
