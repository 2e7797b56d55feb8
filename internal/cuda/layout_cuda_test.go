//go:build cuda

package cuda

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/knn/knntest"
	"github.com/bunkatopics/bunka-go/internal/umap"
	"github.com/bunkatopics/bunka-go/internal/umap/umaptest"
)

func TestGPULayoutConformance(t *testing.T) { umaptest.RunLayout(t, openGPU(t).Layout()) }

// TestGPULayoutMatchesReference runs the GPU layout and umap.BatchLayout
// from the same graph and start: the kernels mirror the reference
// operation by operation, so the coordinates should be the same bits. It
// fails when any coordinate is further than 1e-3 of the layout's extent
// from the reference's, and reports how many are not bit for bit equal.
func TestGPULayoutMatchesReference(t *testing.T) {
	g := openGPU(t)
	data, _ := umaptest.Blobs(8, 250, 32, 1)
	rec := &recorder{}
	want, err := umap.Project(context.Background(), data, umap.Options{Seed: 5, Layout: rec})
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Clone(rec.start)
	if err := g.Layout().Optimize(context.Background(), rec.g, got, rec.p); err != nil {
		t.Fatal(err)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range want {
		lo = min(lo, float64(p[0]), float64(p[1]))
		hi = max(hi, float64(p[0]), float64(p[1]))
	}
	var worst float64
	differ := 0
	for i, p := range want {
		for c := range 2 {
			if math.Float32bits(got[2*i+c]) != math.Float32bits(p[c]) {
				differ++
			}
			worst = max(worst, math.Abs(float64(got[2*i+c])-float64(p[c])))
		}
	}
	t.Logf("%d of %d coordinates differ from BatchLayout's bits; largest difference %.3g (extent %.3g)", differ, 2*len(want), worst, hi-lo)
	figure(t, map[string]any{"figure": "layout_parity_with_batchlayout", "device": g.Name(), "points": len(want),
		"coordinates_differing": differ, "max_abs_diff": worst, "extent": hi - lo})
	if worst > 1e-3*(hi-lo) {
		t.Errorf("largest difference from BatchLayout %.3g, more than 1e-3 of the extent %.3g", worst, hi-lo)
	}
}

// TestGPULayoutDebian projects the 10,000 Debian descriptions (builtin
// embedder) with CPULayout and with the GPU layout, twice: the GPU gives
// the same coordinates both times, and its trustworthiness (k = 15, every
// 5th point) is at least CPULayout's − 0.01.
func TestGPULayoutDebian(t *testing.T) {
	g := openGPU(t)
	ctx := context.Background()
	data := knntest.CorpusVectors(t, "debian_en_10k.csv", 0)
	project := func(o umap.Optimizer) [][2]float32 {
		xy, err := umap.Project(ctx, data, umap.Options{Seed: 42, Layout: o})
		if err != nil {
			t.Fatal(err)
		}
		return xy
	}
	tw := func(xy [][2]float32) float64 {
		return umaptest.TrustworthinessEvery(data, xy, 5, 15)
	}
	tl := &timedLayout{o: g.Layout()}
	gpu := project(tl)
	again := project(g.Layout())
	same := slices.Equal(gpu, again)
	if !same {
		t.Error("two GPU layouts with seed 42 differ")
	}
	cpu, gtw := tw(project(umap.CPULayout{})), tw(gpu)
	t.Logf("%d points: trustworthiness CPULayout %.4f, GPU %.4f", len(data), cpu, gtw)
	figure(t, map[string]any{"figure": "layout_quality_debian_en_10k", "device": g.Name(), "points": len(data),
		"trustworthiness_gpu": gtw, "trustworthiness_cpu": cpu, "same_twice": same,
		"seconds_layout": tl.d.Seconds()})
	if gtw < cpu-0.01 {
		t.Errorf("GPU layout's trustworthiness %.4f, more than 0.01 below CPULayout's %.4f", gtw, cpu)
	}
}

// timedLayout times the Optimize calls of o.
type timedLayout struct {
	o umap.Optimizer
	d time.Duration
}

func (l *timedLayout) Optimize(ctx context.Context, g *umap.Graph, pos []float32, p umap.LayoutParams) error {
	start := time.Now()
	defer func() { l.d += time.Since(start) }()
	return l.o.Optimize(ctx, g, pos, p)
}

// BenchmarkGPULayout is umap's BenchmarkLayout on the GPU: 200 epochs of
// clustered 64-dimensional data, from the graph and start that Project
// makes.
func BenchmarkGPULayout(b *testing.B) {
	g := openGPU(b)
	for _, n := range []int{10_000, 100_000} {
		data, _ := umaptest.Blobs(20, n/20, 64, 1)
		rec := &recorder{noRun: true}
		if _, err := umap.Project(context.Background(), data, umap.Options{Seed: 1, Epochs: 200, Layout: rec}); err != nil {
			b.Fatal(err)
		}
		pos := make([]float32, len(rec.start))
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				copy(pos, rec.start)
				if err := g.Layout().Optimize(context.Background(), rec.g, pos, rec.p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
