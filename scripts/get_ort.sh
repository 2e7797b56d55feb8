#!/usr/bin/env bash
# get_ort.sh puts the ONNX Runtime shared library into third_party/onnxruntime/lib.
#
# The version must match the C API headers that github.com/yalue/onnxruntime_go
# (see go.mod) was built against: v1.27.0 of the Go module carries the 1.24.1
# headers (ORT_API_VERSION 24), so we take ONNX Runtime 1.24.1.
#
# It tries the official release archive first and falls back to the npm
# package onnxruntime-node, which ships the same libonnxruntime.so for
# linux-x64 and linux-arm64. Nothing is downloaded when the library is there.
#
# Environment: ORT_VERSION (default 1.24.1), ORT_DIR (default
# third_party/onnxruntime), ORT_FLAVOR=gpu to ask the release archive for the
# CUDA build (the npm package has only the CPU build), ORT_BASE_URL for a
# mirror of the release downloads.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${ORT_VERSION:-1.24.1}"
dir="${ORT_DIR:-third_party/onnxruntime}"
flavor="${ORT_FLAVOR:-cpu}"
lib="$dir/lib/libonnxruntime.so"

if [[ -e "$lib" && -f "$dir/VERSION" && "$(cat "$dir/VERSION")" == "$version-$flavor" ]]; then
  echo "onnxruntime $version ($flavor) already in $dir"
  exit 0
fi

case "$(uname -m)" in
  x86_64 | amd64) rel_arch=x64; npm_arch=x64 ;;
  aarch64 | arm64) rel_arch=aarch64; npm_arch=arm64 ;;
  *) echo "get_ort: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
if [[ "$(uname -s)" != Linux ]]; then
  echo "get_ort: only Linux is scripted; see https://github.com/microsoft/onnxruntime/releases" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$dir/lib"

install_lib() { # install_lib <path to libonnxruntime.so.*>
  local src="$1"
  cp -L "$src" "$dir/lib/libonnxruntime.so.$version"
  ln -sf "libonnxruntime.so.$version" "$dir/lib/libonnxruntime.so"
}

from_release() {
  local name="onnxruntime-linux-$rel_arch"
  [[ "$flavor" == gpu ]] && name="$name-gpu"
  local url="${ORT_BASE_URL:-https://github.com/microsoft/onnxruntime/releases/download}/v$version/$name-$version.tgz"
  echo "get_ort: trying $url"
  curl -fsSL --connect-timeout 10 --max-time 600 -o "$tmp/ort.tgz" "$url" || return 1
  tar xzf "$tmp/ort.tgz" -C "$tmp" || return 1
  local d="$tmp/$name-$version"
  # The GPU build also ships the CUDA/TensorRT provider libraries.
  cp -a "$d"/lib/libonnxruntime_providers_* "$dir/lib/" 2>/dev/null || true
  local src
  src="$(ls "$d"/lib/libonnxruntime.so.* 2>/dev/null | sort | tail -n1)" # the fully versioned name
  [[ -n "$src" ]] || { echo "get_ort: no libonnxruntime.so in $url" >&2; return 1; }
  install_lib "$src"
}

from_npm() {
  if [[ "$flavor" == gpu ]]; then
    echo "get_ort: the npm package has no CUDA build; ORT_FLAVOR=gpu needs the release archive" >&2
    return 1
  fi
  command -v npm >/dev/null || { echo "get_ort: npm not found" >&2; return 1; }
  echo "get_ort: trying npm package onnxruntime-node@$version"
  (cd "$tmp" && npm pack --silent "onnxruntime-node@$version" >/dev/null) || return 1
  tar xzf "$tmp/onnxruntime-node-$version.tgz" -C "$tmp" || return 1
  local src
  src="$(ls "$tmp"/package/bin/napi-v*/linux/"$npm_arch"/libonnxruntime.so* 2>/dev/null | head -n1)"
  [[ -n "$src" ]] || { echo "get_ort: no libonnxruntime.so for linux/$npm_arch in the npm package" >&2; return 1; }
  install_lib "$src"
}

if from_release || from_npm; then
  echo "$version-$flavor" >"$dir/VERSION"
  echo "get_ort: onnxruntime $version ($flavor) installed in $dir/lib"
else
  echo "get_ort: could not download onnxruntime $version (no network?)" >&2
  exit 1
fi
