"""gapscope.facets.train.train itself with config overrides (argv[1], JSON) and a seed (argv[2]); prints dev
macro-F1 and held-out limitation F1; argv[3]: save the model there."""
import json
import sys
import time

from common import D, LIMITATIONS
from gapscope.facets.train import train
ov = json.loads(sys.argv[1]); seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
t0 = time.time()
m = train(D + 'csabstruct/train.jsonl', LIMITATIONS, seed=seed,
          dev=D + 'csabstruct/dev.jsonl', overrides=ov)
d = m.info['dev']; l = m.info['limitations_heldout']
print(json.dumps(ov), seed, 'DEV %.4f acc %.4f' % (d['macro_f1'], d['accuracy']), {k: v['f1'] for k, v in d['labels'].items()},
      'LIM f1 %.4f p %.4f r %.4f' % (l['f1'], l['precision'], l['recall']), '%.0fs' % (time.time() - t0), flush=True)
if len(sys.argv) > 3: m.save(sys.argv[3])
