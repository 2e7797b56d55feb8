package cuda

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/umap"
	"github.com/bunkatopics/bunka-go/internal/umap/umaptest"
)

// recorder is a layout optimiser that keeps its input, then runs
// umap.BatchLayout unless noRun.
type recorder struct {
	noRun bool
	g     *umap.Graph
	start []float32
	p     umap.LayoutParams
}

func (r *recorder) Optimize(ctx context.Context, g *umap.Graph, pos []float32, p umap.LayoutParams) error {
	r.g, r.start, r.p = g, slices.Clone(pos), p
	if r.noRun {
		return nil
	}
	return umap.BatchLayout{}.Optimize(ctx, g, pos, p)
}

// TestLayoutKernelOnHost compiles the kernels of layout.cu as host C++
// (testdata/hostcuda.h maps CUDA's qualifiers and intrinsics to plain C++),
// runs them one simulated thread after the other as the GPU glue launches
// them, and wants the very bytes of umap.BatchLayout: the kernel source and
// the Go reference are the same algorithm, operation by operation. It does
// not check what the GPU's compiler makes of the source (the GPU tests,
// tagged cuda, do); it skips without g++.
func TestLayoutKernelOnHost(t *testing.T) {
	cxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("no g++: cannot compile layout.cu for the host")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "layout_host")
	if out, err := exec.Command(cxx, "-O2", "-ffp-contract=off", "-std=c++17", "-o", bin, "testdata/layout_host.cpp").CombinedOutput(); err != nil {
		t.Fatalf("g++: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		desc             string
		k, n, dim        int
		epochs, negative int
	}{
		{"4 blobs of 60, 200 epochs", 4, 60, 16, 200, 5},
		{"8 blobs of 100, 500 epochs", 8, 100, 32, 500, 5},
		{"no negative samples", 3, 50, 8, 100, 0},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			data, _ := umaptest.Blobs(tc.k, tc.n, tc.dim, 1)
			rec := &recorder{}
			xy, err := umap.Project(context.Background(), data, umap.Options{Seed: 5, Epochs: tc.epochs, Layout: rec})
			if err != nil {
				t.Fatal(err)
			}
			p := rec.p
			p.NegativeRate = tc.negative
			want := slices.Clone(rec.start)
			if err := (umap.BatchLayout{}).Optimize(context.Background(), rec.g, want, p); err != nil {
				t.Fatal(err)
			}
			if tc.negative == 5 {
				for i := range xy {
					if xy[i][0] != want[2*i] || xy[i][1] != want[2*i+1] {
						t.Fatalf("BatchLayout is not deterministic: point %d at %v and %v", i, xy[i], want[2*i:2*i+2])
					}
				}
			}
			in := filepath.Join(dir, "in.bin")
			if err := os.WriteFile(in, hostInput(t, rec.g, rec.start, p), 0o600); err != nil {
				t.Fatal(err)
			}
			outPath := filepath.Join(dir, "out.bin")
			if out, err := exec.Command(bin, in, outPath).CombinedOutput(); err != nil {
				t.Fatalf("layout_host: %v\n%s", err, out)
			}
			raw, err := os.ReadFile(outPath)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]float32, len(want))
			if err := binary.Read(bytes.NewReader(raw), binary.LittleEndian, got); err != nil {
				t.Fatal(err)
			}
			diff := 0
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					if diff == 0 {
						t.Errorf("coordinate %d: kernel %v, BatchLayout %v", i, got[i], want[i])
					}
					diff++
				}
			}
			if diff > 0 {
				t.Errorf("%d of %d coordinates differ", diff, len(got))
			}
		})
	}
}

// hostInput encodes a layout problem for testdata/layout_host.cpp.
func hostInput(t *testing.T, g *umap.Graph, pos []float32, p umap.LayoutParams) []byte {
	t.Helper()
	pl := umap.NewBatchPlan(g, p, 0)
	var b bytes.Buffer
	put := func(v any) {
		if err := binary.Write(&b, binary.LittleEndian, v); err != nil {
			t.Fatal(err)
		}
	}
	put([]int64{int64(g.N), int64(len(g.Col)), int64(pl.Steps), int64(pl.Epochs), int64(pl.NegRate),
		int64(pl.Seed), int64(len(pl.Attract)), int64(pl.TableLo)})
	put(g.RowPtr)
	put(g.Col)
	put(pl.Head)
	put(pl.TailSlot)
	put(pl.TailPtr)
	put(pl.StepPtr)
	put(pl.StepEdges)
	put(pl.EpochsPerSample)
	put(pl.EpochsPerNegative)
	put(pl.Attract)
	put(pl.Repulse)
	alphas := make([]float32, pl.Epochs)
	for e := range alphas {
		alphas[e] = pl.Alpha(e)
	}
	put(alphas)
	put(pos)
	return b.Bytes()
}

func TestLayoutNotBuilt(t *testing.T) {
	if Built {
		t.Skip("built with the cuda tag")
	}
	g := &umap.Graph{N: 1, RowPtr: []int32{0, 0}}
	err := (&GPU{}).Layout().Optimize(context.Background(), g, make([]float32, 2), umap.LayoutParams{Epochs: 1})
	if !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Optimize error %v, want ErrNotBuilt", err)
	}
}
