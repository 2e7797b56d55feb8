package lsa

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/csvdocs"
	"github.com/bunkatopics/bunka-go/internal/testenv"
)

func cosine64(a, b []float64) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += a[i] * b[i]
		aa += a[i] * a[i]
		bb += b[i] * b[i]
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}

func TestEachGram(t *testing.T) {
	var got []string
	eachGram("été", func(g string) { got = append(got, g) })
	want := []string{"<ét", "été", "té>", "<été", "été>", "<été>"}
	if len(got) != len(want) {
		t.Fatalf("grams %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("grams %q, want %q", got, want)
		}
	}
}

// looEstimate is the mean cosine between the rows of every 7th vocabulary
// word and their subword estimates without them (leave one out), and the
// same for each estimate against another word's row (the baseline).
func looEstimate(s *Space) (mean, baseline float64, n int) {
	k := s.k
	rowOf := func(c int32) []float64 {
		sc, q := s.row(c)
		r := make([]float64, k)
		for j, x := range q {
			r[j] = float64(sc) * float64(x)
		}
		return r
	}
	var prev []float64
	for i := 0; i < len(s.vocab); i += 7 {
		if !isWord(s.vocab[i]) {
			continue
		}
		est, ok := s.subwordRow(s.vocab[i], int32(i))
		if !ok {
			continue
		}
		truth := rowOf(int32(i))
		mean += cosine64(est, truth)
		if prev != nil {
			baseline += cosine64(est, prev)
		}
		prev = truth
		n++
	}
	return mean / float64(n), baseline / float64(n-1), n
}

// TestSubwordEstimate checks that subword vectors land near where the
// corpus puts words: estimated without the word itself, a vocabulary
// word's vector points its row's way far more than another word's.
func TestSubwordEstimate(t *testing.T) {
	f, err := os.Open(testenv.DataFile(t, "debian_en_2k.csv"))
	if err != nil {
		t.Fatal(err)
	}
	texts, err := csvdocs.Read(f, "text", 0)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	fit, err := New(Options{Language: "english", Seed: 42}).fit(context.Background(), texts, nil)
	if err != nil {
		t.Fatal(err)
	}
	mean, baseline, n := looEstimate(fit.space)
	t.Logf("debian_en_2k: %d words, mean cosine of the leave-one-out subword estimate with the word's row %.3f, with another word's row %.3f", n, mean, baseline)
	if mean < 0.15 || mean < 3*baseline {
		t.Errorf("mean cosine %.3f (baseline %.3f): subword estimates do not follow the corpus", mean, baseline)
	}
}
