"""Cohen's kappa between annotators A1 and A2 on the 779 double-annotated TEST sentences (the labels are
compared with each other only; nothing here is a model)."""
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from common import ANNOT

from gapscope.facets.shortcoming_data import read_label_tsv

a1 = read_label_tsv([ANNOT / "labels" / "a1" / "test.tsv"])
a2 = read_label_tsv([ANNOT / "labels" / "a2" / "test.tsv"])
ids = sorted(set(a1) & set(a2))
print(f"double-annotated TEST sentences: {len(ids)}")
for name, k in (("role (5)", 0), ("shortcoming (4 types)", 1)):
    x, y = [a1[i][k] for i in ids], [a2[i][k] for i in ids]
    print(f"kappa {name:<22} {cohen_kappa_score(x, y):.3f}   raw agreement {sum(p == q for p, q in zip(x, y)) / len(ids):.3f}")
x, y = [a1[i][1] != "none" for i in ids], [a2[i][1] != "none" for i in ids]
print(f"kappa {'any shortcoming vs none':<22} {cohen_kappa_score(x, y):.3f}   raw agreement {sum(p == q for p, q in zip(x, y)) / len(ids):.3f}")
for t in ("prior", "open", "own"):
    print(f"kappa {t + ' vs rest':<22} {cohen_kappa_score([a1[i][1] == t for i in ids], [a2[i][1] == t for i in ids]):.3f}")
