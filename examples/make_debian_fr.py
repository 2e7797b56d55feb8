#!/usr/bin/env python3
"""Build examples/debian_fr_1k.csv: 1,000 French descriptions of Debian packages.

Source: Debian 12 "bookworm", component main, from deb.debian.org:
  dists/bookworm/main/i18n/Translation-fr.bz2      (the French descriptions)
  dists/bookworm/main/binary-amd64/Packages.xz     (each package's Section, the label)
Both files are checked against the SHA-256 sums of dists/bookworm/InRelease.

Each text is the description's short line, a full stop, then its long part with
paragraph marks (" .") and line breaks turned into spaces, as in the shared
debian_en corpora. Descriptions shared by several packages (same
Description-md5) count once (the first package name in sorted order); texts
of 25 to 250 words are kept; 1,000 of them are drawn with random.Random(42)
and written sorted by package name, columns doc_id (package), text, label
(Section, without its "contrib/"/"non-free/" prefix).

Usage: python3 examples/make_debian_fr.py [--cache DIR] > examples/debian_fr_1k.csv
(--cache: where the two downloaded files are kept or read again; default a
temporary folder). Standard library only.
"""
import argparse
import bz2
import csv
import hashlib
import lzma
import os
import random
import re
import sys
import tempfile
import urllib.request

MIRROR = "http://deb.debian.org/debian/dists/bookworm/"
FILES = ["main/i18n/Translation-fr.bz2", "main/binary-amd64/Packages.xz"]
ROWS = 1000
SEED = 42
MIN_WORDS, MAX_WORDS = 25, 250


def fetch(url):
    with urllib.request.urlopen(url, timeout=120) as r:
        return r.read()


def release_sums(inrelease):
    """SHA-256 of each file listed in InRelease's SHA256 section."""
    sums, section = {}, None
    for line in inrelease.decode("utf-8").splitlines():
        if not line.startswith(" "):
            section = line.rstrip(":")
            continue
        if section == "SHA256":
            digest, _, name = line.split()
            sums[name] = digest
    return sums


def download(cache):
    sums = release_sums(fetch(MIRROR + "InRelease"))
    data = {}
    for name in FILES:
        path = os.path.join(cache, os.path.basename(name))
        if os.path.exists(path):
            with open(path, "rb") as f:
                body = f.read()
        else:
            body = fetch(MIRROR + name)
        got = hashlib.sha256(body).hexdigest()
        if got != sums.get(name):
            sys.exit(f"{name}: sha256 {got}, InRelease says {sums.get(name)}")
        with open(path, "wb") as f:
            f.write(body)
        print(f"{name} sha256 {got}", file=sys.stderr)
        data[name] = body
    return data


def stanzas(text):
    """Debian control stanzas as lists of lines."""
    for block in text.split("\n\n"):
        lines = block.split("\n")
        if lines and lines[0]:
            yield lines


def descriptions(raw):
    """Package -> (md5, text) from a Translation file."""
    out = {}
    for lines in stanzas(raw):
        pkg = md5 = None
        desc = []
        for i, line in enumerate(lines):
            if line.startswith("Package: "):
                pkg = line[len("Package: "):]
            elif line.startswith("Description-md5: "):
                md5 = line[len("Description-md5: "):]
            elif line.startswith("Description-fr: "):
                short = line[len("Description-fr: "):].strip()
                body = []
                for cont in lines[i + 1:]:
                    if not cont.startswith(" "):
                        break
                    cont = cont[1:].strip()
                    if cont != ".":
                        body.append(cont)
                desc = [short.rstrip(".") + "."] + body
        if pkg and md5 and desc:
            out[pkg] = (md5, re.sub(r"\s+", " ", " ".join(desc)).strip())
    return out


def sections(raw):
    out = {}
    for lines in stanzas(raw):
        fields = dict(l.split(": ", 1) for l in lines if ": " in l and not l.startswith(" "))
        if "Package" in fields and "Section" in fields:
            out.setdefault(fields["Package"], fields["Section"].split("/")[-1])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", help="folder for the downloaded files")
    args = ap.parse_args()
    cache = args.cache or tempfile.mkdtemp(prefix="debian_fr_")
    os.makedirs(cache, exist_ok=True)
    data = download(cache)
    desc = descriptions(bz2.decompress(data[FILES[0]]).decode("utf-8"))
    sect = sections(lzma.decompress(data[FILES[1]]).decode("utf-8"))

    seen, candidates = set(), []
    for pkg in sorted(desc):
        md5, text = desc[pkg]
        if md5 in seen or pkg not in sect:
            continue
        seen.add(md5)
        if MIN_WORDS <= len(text.split()) <= MAX_WORDS:
            candidates.append((pkg, text, sect[pkg]))
    rows = sorted(random.Random(SEED).sample(candidates, ROWS))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["doc_id", "text", "label"])
    w.writerows(rows)
    print(f"{len(desc)} descriptions, {len(candidates)} candidates, {len(rows)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
