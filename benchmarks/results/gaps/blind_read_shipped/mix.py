import re, random, json, sys
def top(path, marker='top 20 concept gaps as a researcher reads them:'):
    s = open(path).read().split(marker)[1]
    return [m.group(1).strip() for m in re.finditer(r'^\s*\d+\. (.*)$', s, re.M)][:20]
def pair(t):
    m = re.match(r'Apply “(.*?)” to “(.*?)”', t); return (m.group(1), m.group(2))
def clean(t):   # the reader sees the statement without the reference sentence (both lists alike)
    return re.sub(r' Already tried in the reference corpus: \d+ abstracts?\.', '', t)
lists = {'previous': top(sys.argv[1]), 'shipped': top(sys.argv[2])}
seen = {}; key = []
for src, items in lists.items():
    for rank, t in enumerate(items, 1):
        p = pair(t)
        if p not in seen: seen[p] = clean(t)
        key.append({'pair': list(p), 'source': src, 'rank': rank})
pairs = list(seen); random.Random(31).shuffle(pairs)
ids = {p: i for i, p in enumerate(pairs, 1)}
for k in key: k['item'] = ids[tuple(k['pair'])]
open('benchmarks/results/gaps/blind_read_shipped/items.txt', 'w').write("\n\n".join(f"G{ids[p]:02d}. {seen[p]}" for p in pairs) + "\n")
json.dump(key, open('benchmarks/results/gaps/blind_read_shipped/key.json', 'w'), indent=0)
print(len(pairs), 'unique items')
