#!/usr/bin/env bash
# GPU call, start of training: copy the code out of the work tree (it is replaced by the next call) and
# start the trainer in its own session, so it outlives this call and goes on while later calls wait on it.
# usage: bash scripts/h100/train_start.sh CONFIG MINUTES [extra trainer args...]
set -euo pipefail
config="${1:?config, e.g. h640-l5}"; minutes="${2:?training minutes}"; shift 2
rm -rf /root/code /root/run && mkdir -p /root/code /root/run/out
cp -r inference workshop /root/code/
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
cd /root/run
PYTHONPATH=/root/code/inference:/root/code/workshop PYTHONUNBUFFERED=1 setsid nohup python3 -m maze_workshop.model.train \
  --data /root/data --out /root/run/out --work /root/run/ckpt --config "$config" \
  --minutes "$minutes" --deadline-minutes "$(python3 -c "print($minutes + 1.5)")" "$@" \
  > /root/run/stdout.log 2>&1 < /dev/null &
echo $! > /root/run/pid
sleep 20
tail -n 5 /root/run/stdout.log
