#!/usr/bin/env python3
"""render_diff.py - our `body` rendering against SpamAssassin's, per message.

  render_diff.py SCAMCTL CORPUS_DIR LIST_FILE [-v]

SpamAssassin's arrays come from sa_render.pl --all (get_rendered_body_text_array:
one element per paragraph, each ending in a newline but the last); ours from
`scamctl scan --dump` (one paragraph per line). Prints how many messages render
the same and, with -v, the first differing paragraph of each other message.
A development aid for lib/msg_render.c, not a test.
"""
import json
import os
import subprocess
import sys


def ours_bodies(scamctl, corpus, rels):
    """ours_bodies - REL -> list of body lines from scamctl scan --dump"""
    out = subprocess.run([scamctl, "--rules", "/usr/share/spamassassin", "scan", "--dump"]
                         + [os.path.join(corpus, r) for r in rels],
                         capture_output=True).stdout.decode("utf-8", "surrogateescape")
    res, cur, inbody = {}, None, False
    for line in out.split("\n"):
        if line.startswith("== "):
            name = line[3:line.rindex(" (")]
            cur = os.path.relpath(name, corpus)
            res[cur] = []
            inbody = False
        elif line.startswith("body (rendered"):
            inbody = True
        elif inbody and line.startswith("  \""):
            res[cur].append(json.loads(line[2:]))
        elif inbody and line.strip():
            inbody = False
    return res


def main(argv):
    """main - compare and report"""
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    scamctl, corpus, lst = argv[1:4]
    verbose = "-v" in argv[4:]
    here = os.path.dirname(os.path.abspath(__file__))
    sa_out = subprocess.run(["perl", os.path.join(here, "sa_render.pl"), "--all", corpus, lst],
                            capture_output=True, env=dict(os.environ, LANG="C")).stdout
    sa = {}
    for line in sa_out.decode().splitlines():
        rec = json.loads(line)
        sa[rec["file"]] = [x.encode("latin-1").decode("utf-8", "replace").rstrip("\n")
                           for x in rec["body"]]
    ours = ours_bodies(scamctl, corpus, list(sa))
    same = 0
    for rel in sa:
        s, o = sa[rel], ours.get(rel, [])
        if s == o:
            same += 1
            continue
        if verbose:
            i = next((k for k in range(max(len(s), len(o)))
                      if k >= len(s) or k >= len(o) or s[k] != o[k]), 0)
            print("%s: %d vs %d paragraphs; first difference at %d:" % (rel, len(s), len(o), i))
            print("   SA:   %r" % (s[i][:300] if i < len(s) else None))
            print("   ours: %r" % (o[i][:300] if i < len(o) else None))
    print("body renderings identical: %d of %d" % (same, len(sa)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
