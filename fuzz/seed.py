#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz corpus from the test vectors (run from anywhere).

criteria_json / criteria_compact: every criteria set of tests/vectors (valid and invalid).
command_json: every dossier of the vectors on the `mini-2026` set, one line per step
(an actor letter, then the command's JSON; see fuzz/checks/core.rs).
upload_multipart: hand-written multipart bodies (accepted and refused uploads).
The criteria_xlsx seeds are workbooks written by the server:
    cargo test -p chamdiem-server --test fuzz_corpus -- --ignored write_xlsx_seeds
Seeds are named by their content's SHA-1, as libFuzzer names corpus files.
"""
import glob
import hashlib
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def letter(actor):
    role, unit = actor["role"], actor["unit"]
    if role == "unit":
        return "u" if unit == "SO-TC" else "o"
    if role == "reviewer":
        return "r" if unit == "TINH" else "x"
    return {"admin": "a", "viewer": "v"}.get(role, "v")


for path in sorted(glob.glob(os.path.join(ROOT, "tests", "vectors", "sets", "*"))):
    text = open(path, encoding="utf-8").read()
    put("criteria_json" if path.endswith(".json") else "criteria_compact", text)

for path in sorted(glob.glob(os.path.join(ROOT, "tests", "vectors", "*.json"))):
    v = json.load(open(path, encoding="utf-8"))
    if "criteria_set" in v:
        put("criteria_json", json.dumps(v["criteria_set"], ensure_ascii=False, indent=1))
    compact = v.get("criteria_set_compact", "")
    if compact:
        put("criteria_compact", compact)
    if not re.search(r'^id = "mini-2026"', compact, re.M):
        continue
    actors = v.get("actors", {})
    for d in v.get("dossiers", []):
        lines = []
        for s in d.get("steps", []):
            actor = s.get("actor")
            actor = actor if isinstance(actor, dict) else actors.get(actor)
            if actor is None:
                continue
            if "command" in s:
                text = json.dumps(s["command"], ensure_ascii=False)
            elif "command_json" in s:
                text = s["command_json"].replace("\n", " ")
            else:
                continue
            lines.append(letter(actor) + text)
        if lines:
            put("command_json", "\n".join(lines) + "\n")

B = "fuzzbound"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x00\x00" + b"\x00" * 20 + b"PK\x05\x06" + b"\x00" * 18
DOCX = (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\x00" * 12
        + b"\x13\x00\x00\x00[Content_Types].xml" + b"\x00" * 16 + b"word/document.xml")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


def part(name, content, filename=None, ctype="application/octet-stream", extra=""):
    disp = f'form-data; name="{name}"'
    if filename is not None:
        disp += f'; filename="{filename}"'
    head = f"--{B}\r\nContent-Disposition: {disp}{extra}\r\n"
    if filename is not None:
        head += f"Content-Type: {ctype}\r\n"
    return head.encode() + b"\r\n" + content + b"\r\n"


def body(*parts, end=True):
    return b"".join(parts) + (f"--{B}--\r\n".encode() if end else b"")


put("upload_multipart", body(part("files", PDF, "bao-cao.pdf", "application/pdf")))
put("upload_multipart", body(part("files", PNG, "anh.png", "image/png"),
                             part("files", b"ghi chu\n", "ghi-chu.txt", "text/plain")))
put("upload_multipart", body(part("csrf", b"token"), part("files", ZIP, "ho-so.zip")))
put("upload_multipart", body(part("files", DOCX, "ke-hoach.docx")))
put("upload_multipart", body(part("files", OLE2, "cu.doc")))
put("upload_multipart", body(part("files", PNG, "anh-doi-ten.pdf")))
put("upload_multipart", body(part("files", b"", "rong.pdf")))
put("upload_multipart", body(part("files", PDF, "")))
put("upload_multipart", body(part("files", PDF, "../../etc/passwd.pdf")))
put("upload_multipart", body(part("files", PDF, "Ba\u0301o ca\u0301o.pdf")))
put("upload_multipart", body(part("files", PDF, "bao-cao\u202efdp.exe")))
put("upload_multipart", body(part("files", PDF, "x.pdf", extra="; filename*=UTF-8''b%C3%A1o.pdf")))
put("upload_multipart", body(part("files", b"MZ\x90\x00", "chuong-trinh.exe")))
put("upload_multipart", body(part("files", PDF + b"0" * 5000, "lon.pdf")))
put("upload_multipart", body(*[part("files", PDF, f"{i}.pdf") for i in range(4)]))
put("upload_multipart", body(part("files", PDF, "cat.pdf"), end=False)[:-20])
put("upload_multipart", body(part("files", b"<html><body>x</body></html>", "trang.txt")))
