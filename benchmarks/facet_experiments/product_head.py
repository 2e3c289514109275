import os, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "core"))
D = os.environ.get("GAPSCOPE_SHARED_DATA", str(ROOT.parent / "shared" / "data")) + "/facets/"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import json, time
from gapscope.facets.train import train
ov = json.loads(sys.argv[1]); seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
t0 = time.time()
m = train(D + 'csabstruct/train.jsonl', D + 'limitations/limitation-sentences-seed-semi.tsv', seed=seed,
          dev=D + 'csabstruct/dev.jsonl', overrides=ov)
d = m.info['dev']; l = m.info['limitations_heldout']
print(json.dumps(ov), seed, 'DEV %.4f acc %.4f' % (d['macro_f1'], d['accuracy']), {k: v['f1'] for k, v in d['labels'].items()},
      'LIM f1 %.4f p %.4f r %.4f' % (l['f1'], l['precision'], l['recall']), '%.0fs' % (time.time() - t0), flush=True)
if len(sys.argv) > 3: m.save(sys.argv[3])
