//go:build cuda

package cuda

import (
	"math"
	"os"
	"testing"
)

// openGPU opens the GPU for a test or benchmark, or skips it when there is
// none. With BUNKA_REQUIRE_GPU set (scripts/gpu_check.sh sets it) a GPU
// that cannot be opened (no device, context or PTX JIT failure) fails the
// test instead, so that the GPU host's run cannot pass by skipping.
func openGPU(t testing.TB) *GPU {
	t.Helper()
	g, err := Open()
	if err != nil {
		if os.Getenv("BUNKA_REQUIRE_GPU") != "" {
			t.Fatalf("BUNKA_REQUIRE_GPU is set and Open failed: %v", err)
		}
		t.Skipf("no usable GPU: %v", err)
	}
	t.Cleanup(func() {
		if err := g.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return g
}

func TestGPUOpen(t *testing.T) {
	g := openGPU(t)
	if g.Name() == "" {
		t.Error("empty Name")
	}
	free, total, err := g.MemInfo()
	if err != nil || free <= 0 || total < free {
		t.Errorf("MemInfo() = %d, %d, %v", free, total, err)
	}
	t.Logf("%s: %d of %d MiB free", g.Name(), free>>20, total>>20)
	if _, err := g.Function("knn", "no_such_kernel"); err == nil {
		t.Error("Function of a missing kernel: no error")
	}
	if _, err := g.Function("no_such_module", "knn_norms"); err == nil {
		t.Error("Function of a missing module: no error")
	}
}

// TestGPULaunch runs the smallest kernel end to end: upload, launch,
// download, peak memory.
func TestGPULaunch(t *testing.T) {
	g := openGPU(t)
	const n, dim = 1000, 37
	x := make([]float32, n*dim)
	for i := range x {
		x[i] = float32(i%11) - 5
	}
	px, err := AllocUpload(g, x)
	if err != nil {
		t.Fatal(err)
	}
	pn, err := g.Alloc(n * 4)
	if err != nil {
		t.Fatal(err)
	}
	if peak := g.PeakBytes(); peak < n*dim*4+n*4 {
		t.Errorf("PeakBytes() = %d after allocating %d", peak, n*dim*4+n*4)
	}
	fn, err := g.Function("knn", "knn_norms")
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Launch(fn, Dim3{X: (n*32 + 255) / 256}, Dim3{X: 256}, 0, px, pn, n, dim); err != nil {
		t.Fatal(err)
	}
	got := make([]float32, n)
	if err := Download(g, got, pn); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		var want float64
		for _, v := range x[i*dim : (i+1)*dim] {
			want += float64(v) * float64(v)
		}
		if math.Abs(float64(got[i])-want) > 1e-4*want {
			t.Fatalf("norm of row %d = %v, want %v", i, got[i], want)
		}
	}
	if err := g.Free(px); err != nil {
		t.Error(err)
	}
	if err := g.Free(pn); err != nil {
		t.Error(err)
	}
	if err := g.Launch(fn, Dim3{}, Dim3{}, 0, "text"); err == nil {
		t.Error("Launch with a string argument: no error")
	}
}
