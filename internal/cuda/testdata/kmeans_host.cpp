// kmeans_host is a device for TestKMeansKernelsOnHost: it runs the kernels
// of kmeans.cu, compiled as host C++ (hostcuda.h), one simulated thread
// after the other, and serves the k-means glue's device calls over
// stdin/stdout. Requests and replies are little-endian:
//   'A' bytes:u64                      -> ok, handle:u64   (allocate)
//   'F' handle:u64                     -> ok               (free)
//   'P' handle:u64 n:u64 data[n]       -> ok               (copy to the device)
//   'G' handle:u64 n:u64               -> ok, data[n]      (copy from the device)
//   'L' len:u32 name[len] gx gy bx by:u32 nargs:u32 {kind:u8 value:u64}...
//                                      -> ok               (launch; kind 0: a
//                                         handle, 1: an int32)
// A reply starts with a status byte: 0, or 1 then a u32 length and a message.
// Copies out of a buffer's bounds are refused; built with
// -fsanitize=address when the compiler can, an access out of bounds in a
// kernel stops the program.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "hostcuda.h"

// What kmeans.cu needs beyond hostcuda.h.
static inline long long min(long long a, long long b) { return a < b ? a : b; }
static inline unsigned atomicAdd(unsigned* p, unsigned v) {
  unsigned old = *p;
  *p += v;
  return old;
}
static inline double __longlong_as_double(long long v) {
  double d;
  std::memcpy(&d, &v, sizeof d);
  return d;
}

#include "../kmeans.cu"

static std::map<uint64_t, std::vector<uint8_t>> mem;
static uint64_t nextHandle = 1;

static void readN(void* p, size_t n) {
  if (n > 0 && fread(p, 1, n, stdin) != n) exit(0);  // the test closed the pipe
}
template <typename T>
static T get() {
  T v;
  readN(&v, sizeof v);
  return v;
}
static void ok() {
  uint8_t s = 0;
  fwrite(&s, 1, 1, stdout);
}
static void fail(const std::string& msg) {
  uint8_t s = 1;
  uint32_t n = (uint32_t)msg.size();
  fwrite(&s, 1, 1, stdout);
  fwrite(&n, 4, 1, stdout);
  fwrite(msg.data(), 1, n, stdout);
}

struct Arg {
  uint8_t kind;
  uint64_t value;
};

// launch runs one kernel over its grid; it returns "" or an error.
static std::string launch(const std::string& name, unsigned gx, unsigned gy, unsigned bx,
                          const std::vector<Arg>& a, const std::string& kinds) {
  if (a.size() != kinds.size()) return name + ": wrong number of arguments";
  std::vector<void*> p(a.size());
  for (size_t i = 0; i < a.size(); i++) {
    if (a[i].kind != (kinds[i] == 'p' ? 0 : 1)) return name + ": argument " + std::to_string(i) + " of the wrong kind";
    if (kinds[i] == 'p') {
      auto it = mem.find(a[i].value);
      if (it == mem.end()) return name + ": argument " + std::to_string(i) + " is not allocated";
      p[i] = it->second.data();
    }
  }
  auto I = [&](int i) { return (int)(int32_t)a[i].value; };
  blockDim.x = bx;
  blockDim.y = 1;
  for (unsigned y = 0; y < gy; y++) {
    for (unsigned x = 0; x < gx; x++) {
      blockIdx.x = x;
      blockIdx.y = y;
      for (unsigned t = 0; t < bx; t++) {
        threadIdx.x = t;
        if (name == "kmeans_reset") {
          kmeans_reset((int*)p[0], I(1));
        } else if (name == "kmeans_closest") {
          kmeans_closest((const double*)p[0], I(1), I(2), (const double*)p[3], (double*)p[4], I(5));
        } else if (name == "kmeans_block_sums") {
          kmeans_block_sums((const double*)p[0], I(1), I(2), (double*)p[3]);
        } else if (name == "kmeans_potentials") {
          kmeans_potentials((const double*)p[0], I(1), I(2), I(3), (const double*)p[4],
                            (const double*)p[5], I(6), (double*)p[7]);
        } else if (name == "kmeans_assign") {
          kmeans_assign((const double*)p[0], I(1), I(2), (const double*)p[3], I(4), (int*)p[5],
                        (double*)p[6], (unsigned*)p[7]);
        } else if (name == "kmeans_sums") {
          kmeans_sums((const double*)p[0], I(1), I(2), I(3), (const int*)p[4], I(5), (double*)p[6],
                      (int*)p[7]);
        } else {
          return "no kernel " + name;
        }
      }
    }
  }
  return "";
}

// The parameter kinds of each kernel: p a pointer, i an int.
static const std::map<std::string, std::string> signatures = {
    {"kmeans_reset", "pi"},
    {"kmeans_closest", "piippi"},
    {"kmeans_block_sums", "piip"},
    {"kmeans_potentials", "piiippip"},
    {"kmeans_assign", "piipippp"},
    {"kmeans_sums", "piiipipp"},
};

int main() {
  for (;;) {
    int c = fgetc(stdin);
    if (c == EOF) return 0;
    switch (c) {
      case 'A': {
        uint64_t n = get<uint64_t>();
        uint64_t h = nextHandle++ << 20;
        mem[h] = std::vector<uint8_t>(n);
        ok();
        fwrite(&h, 8, 1, stdout);
        break;
      }
      case 'F': {
        uint64_t h = get<uint64_t>();
        if (mem.erase(h) == 0) {
          fail("free of a handle not allocated");
        } else {
          ok();
        }
        break;
      }
      case 'P': {
        uint64_t h = get<uint64_t>(), n = get<uint64_t>();
        std::vector<uint8_t> buf(n);
        readN(buf.data(), n);
        auto it = mem.find(h);
        if (it == mem.end() || n > it->second.size()) {
          fail("copy to the device out of a buffer");
        } else {
          std::memcpy(it->second.data(), buf.data(), n);
          ok();
        }
        break;
      }
      case 'G': {
        uint64_t h = get<uint64_t>(), n = get<uint64_t>();
        auto it = mem.find(h);
        if (it == mem.end() || n > it->second.size()) {
          fail("copy from the device out of a buffer");
        } else {
          ok();
          fwrite(it->second.data(), 1, n, stdout);
        }
        break;
      }
      case 'L': {
        uint32_t len = get<uint32_t>();
        std::string name(len, '\0');
        readN(&name[0], len);
        uint32_t gx = get<uint32_t>(), gy = get<uint32_t>(), bx = get<uint32_t>(), by = get<uint32_t>();
        uint32_t na = get<uint32_t>();
        std::vector<Arg> args(na);
        for (auto& a : args) {
          a.kind = get<uint8_t>();
          a.value = get<uint64_t>();
        }
        auto sig = signatures.find(name);
        std::string err;
        if (sig == signatures.end()) {
          err = "no kernel " + name;
        } else if (by != 1) {
          err = name + ": 2-D blocks are not used";
        } else {
          err = launch(name, gx, gy, bx, args, sig->second);
        }
        if (err.empty()) {
          ok();
        } else {
          fail(err);
        }
        break;
      }
      default:
        fail(std::string("unknown request ") + (char)c);
        return 1;
    }
    fflush(stdout);
  }
}
