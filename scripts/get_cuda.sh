#!/usr/bin/env bash
# get_cuda.sh installs what the tagged GPU build needs (make gpu, go generate
# ./internal/cuda, make ptxcheck): Debian's nvidia-cuda-dev (cuda.h and the
# stub libcuda.so to link against) and nvidia-cuda-toolkit (nvcc, ptxas),
# CUDA 11.8, from the contrib and non-free components. As root it adds a
# deb822 source for those components of the running Debian suite
# (/etc/apt/sources.list.d/bunka-cuda.sources, rewritten with the same
# content on every run) and installs both packages with one apt-get. Nothing
# is done when /usr/include/cuda.h, nvcc and ptxas are already there. About
# 800 MB are downloaded. No GPU or driver is needed to build; a GPU host
# needs only the NVIDIA driver (libcuda.so.1) to run the result.
set -euo pipefail

if [[ -f /usr/include/cuda.h ]] && command -v nvcc >/dev/null 2>&1 && command -v ptxas >/dev/null 2>&1; then
  echo "CUDA headers and toolkit already installed ($(nvcc --version | grep -o 'release [0-9.]*'))"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "get_cuda.sh: run as root, or install nvidia-cuda-dev and nvidia-cuda-toolkit from Debian's non-free component" >&2
  exit 1
fi
. /etc/os-release
if [[ "${ID:-}" != debian || -z "${VERSION_CODENAME:-}" ]]; then
  echo "get_cuda.sh: made for Debian (this is ${PRETTY_NAME:-unknown}); install the CUDA 11.8 headers and nvcc another way" >&2
  exit 1
fi
cat >/etc/apt/sources.list.d/bunka-cuda.sources <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: $VERSION_CODENAME
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
echo "installing nvidia-cuda-dev and nvidia-cuda-toolkit from $VERSION_CODENAME non-free (about 800 MB)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends nvidia-cuda-dev nvidia-cuda-toolkit >/dev/null
nvcc --version | tail -1
