package umap_test

import (
	"context"
	"slices"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/knn/knntest"
	"github.com/bunkatopics/bunka-go/internal/umap"
	"github.com/bunkatopics/bunka-go/internal/umap/umaptest"
)

func TestBatchLayoutConformance(t *testing.T) { umaptest.RunLayout(t, umap.BatchLayout{}) }

func TestBatchLayoutWorkers(t *testing.T) {
	data, _ := umaptest.Blobs(3, 100, 8, 5)
	ctx := context.Background()
	var first [][2]float32
	for _, w := range []int{1, 2, 3, 8} {
		xy, err := umap.Project(ctx, data, umap.Options{Seed: 9, Epochs: 100, Workers: w, Layout: umap.BatchLayout{}})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = xy
		} else if !slices.Equal(xy, first) {
			t.Errorf("%d workers: not the coordinates of 1 worker", w)
		}
	}
}

// TestBatchLayoutQuality projects Debian descriptions embedded by the
// builtin embedder with CPULayout and with BatchLayout (seed 42, the
// default 500 epochs) and wants the batch layout's trustworthiness (k = 15,
// on every 5th point) at least CPULayout's − 0.01. The 10,000 are skipped
// with -short and under the race detector (about 100 s there).
func TestBatchLayoutQuality(t *testing.T) {
	for _, tc := range []struct {
		file string
		n    int
	}{
		{"debian_en_2k.csv", 2000},
		{"debian_en_10k.csv", 10000},
	} {
		t.Run(tc.file, func(t *testing.T) {
			if tc.n > 2000 && (testing.Short() || raceEnabled) {
				t.Skip("10,000 points: skipped with -short and under -race")
			}
			data := knntest.CorpusVectors(t, tc.file, tc.n)
			tw := func(o umap.Optimizer) float64 {
				xy, err := umap.Project(context.Background(), data, umap.Options{Seed: 42, Layout: o})
				if err != nil {
					t.Fatal(err)
				}
				return umaptest.TrustworthinessEvery(data, xy, 5, 15)
			}
			cpu, batch := tw(umap.CPULayout{}), tw(umap.BatchLayout{})
			t.Logf("%d points: trustworthiness CPULayout %.4f, BatchLayout %.4f", len(data), cpu, batch)
			if batch < cpu-0.01 {
				t.Errorf("BatchLayout's trustworthiness %.4f, more than 0.01 below CPULayout's %.4f", batch, cpu)
			}
		})
	}
}
