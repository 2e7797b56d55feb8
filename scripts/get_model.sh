#!/usr/bin/env bash
# get_model.sh downloads the ONNX export of sentence-transformers/all-MiniLM-L6-v2
# (onnx/model.onnx) and its tokenizer.json from the Hugging Face hub into
# models/all-MiniLM-L6-v2/. Nothing is downloaded when both files are there.
#
# Environment: MODEL_REPO (default sentence-transformers/all-MiniLM-L6-v2),
# MODEL_DIR (default models/<repo name>), HF_ENDPOINT (default
# https://huggingface.co), MODEL_REVISION (default main), HF_TOKEN (optional).
set -euo pipefail
cd "$(dirname "$0")/.."

repo="${MODEL_REPO:-sentence-transformers/all-MiniLM-L6-v2}"
dir="${MODEL_DIR:-models/${repo##*/}}"
endpoint="${HF_ENDPOINT:-https://huggingface.co}"
rev="${MODEL_REVISION:-main}"

if [[ -s "$dir/model.onnx" && -s "$dir/tokenizer.json" ]]; then
  echo "model $repo already in $dir"
  exit 0
fi
mkdir -p "$dir"

auth=()
[[ -n "${HF_TOKEN:-}" ]] && auth=(-H "Authorization: Bearer $HF_TOKEN")

fetch() { # fetch <path in repo> <file>
  local url="$endpoint/$repo/resolve/$rev/$1"
  echo "get_model: $url"
  if ! curl -fsSL --connect-timeout 10 --retry 2 "${auth[@]}" -o "$2.part" "$url"; then
    rm -f "$2.part"
    echo "get_model: could not download $url." >&2
    echo "get_model: this needs internet access to $endpoint; on an offline host copy" >&2
    echo "get_model: model.onnx and tokenizer.json into $dir by hand." >&2
    exit 1
  fi
  mv "$2.part" "$2"
}

[[ -s "$dir/model.onnx" ]] || fetch onnx/model.onnx "$dir/model.onnx"
[[ -s "$dir/tokenizer.json" ]] || fetch tokenizer.json "$dir/tokenizer.json"
echo "get_model: $repo in $dir"
