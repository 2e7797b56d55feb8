package cuda

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/knn/knntest"
)

// cxxKNN runs each kernel of knn.cu compiled as host C++
// (testdata/knn_host.cpp: every GPU thread a fiber, switched at
// __syncthreads and at the warp operations), one process per launch, with the
// launch shapes of the GPU glue; memory is hostKNN's.
type cxxKNN struct {
	hostKNN
	bin, dir string
}

var _ knnBackend[[]float32, []int32] = cxxKNN{}

func (c cxxKNN) run(name string, grid, block Dim3, args ...any) error {
	var b bytes.Buffer
	put := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) } // writes to a bytes.Buffer do not fail
	put(int64(len(name)))
	b.WriteString(name)
	put([]int64{int64(grid.X), int64(block.X), int64(len(args))})
	for _, a := range args {
		switch v := a.(type) {
		case int:
			b.WriteByte('i')
			put(int64(v))
		case []float32:
			b.WriteByte('f')
			put(int64(len(v)))
			put(v)
		case []int32:
			b.WriteByte('n')
			put(int64(len(v)))
			put(v)
		default:
			return fmt.Errorf("argument of type %T", a)
		}
	}
	in, out := filepath.Join(c.dir, "in.bin"), filepath.Join(c.dir, "out.bin")
	if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
		return err
	}
	if msg, err := exec.Command(c.bin, in, out).CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v: %s", name, err, msg)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	r := bytes.NewReader(raw)
	for _, a := range args {
		switch v := a.(type) {
		case []float32, []int32:
			if err := binary.Read(r, binary.LittleEndian, v); err != nil {
				return fmt.Errorf("%s: reading back: %w", name, err)
			}
		}
	}
	return nil
}

func (c cxxKNN) norms(x []float32, n, dim int, out []float32) error {
	return c.run("knn_norms", warpGrid(n), block256, x, out, n, dim)
}

func (c cxxKNN) tiles(a *tileArgs[[]float32, []int32]) error {
	exclude := 0
	if a.exclude {
		exclude = 1
	}
	return c.run("knn_tiles", Dim3{X: a.nItems}, block256,
		a.x, a.xnorm, a.y, a.ynorm, a.qrow, a.qent, a.items, a.dim, a.k, exclude, a.partD, a.partI)
}

func (c cxxKNN) merge(partD []float32, partI []int32, outD []float32, outI []int32, n, p, k int) error {
	return c.run("knn_merge", mergeGrid(n), mergeBlock, partD, partI, outD, outI, n, p, k)
}

func (c cxxKNN) refine(x []float32, idx []int32, dist []float32, n, dim, k int) error {
	return c.run("knn_refine", warpGrid(n), block256, x, idx, dist, n, dim, k)
}

func (c cxxKNN) gather(src []float32, perm []int32, dst []float32, n, dim int) error {
	return c.run("knn_gather", gatherGrid(n, dim), block256, src, perm, dst, n, dim)
}

func (c cxxKNN) expand(x, inD []float32, inI []int32, outD []float32, outI []int32, n, dim, k int) error {
	return c.run("knn_expand", warpGrid(n), block256, x, inD, inI, outD, outI, n, dim, k)
}

type cxxSearcher struct {
	b      cxxKNN
	method knn.Method
	ivf    func(int) ivfParams
}

func (s cxxSearcher) Search(ctx context.Context, data [][]float32, k int, opt knn.Options) (*knn.Graph, error) {
	if s.method != knn.Auto {
		opt.Method = s.method
	}
	ivf := s.ivf
	if ivf == nil {
		ivf = defaultIVF
	}
	return searchWith(ctx, s.b, data, k, opt, ivf)
}

// TestKNNKernelsOnHost runs the k-NN search with the kernels of knn.cu
// compiled for the host (g++): parity with knn.Exact on rows whose count and
// width are not multiples of the tiles, duplicates included, and the
// approximate search's recall against its Go reference. It checks the
// kernels' indexing, shared memory, barriers and warp operations as written;
// not what nvcc makes of them (the GPU tests do). The emulation switches
// threads with swapcontext, slowly: the sizes are small (about a minute on 2
// loaded cores), and the test skips with -short and without g++.
func TestKNNKernelsOnHost(t *testing.T) {
	cxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("no g++: cannot compile knn.cu for the host")
	}
	if testing.Short() {
		t.Skip("a process and thousands of threads per launch: skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "knn_host")
	if out, err := exec.Command(cxx, "-O2", "-std=c++17", "-ffp-contract=off", "-o", bin, "testdata/knn_host.cpp").CombinedOutput(); err != nil {
		t.Fatalf("g++: %v\n%s", err, out)
	}
	b := cxxKNN{bin: bin, dir: dir}
	t.Run("parity", func(t *testing.T) {
		data := knntest.RandomRows(300, 41, 8)
		data = append(data, slices.Clone(data[0]), slices.Clone(data[0]), slices.Clone(data[5]))
		for _, metric := range []knn.Metric{knn.Euclidean, knn.Cosine} {
			opt := knn.Options{Metric: metric}
			want, err := knn.Exact(context.Background(), data, 15, opt)
			if err != nil {
				t.Fatal(err)
			}
			got, err := cxxSearcher{b: b, method: knn.ExactMethod}.Search(context.Background(), data, 15, opt)
			if err != nil {
				t.Fatal(err)
			}
			if err := sameUpToTies(want, got, 1e-5); err != nil {
				t.Errorf("%v: %v", metric, err)
			}
		}
	})
	t.Run("ivf", func(t *testing.T) {
		data := knntest.RandomRows(200, 12, 9)
		p := func(int) ivfParams { return ivfParams{nlist: 12, nprobe: 3, sample: 200, iters: 2, rounds: 1} }
		opt := knn.Options{Seed: 2}
		want, err := knn.Exact(context.Background(), data, 6, opt)
		if err != nil {
			t.Fatal(err)
		}
		got, err := cxxSearcher{b: b, method: knn.ApproximateMethod, ivf: p}.Search(context.Background(), data, 6, opt)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := hostSearcher{method: knn.ApproximateMethod, ivf: p}.Search(context.Background(), data, 6, opt)
		if err != nil {
			t.Fatal(err)
		}
		rk, rh := recall(want, got), recall(want, ref)
		t.Logf("recall@6: kernels %.4f, Go reference %.4f", rk, rh)
		if rk < rh-0.01 {
			t.Errorf("recall@6 of the kernels %.4f, of the Go reference %.4f", rk, rh)
		}
	})
	// Lists of about 3 rows for k = 6: rows short of candidates are searched
	// exactly, and no row may end up its own neighbour.
	t.Run("ivf/short lists", func(t *testing.T) {
		data := knntest.RandomRows(120, 5, 4)
		p := func(int) ivfParams { return ivfParams{nlist: 40, nprobe: 1, sample: 120, iters: 1, rounds: 0} }
		got, err := cxxSearcher{b: b, method: knn.ApproximateMethod, ivf: p}.Search(context.Background(), data, 6, knn.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for i := range got.N {
			idx, _ := got.Neighbors(i)
			if slices.Contains(idx, int32(i)) || slices.Contains(idx, -1) {
				t.Fatalf("row %d: neighbours %v", i, idx)
			}
		}
	})
}
