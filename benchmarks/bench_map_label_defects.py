#!/usr/bin/env python
"""Count the four label defects in a map export, by measures that do not use the labelling rules:
1 acronym: a term is (or holds) an acronym whose most written long form in the library ("long form (ACR)")
  holds every content word of another term of the label, two or more (or all of a one-word long form);
2 fragment: a term of several words (or hyphenated) that the library's abstracts follow with one same word
  (plural folded) in >= 90 % of >= 5 uses;
3 short: fewer than three terms;
4 generic: a plain one-word lower-case term that >= 2 % of the library's abstracts write, in a label where
  two or more terms are such words."""
import json, re, sqlite3, sys
from collections import Counter
from gapscope.concepts.acronyms import fold_word

# usage: bench_map_label_defects.py MAPS.json LIBRARY.gapscope  (MAPS.json: `gapscope -L LIB map export`)
exp, lib = sys.argv[1], sys.argv[2]
d = json.load(open(exp))
con = sqlite3.connect(f"{lib}/library.sqlite")
texts = [f"{t}. {a}" for t, a in con.execute("select title, abstract from papers")]
low = [t.lower() for t in texts]
N = len(texts)
ALL = "\n".join(low)
ALLC = "\n".join(texts)
STOP = set("a an the of for and to in on with by as via from at or".split())


def content(p):
    return {fold_word(w) for w in re.split(r"[\s\-/]+", p.lower()) if w and w not in STOP}


_exp = {}
def expansion(acr):
    """The long form the library's papers most often write before "(ACR)": the first letter matching."""
    if acr not in _exp:
        stem = acr[:-1] if acr.endswith("s") and len(acr) > 2 else acr
        ncaps = max(sum(ch.isupper() or ch.isdigit() for ch in stem), 2)
        c = Counter()
        near = "\n".join(t for t in texts if f"({stem}" in t)
        for m in re.finditer(rf"((?:[\w-]+\s+){{1,{ncaps}}})\({re.escape(stem)}s?\)", near):
            words = m.group(1).lower().split()
            for k in range(1, len(words) + 1):
                long = words[-k:]
                if long[0][0] == stem[0].lower():
                    c[" ".join(long)] += 1
        best = [(n, len(e.split()), e) for e, n in c.items() if n >= 2]
        _exp[acr] = max(best)[2] if best else None
    return _exp[acr]


def acronyms_in(term):
    return [w for w in term.split() if sum(ch.isupper() for ch in w) >= 2 and w.isalnum()]


_frag = {}
def fragment(term):
    if " " not in term and "-" not in term:
        return False
    if term not in _frag:
        pat = re.compile(r"(?<![\w-])" + r"\s+".join(re.escape(w) for w in term.lower().split()) + r"\s+([a-z][\w-]*)")
        phrase = " ".join(term.lower().split())
        near = "\n".join(t for t in low if phrase in t)        # a substring test first: the regexes are slow
        total = len(re.findall(r"(?<![\w-])" + r"\s+".join(re.escape(w) for w in term.lower().split()) + r"(?![\w-])", near))
        nxt = Counter()
        for m in pat.finditer(near):
            w = m.group(1)
            nxt[w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w] += 1
        top = nxt.most_common(1)
        _frag[term] = (bool(top) and total >= 5 and top[0][1] >= 0.9 * total, top[0][0] if top else "")
    return _frag[term][0]


_df = {}
def common_word(term):
    if " " in term or "-" in term or term != term.lower():
        return False
    if term not in _df:
        pat = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])")
        _df[term] = sum(1 for t in low if term in t and pat.search(t)) / N
    return _df[term] >= 0.02


counts = Counter(); examples = {k: [] for k in ("acronym", "fragment", "short", "generic")}
total = 0
for f in ("topic", "method", "result", "shortcoming"):
    if f not in d["maps"]:          # a library without that map (no result sentences embedded)
        continue
    for c in sorted(d["maps"][f]["clusters"], key=lambda c: c["id"]):
        total += 1
        terms = [t for t in c["label"].split(", ") if t and t != "(no words)"]
        lab = f"{f} {c['id']}: {c['label']}"
        hit = False
        for t in terms:
            for a in acronyms_in(t):
                e = expansion(a)
                if not e:
                    continue
                ce = content(e)
                for u in terms:
                    cu = content(u)
                    if u != t and a not in u.split() and cu and cu <= ce and (len(cu) >= 2 or cu == ce):
                        hit = True
        if hit:
            counts["acronym"] += 1; examples["acronym"].append(lab)
        if any(fragment(t) for t in terms):
            counts["fragment"] += 1; examples["fragment"].append(lab + "  [" + "; ".join(f"{t}+{_frag[t][1]}" for t in terms if t in _frag and _frag[t][0]) + "]")
        if len(terms) < 3:
            counts["short"] += 1; examples["short"].append(lab)
        if sum(common_word(t) for t in terms) >= 2:
            counts["generic"] += 1; examples["generic"].append(lab)
print(f"{total} labels:", dict(counts))
for k, v in examples.items():
    print(f"-- {k} ({len(v)})")
    for x in v:
        print("  ", x)
