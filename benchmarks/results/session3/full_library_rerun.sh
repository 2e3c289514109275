#!/bin/bash
# session 3: the full 74,566-paper library re-classified with the new facet head (span_layers 1..6),
# then its facet texts re-embedded, then a second run of both that does nothing.
set -e
cd /work/wt/s3run
export PYTHONPATH=/work/wt/s3run/core HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
LIB=/work/biglib/s3/cs.sqlite
PY="/work/devenv/bin/python -W ignore::UserWarning -m gapscope --library $LIB"
L=/work/biglib/s3/log.txt
echo "start $(date -Is) commit $(git rev-parse --short HEAD) library: copy of the session-2 full run" > $L
for step in "facets --json -q" "embed --json -q" "facets --json -q" "embed --json -q"; do
  s=$(date +%s.%N)
  $PY $step > /work/biglib/s3/out.json 2>/work/biglib/s3/err.txt
  e=$(date +%s.%N)
  echo "STEP gapscope $step : $(echo "$e - $s" | bc) s wall ; $(tail -c 700 /work/biglib/s3/out.json | tr '\n' ' ')" >> $L
done
echo "end $(date -Is)" >> $L
