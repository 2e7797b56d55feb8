//go:build cuda

package cuda

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/cluster"
	"github.com/bunkatopics/bunka-go/internal/cluster/clustertest"
	"github.com/bunkatopics/bunka-go/internal/lsa"
	"github.com/bunkatopics/bunka-go/internal/testenv"
	"github.com/bunkatopics/bunka-go/internal/umap"
)

func TestGPUKMeansConformance(t *testing.T) {
	g := openGPU(t)
	clustertest.Run(t, g.Clusterer())
	clustertest.AgainstCPU(t, g.Clusterer())
}

// TestGPUKMeansAsCPU wants cluster.KMeans's result bit for bit: the
// kernels compute every value as the CPU does (see kmeans.cu), and the
// emulated run of the same glue (TestKMeansEmulatedAsCPU) already matches.
func TestGPUKMeansAsCPU(t *testing.T) {
	g := openGPU(t)
	c := g.Clusterer()
	for _, tc := range kmeansCases() {
		t.Run(tc.desc, func(t *testing.T) { wantAsCPU(t, c, tc) })
	}
}

// TestGPUKMeansDebian clusters the builtin embedder's vectors of the
// Debian 10k descriptions, and their 2-D UMAP map, into 20 clusters on the
// CPU and on the GPU: the NMI against the Debian sections must be within
// 0.02 (the parity target; the kernels aim at equality). Logs one
// FIGURE line per data set for scripts/gpu_check.sh.
func TestGPUKMeansDebian(t *testing.T) {
	g := openGPU(t)
	ctx := context.Background()
	cols := testenv.DataColumns(t, "debian_en_10k.csv", "text", "label")
	texts, sections := cols[0], cols[1]
	vecs, _, err := lsa.New(lsa.Options{}).EmbedDocuments(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	xy, err := umap.Project(ctx, vecs, umap.Options{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	truth := labelIDs(sections)
	for _, in := range []struct {
		name string
		pts  [][]float64
	}{
		{"vectors", to64(vecs)},
		{"umap_2d", to64(xy2rows(xy))},
	} {
		const k = 20
		cpu, err := cluster.KMeans(ctx, in.pts, k, cluster.Options{})
		if err != nil {
			t.Fatal(err)
		}
		gpu, err := g.Clusterer().Cluster(ctx, in.pts, k, cluster.Options{})
		if err != nil {
			t.Fatal(err)
		}
		nc, ng := clustertest.NMI(truth, cpu.Labels), clustertest.NMI(truth, gpu.Labels)
		figure(t, map[string]any{
			"figure": "kmeans_nmi", "data": "debian_en_10k/" + in.name, "k": k, "dim": len(in.pts[0]),
			"nmi_cpu": round(nc), "nmi_gpu": round(ng), "nmi_cpu_gpu": round(clustertest.NMI(cpu.Labels, gpu.Labels)),
			"identical": reflect.DeepEqual(cpu, gpu), "gpu": g.Name(),
		})
		if math.Abs(nc-ng) > 0.02 {
			t.Errorf("%s: NMI %.4f on the GPU, %.4f on the CPU: more than 0.02 apart", in.name, ng, nc)
		}
	}
}

// BenchmarkGPUKMeans clusters n 2-D points from k overlapping blobs, as a
// map of many documents, on the GPU (the CPU's figures: BenchmarkKMeans in
// internal/cluster).
func BenchmarkGPUKMeans(b *testing.B) {
	g := openGPU(b)
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d/k=20", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			centres := make([][2]float64, 20)
			for c := range centres {
				centres[c] = [2]float64{20 * rng.Float64(), 20 * rng.Float64()}
			}
			pts := make([][]float64, n)
			for i := range pts {
				c := centres[rng.IntN(len(centres))]
				pts[i] = []float64{c[0] + rng.NormFloat64(), c[1] + rng.NormFloat64()}
			}
			g.ResetPeak()
			iters := 0
			for b.Loop() {
				r, err := g.Clusterer().Cluster(context.Background(), pts, 20, cluster.Options{})
				if err != nil {
					b.Fatal(err)
				}
				iters = r.Iterations
			}
			b.ReportMetric(float64(iters), "lloyd-iters")
			b.ReportMetric(float64(g.PeakBytes())/(1<<20), "peak-MiB")
		})
	}
}

func labelIDs(s []string) []int {
	ids := map[string]int{}
	out := make([]int, len(s))
	for i, v := range s {
		id, ok := ids[v]
		if !ok {
			id = len(ids)
			ids[v] = id
		}
		out[i] = id
	}
	return out
}

func xy2rows(xy [][2]float32) [][]float32 {
	out := make([][]float32, len(xy))
	for i, p := range xy {
		out[i] = []float32{p[0], p[1]}
	}
	return out
}

func to64(v [][]float32) [][]float64 {
	out := make([][]float64, len(v))
	for i, r := range v {
		out[i] = make([]float64, len(r))
		for j, x := range r {
			out[i][j] = float64(x)
		}
	}
	return out
}

func round(x float64) float64 { return math.Round(x*1e4) / 1e4 }
