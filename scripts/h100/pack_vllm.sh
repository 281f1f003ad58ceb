#!/usr/bin/env bash
# Build .stage/piece.N for the GPU machine: vLLM 0.26.0 (slimmed) + Python 3.12 wheels it lacks.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
work=${MAZE_VLLM_STAGE:-$root/.cache/vllm-stage}
mkdir -p "$work/w312" "$root/.stage"
cd "$work"
plat=(--only-binary=:all: --python-version 3.12 --implementation cp --platform manylinux_2_28_x86_64
      --platform manylinux_2_27_x86_64 --platform manylinux_2_24_x86_64 --platform manylinux_2_17_x86_64
      --platform manylinux2014_x86_64 --platform manylinux_2_31_x86_64 --platform manylinux_2_34_x86_64
      --platform manylinux_2_5_x86_64 --platform manylinux1_x86_64)
python3 -m pip download -q --no-deps "${plat[@]}" -d . vllm==0.26.0
python3 -m pip download -q --no-deps "${plat[@]}" -d w312 -r "$root/scripts/h100/vllm-missing-deps.txt"
rm -rf slim && mkdir slim && (cd slim && unzip -q ../vllm-0.26.0-*.whl)
rm -f slim/vllm/vllm_flash_attn/_vllm_fa2_C.abi3.so slim/vllm/_moe_C_stable_libtorch.abi3.so slim/vllm/vllm-rs
rm -rf slim/vllm/third_party/fmha_sm100 slim/vllm/third_party/deep_gemm
mv slim/vllm/vllm_flash_attn/_vllm_fa3_C.abi3.so fa3.so
tar cf - -C slim . | xz -6 -T2 > vllm_slim.tar.xz
xz -6 -T2 -c fa3.so > fa3.so.xz
tar cf w312.tar w312
cat vllm_slim.tar.xz fa3.so.xz w312.tar > all.bin
rm -f "$root"/.stage/piece.*
split -b 34M -d -a 1 all.bin "$root/.stage/piece."
sha256sum all.bin > "$root/.stage/SHA256"
echo "$(stat -c %s vllm_slim.tar.xz) $(stat -c %s fa3.so.xz) $(stat -c %s w312.tar)" > "$root/.stage/SIZES"
ls -la "$root/.stage"
