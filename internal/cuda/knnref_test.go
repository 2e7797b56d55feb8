package cuda

import (
	"context"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/knn/knntest"
)

// hostSearcher is the host reference of the GPU search as a knn.Searcher;
// method, when set, replaces the options' method, and ivf the default
// parameters of the approximate search.
type hostSearcher struct {
	method knn.Method
	ivf    func(int) ivfParams
}

func (h hostSearcher) Search(ctx context.Context, data [][]float32, k int, opt knn.Options) (*knn.Graph, error) {
	ivf := h.ivf
	if ivf == nil {
		ivf = defaultIVF
	}
	if h.method != knn.Auto {
		opt.Method = h.method
	}
	return searchWith(ctx, hostKNN{}, data, k, opt, ivf)
}

func TestHostExactConformance(t *testing.T) {
	knntest.Run(t, hostSearcher{method: knn.ExactMethod}, 1)
}

// At the suite's sizes the default IVF probes every list, so it must be
// exact: this checks the plumbing (lists, sorted positions, merges).
func TestHostIVFConformance(t *testing.T) {
	knntest.Run(t, hostSearcher{method: knn.ApproximateMethod}, 1)
}

// TestHostIVFShortLists gives the IVF lists too small for k: rows whose
// probed lists hold fewer than k others are searched exactly.
func TestHostIVFShortLists(t *testing.T) {
	data := knntest.RandomRows(300, 6, 3)
	tiny := func(n int) ivfParams { return ivfParams{nlist: 100, nprobe: 1, sample: 300, iters: 3} }
	got, err := hostSearcher{method: knn.ApproximateMethod, ivf: tiny}.Search(context.Background(), data, 10, knn.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range got.N {
		idx, _ := got.Neighbors(i)
		for _, j := range idx {
			if j < 0 || int(j) == i {
				t.Fatalf("row %d: neighbours %v", i, idx)
			}
		}
	}
}

// TestHostExactParity holds the host reference of the GPU's exact search
// to knn.Exact: the same neighbours up to distance ties.
func TestHostExactParity(t *testing.T) {
	for _, metric := range []knn.Metric{knn.Euclidean, knn.Cosine} {
		data := knntest.RandomRows(2000, 24, 5)
		opt := knn.Options{Metric: metric}
		want, err := knn.Exact(context.Background(), data, 15, opt)
		if err != nil {
			t.Fatal(err)
		}
		got, err := hostSearcher{method: knn.ExactMethod}.Search(context.Background(), data, 15, opt)
		if err != nil {
			t.Fatal(err)
		}
		if err := sameUpToTies(want, got, 1e-5); err != nil {
			t.Errorf("%v: %v", metric, err)
		}
	}
}

// TestHostIVFRecall measures the approximate search's recall@15 against
// exact search on the Debian descriptions embedded by the builtin embedder
// (10,000 x 128, cosine), with 250 lists of which 16 are probed (6.4%, as
// the defaults do at a million rows) and two rounds of neighbours'
// neighbours: 0.965 when written.
func TestHostIVFRecall(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("10,000 rows: skipped with -short and under the race detector")
	}
	data := knntest.CorpusVectors(t, "debian_en_10k.csv", 0)
	opt := knn.Options{Metric: knn.Cosine, Seed: 3}
	want, err := knn.Exact(context.Background(), data, 15, opt)
	if err != nil {
		t.Fatal(err)
	}
	p := func(n int) ivfParams {
		return ivfParams{nlist: 250, nprobe: 16, sample: 250 * 32, iters: 10, rounds: 2}
	}
	got, err := hostSearcher{method: knn.ApproximateMethod, ivf: p}.Search(context.Background(), data, 15, opt)
	if err != nil {
		t.Fatal(err)
	}
	r := recall(want, got)
	t.Logf("recall@15 %.4f", r)
	if r < 0.95 {
		t.Errorf("recall@15 %.4f, want at least 0.95", r)
	}
}

// recall is the fraction of want's neighbours that got found, counting a
// neighbour at want's k-th distance (a tie) as found.
func recall(want, got *knn.Graph) float64 {
	found := 0
	for i := range want.N {
		wi, wd := want.Neighbors(i)
		gi, gd := got.Neighbors(i)
		kth := wd[len(wd)-1]
		set := map[int32]bool{}
		for _, j := range wi {
			set[j] = true
		}
		for p, j := range gi {
			if set[j] || gd[p] <= kth*(1+1e-6) {
				found++
			}
		}
	}
	return float64(found) / float64(want.N*want.K)
}
