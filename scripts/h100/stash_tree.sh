#!/usr/bin/env bash
# Here, around the data-staging calls: a call carries the work tree plus its carried paths, at most
# 64 MiB, and a staging piece is up to 60 MiB, so the tree's large tracked files (the shipped model, the
# benchmark results, the pins, the screenshots) step aside into the ignored .stage/stash for those calls.
# The shipped model is linked back in its place (a link travels as a link), so the checkout keeps
# completing and testing meanwhile.
# usage: bash scripts/h100/stash_tree.sh out     (before the staging calls)
#        bash scripts/h100/stash_tree.sh back    (after them; also `git status` shows them deleted until then)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
LARGE=(inference/maze_inference/model/default/model.onnx docs/results docs/img workshop/maze_workshop/corpus/pins)
case "${1:?out or back}" in
  out)
    for path in "${LARGE[@]}"; do
      mkdir -p ".stage/stash/$(dirname "$path")"
      mv "$path" ".stage/stash/$path"
    done
    ln -s "$PWD/.stage/stash/${LARGE[0]}" "${LARGE[0]}"
    echo "stashed; tree now $(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1) bytes" ;;
  back)
    for path in "${LARGE[@]}"; do
      rm -rf "$path"
      mv ".stage/stash/$path" "$path"
    done
    git status --short -- "${LARGE[@]}" ;;
  *) echo "usage: $0 out|back" >&2; exit 2 ;;
esac
