"""Cohen's kappa of the two annotators of the full-text sentences, and where they disagree.

    python data/annotations/fulltext-limitations/agreement.py
"""
from collections import Counter
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

D = Path(__file__).parent


def labels(name: str) -> dict[str, str]:
    rows = (line.rstrip("\n").split("\t") for line in (D / name).read_text(encoding="utf-8").splitlines()[1:])
    return dict(rows)


a1, a2 = labels("annotator1.tsv"), labels("annotator2.tsv")
ids = [line.split("\t")[0] for line in (D / "sentences.tsv").read_text(encoding="utf-8").splitlines()[1:]]
in_limitations = [i for i in ids if not i.startswith("diabetologia")]
for name, subset in (("all sentences", ids), ("the four Limitations sections", in_limitations)):
    x, y = [a1[i] for i in subset], [a2[i] for i in subset]
    print(f"{name} ({len(subset)}): kappa 4 types {cohen_kappa_score(x, y):.3f}, own-vs-rest "
          f"{cohen_kappa_score([v == 'own' for v in x], [v == 'own' for v in y]):.3f}, any-vs-none "
          f"{cohen_kappa_score([v != 'none' for v in x], [v != 'none' for v in y]):.3f}")
print("disagreements (annotator 1, annotator 2):", Counter((a1[i], a2[i]) for i in ids if a1[i] != a2[i]).most_common())
for i in ids:
    if a1[i] != a2[i]:
        print(f"  {i}\t{a1[i]}\t{a2[i]}")
