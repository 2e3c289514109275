#!/usr/bin/env bash
# Model selection and the final fine-tuned facet model on one GPU (benchmarks/shortcomings/README.md).
#   REPO  a copy of the worktree's core/, benchmarks/ and data/annotations/
#   DATA  a folder holding facets/ (csabstruct/, limitations/) of the shared data
#   MODEL the all-MiniLM-L6-v2 model folder (sentence-transformers layout)
#   OUT   where the chosen head (head.json, head.npz, adapter.npz) and the logs go (6 files)
# Optional: DEVICE (cuda), PYTHON (python), LIMIT (first N examples per source: a quick check),
# BUDGET (seconds: no run of the grid starts that would end past it; 200), TIMEOUT (a hard stop; 290), RUNS (JSON overrides, one per line).
set -euo pipefail
: "${REPO:?}" "${DATA:?}" "${MODEL:?}" "${OUT:?}"
PY=${PYTHON:-$(command -v python || command -v python3)}
mkdir -p "$OUT"
export PYTHONPATH="$REPO/core" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export GAPSCOPE_SHARED_DATA="$DATA" GAPSCOPE_ANNOTATION="$REPO/data/annotations/cs-shortcomings"
export GAPSCOPE_ENCODER_PATH="$MODEL" GAPSCOPE_ENCODER_ID=all-MiniLM-L6-v2 GAPSCOPE_BENCH_DEVICE="${DEVICE:-cuda}"
GAPSCOPE_FEATURE_CACHE="$(mktemp -d)"
export GAPSCOPE_FEATURE_CACHE
WORK="$(mktemp -d)"
cd "$REPO/benchmarks/shortcomings"
# the grid, in the order it is worth running: K (layers adapted), then the LoRA learning rate, epochs, seeds
# ("best": the K of the best run so far)
DEFAULT_RUNS='{"ft_layers": 2}
{"ft_layers": 3}
{"ft_layers": 6}
{"ft_layers": "best", "lora_lr": 1e-3}
{"ft_layers": "best", "ft_epochs": 10}
{"ft_layers": "best", "rank": 16, "alpha": 32}
{"ft_layers": "best", "seed": 1}
{"ft_layers": "best", "lora_lr": 2e-4}
{"ft_layers": "best", "seed": 2}'
mapfile -t runs <<< "${RUNS:-$DEFAULT_RUNS}"
"$PY" -c "import torch, transformers, sentence_transformers; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'transformers', transformers.__version__)" | tee "$OUT/dev_selection.log"
# the best run so far is saved after each run, so a run stopped by the time limit still leaves a model
set +e
timeout "${TIMEOUT:-290}" "$PY" finetune_experiment.py --device "${DEVICE:-cuda}" --out "$WORK" --budget "${BUDGET:-200}" \
    ${LIMIT:+--limit "$LIMIT"} "${runs[@]}" 2>&1 | tee -a "$OUT/dev_selection.log"
set -e
cp "$WORK/model/head.json" "$WORK/model/head.npz" "$WORK/model/adapter.npz" "$WORK/selection.json" "$OUT/"
# the held-out figures (report.py), once, on the chosen model (this encoder runs fp16 on the GPU)
"$PY" report.py "$OUT" 2>&1 | tee "$OUT/report_device.log"
