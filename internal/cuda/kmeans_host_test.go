package cuda

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/cluster"
)

// hostDevice is a kmeansDevice served by testdata/kmeans_host.cpp: the
// kernels of kmeans.cu itself, compiled as host C++, run one simulated
// thread after the other.
type hostDevice struct {
	t    *testing.T
	w    *bufio.Writer
	r    *bufio.Reader
	live map[devPtr]bool
}

func (h *hostDevice) send(vals ...any) {
	for _, v := range vals {
		if err := binary.Write(h.w, binary.LittleEndian, v); err != nil {
			h.t.Fatal(err)
		}
	}
}

// reply flushes the request and reads the status of the answer.
func (h *hostDevice) reply() error {
	if err := h.w.Flush(); err != nil {
		h.t.Fatal(err)
	}
	s, err := h.r.ReadByte()
	if err != nil {
		h.t.Fatalf("kmeans_host: %v", err)
	}
	if s == 0 {
		return nil
	}
	var n uint32
	if err := binary.Read(h.r, binary.LittleEndian, &n); err != nil {
		h.t.Fatal(err)
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(h.r, msg); err != nil {
		h.t.Fatal(err)
	}
	return errors.New("kmeans_host: " + string(msg))
}

func (h *hostDevice) alloc(bytes int64) (devPtr, error) {
	h.send(byte('A'), uint64(bytes))
	if err := h.reply(); err != nil {
		return 0, err
	}
	var p uint64
	if err := binary.Read(h.r, binary.LittleEndian, &p); err != nil {
		h.t.Fatal(err)
	}
	h.live[devPtr(p)] = true
	return devPtr(p), nil
}

func (h *hostDevice) free(p devPtr) error {
	delete(h.live, p)
	h.send(byte('F'), uint64(p))
	return h.reply()
}

func (h *hostDevice) put(dst devPtr, src any) error {
	h.send(byte('P'), uint64(dst), uint64(binary.Size(src)), src)
	return h.reply()
}

func (h *hostDevice) get(dst any, src devPtr) error {
	h.send(byte('G'), uint64(src), uint64(binary.Size(dst)))
	if err := h.reply(); err != nil {
		return err
	}
	return binary.Read(h.r, binary.LittleEndian, dst)
}

func (h *hostDevice) putF64(dst devPtr, src []float64) error { return h.put(dst, src) }
func (h *hostDevice) putU32(dst devPtr, src []uint32) error  { return h.put(dst, src) }
func (h *hostDevice) getF64(dst []float64, src devPtr) error { return h.get(dst, src) }
func (h *hostDevice) getI32(dst []int32, src devPtr) error   { return h.get(dst, src) }
func (h *hostDevice) getU32(dst []uint32, src devPtr) error  { return h.get(dst, src) }

func (h *hostDevice) launch(kernel string, grid, block Dim3, args ...any) error {
	h.send(byte('L'), uint32(len(kernel)), []byte(kernel),
		uint32(grid.X), uint32(max(grid.Y, 1)), uint32(block.X), uint32(max(block.Y, 1)), uint32(len(args)))
	for _, a := range args {
		switch v := a.(type) {
		case devPtr:
			h.send(uint8(0), uint64(v))
		case int32:
			h.send(uint8(1), uint64(uint32(v)))
		default:
			return fmt.Errorf("kmeans_host: argument of type %T", a)
		}
	}
	return h.reply()
}

// buildKMeansHost compiles testdata/kmeans_host.cpp, with the address and
// undefined-behaviour sanitizers when the compiler has them; it skips
// without g++.
func buildKMeansHost(t *testing.T) string {
	t.Helper()
	cxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("no g++: cannot compile kmeans.cu for the host")
	}
	bin := filepath.Join(t.TempDir(), "kmeans_host")
	base := []string{"-O2", "-ffp-contract=off", "-std=c++17", "-o", bin, "testdata/kmeans_host.cpp"}
	sanitized := append([]string{"-fsanitize=address,undefined", "-fno-sanitize-recover=all"}, base...)
	if out, err := exec.Command(cxx, sanitized...).CombinedOutput(); err != nil {
		t.Logf("g++ with sanitizers failed, building without: %v\n%s", err, out)
		if out, err := exec.Command(cxx, base...).CombinedOutput(); err != nil {
			t.Fatalf("g++: %v\n%s", err, out)
		}
	}
	return bin
}

// startKMeansHost starts the host device; it stops when the test ends.
func startKMeansHost(t *testing.T, bin string) *hostDevice {
	t.Helper()
	cmd := exec.Command(bin)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr limitedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("kmeans_host: %v\n%s", err, stderr.b)
		}
	})
	return &hostDevice{t: t, w: bufio.NewWriter(in), r: bufio.NewReader(out), live: map[devPtr]bool{}}
}

// limitedBuffer keeps the first 64 KB written to it (a sanitizer report).
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := 64<<10 - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(len(p), room)]...)
	}
	return len(p), nil
}

// TestKMeansKernelsOnHost runs the glue on the kernels of kmeans.cu
// compiled for the host and wants cluster.KMeans's result bit for bit on
// every case of kmeansCases: the kernel source, not only its Go mirror
// (kmeans_emu_test.go), computes each value as the CPU does, and stays in
// its buffers. What the GPU's compiler makes of the source is left to the
// GPU tests (tagged cuda).
func TestKMeansKernelsOnHost(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles C++")
	}
	bin := buildKMeansHost(t)
	for _, tc := range kmeansCases() {
		t.Run(tc.desc, func(t *testing.T) {
			dev := startKMeansHost(t, bin)
			wantAsCPU(t, cluster.OnBackend(kmeansBackend{dev: dev}), tc)
			if len(dev.live) != 0 {
				t.Errorf("%d device buffers left allocated", len(dev.live))
			}
		})
	}
}
