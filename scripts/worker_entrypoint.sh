#!/bin/sh
# worker_entrypoint.sh: the entry point of Dockerfile.worker's image, which
# holds two builds of the worker: bunkaworker (CPU only) and
# bunkaworker-cuda (built with -tags cuda: GPU k-NN, layout and k-means
# through gorgonia.org/cu, which exits at start-up when no GPU is usable).
# It picks one by BUNKA_DEVICE, logs its choice as one JSON line on stderr,
# and runs it with the same arguments:
#   cpu   bunkaworker
#   cuda  bunkaworker-cuda; without a usable GPU, a start-up error saying why
#   auto  (or unset) bunkaworker-cuda when a GPU is usable, else bunkaworker
# A GPU is usable when the NVIDIA container toolkit gave the container
# /dev/nvidiactl and nvidia-smi lists a GPU; without nvidia-smi, when there
# is a GPU device node (/dev/nvidia0...) and ldconfig knows the driver's
# libcuda.so.1. Any other value goes to bunkaworker, which
# reports it. BUNKA_BIN_DIR (default /usr/local/bin) is where both builds are.
set -eu
bin=${BUNKA_BIN_DIR:-/usr/local/bin}
device=${BUNKA_DEVICE:-auto}

log() { # level, message, build, reason
  printf '{"time":"%s","level":"%s","msg":"%s","device":"%s","build":"%s","reason":"%s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2" "$device" "$3" "$4" >&2
}

reason=""
gpu_usable() {
  if [ ! -e /dev/nvidiactl ]; then
    reason="no /dev/nvidiactl: run the container with --gpus all (NVIDIA container toolkit)"
    return 1
  fi
  if command -v nvidia-smi >/dev/null 2>&1; then
    if nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
      reason="nvidia-smi lists a GPU"
      return 0
    fi
    reason="nvidia-smi lists no GPU"
    return 1
  fi
  if ! ls /dev/nvidia[0-9]* >/dev/null 2>&1; then
    reason="/dev/nvidiactl but no GPU device (/dev/nvidia0...)"
    return 1
  fi
  if ! ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1'; then
    reason="the NVIDIA driver's libcuda.so.1 is not visible (NVIDIA_DRIVER_CAPABILITIES must include compute)"
    return 1
  fi
  reason="a GPU device and libcuda.so.1 present"
  return 0
}

case "$device" in
cpu)
  exe=bunkaworker
  reason="BUNKA_DEVICE=cpu"
  ;;
cuda)
  if ! gpu_usable; then
    log ERROR "BUNKA_DEVICE=cuda but no usable GPU" none "$reason"
    exit 1
  fi
  exe=bunkaworker-cuda
  ;;
auto)
  if gpu_usable; then exe=bunkaworker-cuda; else exe=bunkaworker; fi
  ;;
*)
  exe=bunkaworker
  reason="unknown BUNKA_DEVICE: the worker reports it"
  ;;
esac
log INFO "worker build chosen" "$exe" "$reason"
exec "$bin/$exe" "$@"
