//go:build cuda

package cuda

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/knn/knntest"
)

func TestGPUKNNConformance(t *testing.T) {
	g := openGPU(t)
	knntest.Run(t, g.Searcher(), 1)
}

// approxSearcher forces the GPU's approximate search; at the suite's sizes
// it probes every list, so it must be exact.
type approxSearcher struct{ s knn.Searcher }

func (a approxSearcher) Search(ctx context.Context, data [][]float32, k int, opt knn.Options) (*knn.Graph, error) {
	opt.Method = knn.ApproximateMethod
	return a.s.Search(ctx, data, k, opt)
}

func TestGPUKNNApproxConformance(t *testing.T) {
	g := openGPU(t)
	knntest.Run(t, approxSearcher{g.Searcher()}, 1)
}

// TestGPUKNNParity wants the GPU's exact search to give knn.Exact's
// neighbours on 20,000 rows of 384 dimensions, for both metrics, up to
// distance ties: distances within 1e-5 may be ordered differently, since
// the GPU sums in another order (tiles, fused multiply-adds) than knn.Exact.
func TestGPUKNNParity(t *testing.T) {
	g := openGPU(t)
	data := knntest.RandomRows(20000, 384, 17)
	for _, metric := range []knn.Metric{knn.Euclidean, knn.Cosine} {
		opt := knn.Options{Metric: metric}
		want, err := knn.Exact(context.Background(), data, 15, opt)
		if err != nil {
			t.Fatal(err)
		}
		got, err := g.Searcher().Search(context.Background(), data, 15, opt)
		if err != nil {
			t.Fatal(err)
		}
		same := sameUpToTies(want, got, 1e-5)
		if same != nil {
			t.Errorf("%v: %v", metric, same)
		}
		r := recall(want, got)
		figure(t, map[string]any{"figure": "knn_parity_gpu_vs_cpu_exact", "rows": 20000, "dim": 384, "k": 15, "metric": metric.String(), "recall": r, "identical_up_to_ties": same == nil})
	}
}

// TestGPUKNNIVFRecall measures the approximate search's recall@15 against
// the GPU's exact search on the Debian descriptions (builtin embedder,
// cosine) and on 100,000 clustered rows of 384 dimensions; it wants 0.95.
func TestGPUKNNIVFRecall(t *testing.T) {
	g := openGPU(t)
	for _, tc := range []struct {
		name string
		data func() [][]float32
	}{
		{"debian_en_10k", func() [][]float32 { return knntest.CorpusVectors(t, "debian_en_10k.csv", 0) }},
		{"clustered_100k_384", func() [][]float32 { return clustered(100000, 384, 1000, 5) }},
	} {
		data := tc.data()
		opt := knn.Options{Metric: knn.Cosine, Seed: 1}
		opt.Method = knn.ExactMethod
		t0 := time.Now()
		want, err := g.Searcher().Search(context.Background(), data, 15, opt)
		if err != nil {
			t.Fatal(err)
		}
		exactS := time.Since(t0).Seconds()
		opt.Method = knn.ApproximateMethod
		t0 = time.Now()
		got, err := g.Searcher().Search(context.Background(), data, 15, opt)
		if err != nil {
			t.Fatal(err)
		}
		approxS := time.Since(t0).Seconds()
		r := recall(want, got)
		figure(t, map[string]any{"figure": "knn_ivf_recall", "data": tc.name, "rows": len(data), "k": 15, "recall": r, "exact_s": exactS, "ivf_s": approxS})
		if r < 0.95 {
			t.Errorf("%s: recall@15 %.4f, want at least 0.95", tc.name, r)
		}
	}
}

// BenchmarkGPUKNN times the search (Auto: exact up to 131,072 rows, IVF
// above) on random rows of 384 dimensions, k = 15, and reports the peak
// device memory it held.
func BenchmarkGPUKNN(b *testing.B) {
	g := openGPU(b)
	for _, n := range []int{10000, 100000, 1000000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			data := clustered(n, 384, max(n/1000, 10), 9)
			g.ResetPeak()
			for b.Loop() {
				if _, err := g.Searcher().Search(context.Background(), data, 15, knn.Options{Metric: knn.Cosine}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(g.PeakBytes())/(1<<20), "peak-MiB")
		})
	}
}

// clustered draws n rows around c random centres (unit spread around
// centres of spread 1/4 per dimension).
func clustered(n, dim, c int, seed uint64) [][]float32 {
	rng := rand.New(rand.NewPCG(seed, 3))
	centres := knntest.RandomRows(c, dim, seed+1)
	data := make([][]float32, n)
	for i := range data {
		ctr := centres[rng.IntN(c)]
		data[i] = make([]float32, dim)
		for j := range data[i] {
			data[i][j] = 4*ctr[j] + float32(rng.NormFloat64())
		}
	}
	return data
}

// figure logs one JSON line for scripts/gpu_check.sh, which collects the
// lines that start with "FIGURE ".
func figure(t testing.TB, f map[string]any) {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("FIGURE %s", b)
}
