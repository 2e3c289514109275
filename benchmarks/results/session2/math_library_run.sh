#!/bin/bash
# LEADJOB: the math library, second domain
cd /work/main
export PYTHONPATH=/work/main/core HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
PY="/work/devenv/bin/python -W ignore::UserWarning:LEADJOB -m gapscope --library /work/biglib/math/math.sqlite"
R=/work/biglib/math
rm -f $R/math.sqlite*
{ for step in "import /work/shared/data/arxiv/arxiv-math-2025-2026.jsonl.gz -q" "facets -q" "embed -q" "map -q" "gaps find"; do
  s=$(date +%s.%N); echo "== gapscope $step"; $PY $step 2>&1; e=$(date +%s.%N); echo "== $(echo "$e - $s" | bc) s"; done
  $PY gaps list --json > $R/gaps_list.json
  $PY gaps backtest --before 2026-01-01 2>&1; } > $R/log.txt 2>&1
echo done >> $R/log.txt
