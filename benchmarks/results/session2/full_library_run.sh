#!/bin/bash
# LEADJOB: the full-library end-to-end run (import, facets, embed, then a second run that does nothing)
set -e
cd /work/main
export PYTHONPATH=/work/main/core HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
PY="/work/devenv/bin/python -W ignore::UserWarning:LEADJOB -m gapscope --library /work/biglib/full/cs.sqlite"
L=/work/biglib/full/log.txt
rm -f /work/biglib/full/cs.sqlite*
echo "start $(date -Is) commit $(git rev-parse --short HEAD)" > $L
for step in "import /work/shared/data/arxiv/arxiv-cs-2025-2026.jsonl.gz -q" "facets --json -q" "embed --json -q" "facets --json -q" "embed --json -q"; do
  s=$(date +%s.%N)
  $PY $step > /work/biglib/full/out.json 2>/work/biglib/full/err.txt
  e=$(date +%s.%N)
  echo "STEP gapscope $step : $(echo "$e - $s" | bc) s wall ; $(tail -c 600 /work/biglib/full/out.json | tr '\n' ' ')" >> $L
done
echo "end $(date -Is)" >> $L
