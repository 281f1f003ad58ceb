#!/usr/bin/env bash
# Join the staged pieces, check them, and install vLLM + its missing dependencies into /root/vsite.
set -euo pipefail
cd /root/stage
cat piece.* > all.bin
expected=$(cut -d' ' -f1 SHA256)
actual=$(sha256sum all.bin | cut -d' ' -f1)
[ "$expected" = "$actual" ] || { echo "checksum mismatch: $actual != $expected"; exit 3; }
read -r slim fa3 wheels < SIZES
head -c "$slim" all.bin > vllm_slim.tar.xz
dd if=all.bin of=fa3.so.xz bs=1M iflag=skip_bytes,count_bytes skip="$slim" count="$fa3" status=none
tail -c "$wheels" all.bin > w312.tar
mkdir -p /root/vsite
tar xJf vllm_slim.tar.xz -C /root/vsite
xz -dc fa3.so.xz > /root/vsite/vllm/vllm_flash_attn/_vllm_fa3_C.abi3.so
tar xf w312.tar
python3 -m pip install -q --no-index --no-deps --no-compile --target /root/vsite w312/*.whl
echo "vllm installed in /root/vsite"
