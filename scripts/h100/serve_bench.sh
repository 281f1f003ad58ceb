#!/usr/bin/env bash
# On the GPU machine, once stage.sh has copied every piece: install vLLM, unpack the trained checkpoint,
# serve it with `maze serve --engine vllm` and run the same `maze bench service` sweep as on the CPU.
# Results (JSON, server log) go to $OUT.
set -euo pipefail
out=${OUT:?}
if [ ! -d /root/vsite/vllm ]; then
    bash scripts/h100/install_vllm.sh
    python3 -m pip install -q --no-index --no-deps --no-compile --target /root/vsite .whl/*.whl
fi
[ -d /root/ckpt ] || cat /root/stage/ckpt.* | tar xf - -C /root
export PYTHONPATH=$PWD/server:$PWD/inference:/root/vsite PYTHONUNBUFFERED=1
export VLLM_USE_FLASHINFER_SAMPLER=0  # the slim vLLM has no FlashInfer; its own top-k/top-p sampler runs
python3 -m maze_inference.service --engine vllm --model /root/ckpt --port 8400 > "$out/serve-h100.log" 2>&1 &
server=$!
for _ in $(seq 300); do
    if python3 -c "import httpx,sys; sys.exit(0 if httpx.get('http://127.0.0.1:8400/health').json().get('warm') else 1)" \
        2>/dev/null; then break; fi
    if ! kill -0 "$server" || grep -q "failed to load" "$out/serve-h100.log"; then
        tail -50 "$out/serve-h100.log"; exit 1
    fi
    sleep 1
done
python3 -m maze_workshop bench service --endpoint http://127.0.0.1:8400 --levels 1,2,4,8,16,32 --requests 64 \
    --max-tokens 16 --json "$out/bench-service-h100.json"
kill "$server"
