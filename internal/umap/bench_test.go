package umap

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/knn"
)

// benchSizes is the ladder of point counts of the UMAP benchmarks.
var benchSizes = []int{1000, 4000, 16000}

// benchLadder runs f on clustered 64-dimensional data of each ladder size.
func benchLadder(b *testing.B, f func(b *testing.B, data [][]float32)) {
	for _, n := range benchSizes {
		data, _ := blobs(n, 64, 20, 12, 1, 1)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) { f(b, data) })
	}
}

// BenchmarkProject is the whole projection: neighbours, graph, layout.
func BenchmarkProject(b *testing.B) {
	benchLadder(b, func(b *testing.B, data [][]float32) {
		for b.Loop() {
			if _, err := Project(context.Background(), data, Options{Seed: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLayout is the SGD layout alone (200 epochs), from a random start.
func BenchmarkLayout(b *testing.B) { benchOptimizer(b, CPULayout{}) }

// BenchmarkBatchLayout is BenchmarkLayout for BatchLayout, the GPU's
// algorithm run on the CPU.
func BenchmarkBatchLayout(b *testing.B) { benchOptimizer(b, BatchLayout{}) }

func benchOptimizer(b *testing.B, o Optimizer) {
	benchLadder(b, func(b *testing.B, data [][]float32) {
		nn, err := knn.Search(context.Background(), data, 14, knn.Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		const epochs = 200
		g := fuzzyGraph(nn, 2).prune(epochs)
		a, bb := FitAB(0.1, 1)
		rng := rand.New(rand.NewPCG(1, 2))
		start := make([]float32, 2*len(data))
		for i := range start {
			start[i] = rng.Float32() * 10
		}
		pos := make([]float32, len(start))
		for b.Loop() {
			copy(pos, start)
			err := o.Optimize(context.Background(), &Graph{N: g.n, RowPtr: g.rowPtr, Col: g.col, W: g.w}, pos, LayoutParams{
				A: a, B: bb, Gamma: 1, NegativeRate: 5, Epochs: epochs, InitialAlpha: 1,
				Seed: 1, Workers: runtime.GOMAXPROCS(0),
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
