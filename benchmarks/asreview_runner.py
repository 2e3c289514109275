"""Run ASReview's default model (elas_u4) on a labelled CSV; prints one JSON line per seed.

Runs inside the benchmark-only venv (/work/benchenv, asreview installed there), never in GapScope's.
Same protocol as `asreview simulate DATASET --n-prior-included 1 --n-prior-excluded 1 --prior-seed S
--seed S`: a RandomState(S) draw among the included records and a fresh RandomState(S) draw among the
excluded ones are the priors; the run stops when the last relevant record is found. The labelling
order is printed so GapScope's code computes the metrics for both tools the same way.

    /work/benchenv/bin/python benchmarks/asreview_runner.py DATASET.csv --seeds 1 2 3 4 5
"""

import argparse
import json
import sys
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--model", default="elas_u4")
    args = ap.parse_args()

    import asreview
    from asreview import load_dataset
    from asreview.learner import ActiveLearningCycle
    from asreview.models.models import get_ai_config
    from asreview.models.queriers import TopDown
    from asreview.models.stoppers import IsFittable, LastRelevant
    from asreview.simulation.simulate import Simulate
    from sklearn.utils import check_random_state

    data_store = load_dataset(args.dataset, dataset_id=args.dataset.rsplit("/", 1)[-1])
    labels = np.asarray(data_store["included"])
    df = data_store.get_df()
    for seed in args.seeds:
        t0 = time.time()
        np.random.seed(seed)
        cycles = [ActiveLearningCycle(querier=TopDown(), stopper=IsFittable()),
                  ActiveLearningCycle.from_meta(get_ai_config(args.model)["value"])]
        sim = Simulate(df, data_store["included"], cycles, stopper=LastRelevant(), print_progress=False)
        r = check_random_state(seed)
        inc = r.choice(np.where(labels == 1)[0], 1, replace=False)
        r = check_random_state(seed)
        exc = r.choice(np.where(labels == 0)[0], 1, replace=False)
        sim.label(inc)
        sim.label(exc)
        sim.review()
        order = [int(i) for i in sim._results["record_id"].values]
        print(json.dumps({"seed": seed, "asreview": asreview.__version__, "model": args.model,
                          "priors": [int(inc[0]), int(exc[0])], "order": order, "n": int(len(labels)),
                          "labels_sum": int(labels.sum()), "seconds": round(time.time() - t0, 1)}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
