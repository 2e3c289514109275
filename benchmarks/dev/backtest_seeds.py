import json, sys, numpy as np
sys.argv += []
from gapscope.store import Library
from gapscope.gaps import backtest
exec(open("/tmp/maps-dev/domain_data.py").read())
for m in (2, 3):
    rs = [backtest(lib, "2026-01-01", data=data, m=m, seed=s) for s in range(5)]
    print(json.dumps({"m": m, "ours": [r["precision_at_k"] for r in rs], "pop": [r["popularity_precision_at_k"] for r in rs],
                      "rand": [round(r["random_precision_at_k"], 3) for r in rs],
                      "mean_ours": np.mean([r["precision_at_k"] for r in rs]), "mean_pop": np.mean([r["popularity_precision_at_k"] for r in rs]),
                      "mean_rand": np.mean([r["random_precision_at_k"] for r in rs])}))
