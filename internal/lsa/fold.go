package lsa

import (
	"slices"
	"strings"
)

// folding lists the corpus words left out of the vocabulary that a Space
// folds in for queries (see buildVocabulary), in byte order, each with its
// document frequency and its postings: the documents that have it and at
// least one vocabulary term, with its count in each.
type folding struct {
	words []string
	df    []int32
	ptr   []int32 // postings of words[i]: doc[ptr[i]:ptr[i+1]], tf likewise
	doc   []int32 // increasing within a word
	tf    []int32
}

// foldPostings collects the postings of the words of rare (word → document
// frequency) in docTerms. inv[d] is document d's TF-IDF scale: a document
// with no vocabulary term (inv 0) has a zero vector and adds nothing, and a
// word found only in such documents is left out.
func foldPostings(docTerms [][]string, rare map[string]int32, inv []float64) *folding {
	f := &folding{words: []string{}, df: []int32{}, ptr: []int32{0}, doc: []int32{}, tf: []int32{}}
	if len(rare) == 0 {
		return f
	}
	words := make([]string, 0, len(rare))
	for w := range rare {
		words = append(words, w)
	}
	slices.Sort(words)
	id := make(map[string]int32, len(words))
	for i, w := range words {
		id[w] = int32(i)
	}
	type posting struct{ doc, tf int32 }
	lists := make([][]posting, len(words))
	var here []int32
	for d, terms := range docTerms {
		if inv[d] == 0 {
			continue
		}
		here = here[:0]
		for _, t := range terms {
			if i, ok := id[t]; ok {
				here = append(here, i)
			}
		}
		slices.Sort(here)
		for i := 0; i < len(here); {
			j := i
			for j < len(here) && here[j] == here[i] {
				j++
			}
			lists[here[i]] = append(lists[here[i]], posting{int32(d), int32(j - i)})
			i = j
		}
	}
	for i, w := range words {
		if len(lists[i]) == 0 {
			continue
		}
		f.words = append(f.words, w)
		f.df = append(f.df, rare[w])
		for _, p := range lists[i] {
			f.doc = append(f.doc, p.doc)
			f.tf = append(f.tf, p.tf)
		}
		f.ptr = append(f.ptr, int32(len(f.doc)))
	}
	return f
}

// foldIn sets dst (length k) to cᵀw, the LSI fold-in of a term whose
// TF-IDF column c has the values vals in the documents docs: w is
// U_kΣ_k⁻¹ (documents × k) from truncatedSVD, so that folding in the
// column of a vocabulary term gives back its row of V_k (aᵀw = V_k, since
// V_k = AᵀU_kΣ_k⁻¹). A word left out of the vocabulary thus gets the row it
// would have had in V_k, on the same scale, had its column been in A when
// the SVD was taken.
func foldIn(dst []float64, w []float64, k int, docs []int32, vals []float64) {
	clear(dst)
	for p, d := range docs {
		axpy(dst, vals[p], w[int(d)*k:int(d)*k+k])
	}
}

// isWord reports whether a term is a word rather than a pair of words.
func isWord(t string) bool { return !strings.Contains(t, " ") }
