package terms

import (
	"context"
	"runtime"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/testenv"
)

// repeatTo returns n texts, cycling through texts.
func repeatTo(texts []string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = texts[i%len(texts)]
	}
	return out
}

func benchmarkExtract(b *testing.B, texts []string, workers int) {
	if _, err := loadEnglishTagger(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Extract(context.Background(), texts, Options{Workers: workers}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExtractTweets1k(b *testing.B) {
	texts := repeatTo(testenv.DataColumns(b, "tweets_463.csv", "text")[0], 1000)
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run("workers="+itoa(w), func(b *testing.B) { benchmarkExtract(b, texts, w) })
	}
}

func BenchmarkExtractDebian1k(b *testing.B) {
	texts := testenv.DataColumns(b, "debian_en_2k.csv", "text")[0][:1000]
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run("workers="+itoa(w), func(b *testing.B) { benchmarkExtract(b, texts, w) })
	}
}

// BenchmarkExtractDebian10k measures the sampling path: 1,000 of 10,000 documents.
func BenchmarkExtractDebian10k(b *testing.B) {
	texts := testenv.DataColumns(b, "debian_en_10k.csv", "text")[0]
	benchmarkExtract(b, texts, runtime.GOMAXPROCS(0))
}

// BenchmarkLoadEnglishTagger measures the one-time model load and reports
// the heap that the compact model keeps.
func BenchmarkLoadEnglishTagger(b *testing.B) {
	var before, after runtime.MemStats
	var kept *englishTagger
	b.ReportAllocs()
	for b.Loop() {
		kept = nil
		runtime.GC()
		runtime.ReadMemStats(&before)
		t, err := compactTaggerFromLibrary()
		if err != nil {
			b.Fatal(err)
		}
		kept = t
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB-kept")
	runtime.KeepAlive(kept)
}

func itoa(i int) string {
	return string(rune('0'+i/10%10)) + string(rune('0'+i%10))
}
