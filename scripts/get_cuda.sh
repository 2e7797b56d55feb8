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
#
# CUDA_DEV_ONLY=1 installs nvidia-cuda-dev alone, enough to build the tagged
# binaries from the committed PTX (Dockerfile.worker does that), and skips
# when cuda.h is there.
set -euo pipefail

packages=(nvidia-cuda-dev nvidia-cuda-toolkit)
if [[ "${CUDA_DEV_ONLY:-}" == 1 ]]; then
  packages=(nvidia-cuda-dev)
  if [[ -f /usr/include/cuda.h ]]; then
    echo "CUDA headers already installed"
    exit 0
  fi
elif [[ -f /usr/include/cuda.h ]] && command -v nvcc >/dev/null 2>&1 && command -v ptxas >/dev/null 2>&1; then
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
echo "installing ${packages[*]} from $VERSION_CODENAME non-free"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
if command -v nvcc >/dev/null 2>&1; then nvcc --version | tail -1; fi
