package lsa

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"syscall"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/cluster"
	"github.com/bunkatopics/bunka-go/internal/testenv"
)

// BenchmarkEmbedDocuments embeds the Debian package descriptions at a
// ladder of sizes. It reports the vocabulary, the size of the encoded
// Space, the heap allocated per embedding, and the NMI against the Debian
// sections of k-means (10 clusters, mean over seeds 1 to 5) on the vectors, as
// ../shared/anchors/quality.py scores its "NMI high-dim".
func BenchmarkEmbedDocuments(b *testing.B) {
	cols := testenv.DataColumns(b, "debian_en_10k.csv", "text", "label")
	texts, labels := cols[0], cols[1]
	for _, n := range []int{1_000, 2_000, 5_000, 10_000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			benchmarkEmbed(b, texts[:n], labels[:n], Options{})
		})
	}
	// The anchor's settings: words only, no max_df cut.
	b.Run("docs=10000/words-only", func(b *testing.B) {
		benchmarkEmbed(b, texts, labels, Options{NoBigrams: true, MaxDF: 1})
	})
}

func benchmarkEmbed(b *testing.B, texts, labels []string, opt Options) {
	ctx := context.Background()
	e := New(opt)
	var vecs [][]float32
	var sp *Space
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0 := cpuSeconds()
	for b.Loop() {
		v, s, err := e.EmbedDocuments(ctx, texts)
		if err != nil {
			b.Fatal(err)
		}
		vecs, sp = v, s.(*Space)
	}
	cpu := cpuSeconds() - cpu0
	runtime.ReadMemStats(&ms1)
	b.StopTimer()
	b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
	data, _ := sp.MarshalBinary()
	b.ReportMetric(float64(sp.Terms()), "terms")
	b.ReportMetric(float64(len(data))/1e6, "space-MB")
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N)/1e6, "alloc-MB/op")
	pts := make([][]float64, len(vecs))
	for i, v := range vecs {
		pts[i] = make([]float64, len(v))
		for j, x := range v {
			pts[i][j] = float64(x)
		}
	}
	// k-means partitions vary with the seed: report the mean over five.
	var sum float64
	for seed := int64(1); seed <= 5; seed++ {
		r, err := cluster.KMeans(ctx, pts, 10, cluster.Options{Seed: seed})
		if err != nil {
			b.Fatal(err)
		}
		sum += nmi(labels, r.Labels)
	}
	b.ReportMetric(sum/5, "NMI")
}

// cpuSeconds returns the user and system CPU time of the process so far:
// with other work on the machine, CPU time per op is steadier than
// wall-clock time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// nmi returns the normalised mutual information of two labelings, with
// the arithmetic mean of the entropies (scikit-learn's default).
func nmi(a []string, b []int) float64 {
	n := float64(len(a))
	ca, cb := map[string]float64{}, map[int]float64{}
	type pair struct {
		s string
		i int
	}
	joint := map[pair]float64{}
	for i := range a {
		ca[a[i]]++
		cb[b[i]]++
		joint[pair{a[i], b[i]}]++
	}
	entropy := func(counts []float64) float64 {
		var h float64
		for _, c := range counts {
			h -= c / n * math.Log(c/n)
		}
		return h
	}
	var va, vb []float64
	for _, c := range ca {
		va = append(va, c)
	}
	for _, c := range cb {
		vb = append(vb, c)
	}
	var mi float64
	for p, c := range joint {
		mi += c / n * math.Log(c*n/(ca[p.s]*cb[p.i]))
	}
	ha, hb := entropy(va), entropy(vb)
	if ha+hb == 0 {
		return 1
	}
	return mi / ((ha + hb) / 2)
}

func TestNMI(t *testing.T) {
	if got := nmi([]string{"a", "a", "b", "b"}, []int{1, 1, 0, 0}); math.Abs(got-1) > 1e-12 {
		t.Errorf("nmi of equal partitions = %v", got)
	}
	if got := nmi([]string{"a", "b", "a", "b"}, []int{1, 1, 0, 0}); math.Abs(got) > 1e-12 {
		t.Errorf("nmi of independent partitions = %v", got)
	}
}
