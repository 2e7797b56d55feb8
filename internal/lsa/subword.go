package lsa

import (
	"math"
	"sync"
	"unicode/utf8"
)

// Character n-grams of a word, as in fastText (P. Bojanowski et al.,
// "Enriching word vectors with subword information", TACL 5, 2017): the
// word between "<" and ">", cut into every run of minGram to maxGram
// characters.
const (
	minGram = 3
	maxGram = 5
)

// subwords places words that the corpus does not have, from the words it
// has: each character n-gram's vector is the mean of the rows of the
// space's words (vocabulary words and folded words, not pairs) that hold
// it, and an unknown word's vector is the mean of its n-grams' vectors,
// each weighted by ln(1 + words / words holding it), so that long and rare
// n-grams ("futur", "posit") count more than common ones ("ing>"). Nothing
// is stored: the n-gram index is built from the space on the first query
// that needs it.
type subwords struct {
	once  sync.Once
	grams map[string][]int32 // n-gram → query terms that hold it, in index order
	words int                // words indexed
}

// eachGram calls fn with each character n-gram of word.
func eachGram(word string, fn func(gram string)) {
	w := "<" + word + ">"
	// Byte offsets of the runes, and of the end.
	offs := make([]int, 0, len(w)+1)
	for i := range w {
		offs = append(offs, i)
	}
	offs = append(offs, len(w))
	runes := len(offs) - 1
	for n := minGram; n <= maxGram; n++ {
		for i := 0; i+n <= runes; i++ {
			fn(w[offs[i]:offs[i+n]])
		}
	}
}

// index builds the n-gram index of s's words.
func (s *Space) subwordIndex() *subwords {
	sw := &s.sub
	sw.once.Do(func() {
		sw.grams = make(map[string][]int32)
		add := func(c int32, t string) {
			if !isWord(t) || utf8.RuneCountInString(t) < 2 {
				return
			}
			sw.words++
			eachGram(t, func(g string) {
				// A gram twice in one word is listed once: its
				// list then ends with this word already.
				if l := sw.grams[g]; len(l) == 0 || l[len(l)-1] != c {
					sw.grams[g] = append(l, c)
				}
			})
		}
		for i, t := range s.vocab {
			add(int32(i), t)
		}
		for i, t := range s.folded {
			add(int32(len(s.vocab)+i), t)
		}
	})
	return sw
}

// subwordRow returns the subword vector of a word that the space does not
// know (see subwords), or false when none of its n-grams is in a known
// word. skip (-1 for none) leaves one term out of the n-grams' means, to
// test the estimate on a known word.
func (s *Space) subwordRow(word string, skip int32) ([]float64, bool) {
	sw := s.subwordIndex()
	k := s.k
	row := make([]float64, k)
	mean := make([]float64, k)
	total := 0.0
	seen := map[string]bool{}
	eachGram(word, func(g string) {
		if seen[g] {
			return
		}
		seen[g] = true
		terms := sw.grams[g]
		clear(mean)
		n := 0
		for _, c := range terms {
			if c == skip {
				continue
			}
			sc, q := s.row(c)
			for j, x := range q {
				mean[j] += float64(sc) * float64(x)
			}
			n++
		}
		if n == 0 {
			return
		}
		wt := math.Log(1 + float64(sw.words)/float64(n))
		for j := range row {
			row[j] += wt * mean[j] / float64(n)
		}
		total += wt
	})
	if total == 0 {
		return nil, false
	}
	for j := range row {
		row[j] /= total
	}
	return row, true
}
