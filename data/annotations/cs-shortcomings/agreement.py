"""Cohen's kappa between A1 and A2 on the double-annotated TEST batches, and the disagreements to adjudicate."""
import csv, glob, sys
from collections import Counter
from pathlib import Path
from sklearn.metrics import cohen_kappa_score

D = Path(__file__).parent
def load(ann):
    out = {}
    for f in sorted(glob.glob(str(D / f"labels/{ann}/test-*.tsv"))):
        for line in open(f):
            sid, role, sc = line.rstrip("\n").split("\t")
            out[sid] = (role, sc)
    return out
a1, a2 = load("a1"), load("a2")
ids = sorted(set(a1) & set(a2))
print("double-annotated sentences:", len(ids), "(a1", len(a1), "a2", len(a2), ")")
for name, k in (("role", 0), ("shortcoming (4 types)", 1)):
    x = [a1[i][k] for i in ids]; y = [a2[i][k] for i in ids]
    print(f"kappa {name}: {cohen_kappa_score(x, y):.3f}  raw agreement {sum(p == q for p, q in zip(x, y)) / len(ids):.3f}")
x = [a1[i][1] != "none" for i in ids]; y = [a2[i][1] != "none" for i in ids]
print(f"kappa shortcoming any-vs-none: {cohen_kappa_score(x, y):.3f}")
for t in ("prior", "open", "own"):
    print(f"kappa {t}-vs-rest: {cohen_kappa_score([a1[i][1] == t for i in ids], [a2[i][1] == t for i in ids]):.3f}")
print("shortcoming confusion (a1, a2):", Counter((a1[i][1], a2[i][1]) for i in ids if a1[i][1] != a2[i][1]).most_common())
if len(sys.argv) > 1:
    with open(sys.argv[1], "w") as f:
        for i in ids:
            if a1[i] != a2[i]:
                f.write(f"{i}\t{a1[i][0]}\t{a1[i][1]}\t{a2[i][0]}\t{a2[i][1]}\n")
