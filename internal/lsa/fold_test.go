package lsa

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"reflect"
	"runtime"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/embed"
)

// peaceCorpus is corpus with one more war document, the only one with
// "peace" (and "treaty"): both are below MinDF and so left out of the
// vocabulary.
var peaceCorpus = append(corpus[:len(corpus):len(corpus)],
	"After the war the generals signed a peace treaty and the soldiers went home.")

// foldTerm folds vocabulary term's TF-IDF column (row term of at, the
// transpose of f.a) into dst, as the Space folds in a query word.
func foldTerm(dst []float64, f *fitted, at *csr, term int) {
	var docs []int32
	var vals []float64
	for p := at.ptr[term]; p < at.ptr[term+1]; p++ {
		docs = append(docs, at.ind[p])
		vals = append(vals, float64(at.val[p]))
	}
	foldIn(dst, f.w, f.k, docs, vals)
}

// TestFoldInVocabularyTerm pins the scaling of the fold-in: folding in the
// TF-IDF column of a vocabulary term, aᵀU_kΣ_k⁻¹, gives back its row of
// V_k, and w is U_kΣ_k⁻¹ with U_k orthonormal.
func TestFoldInVocabularyTerm(t *testing.T) {
	for _, opt := range []Options{{}, {Dims: 5}} {
		f, err := New(opt).fit(context.Background(), peaceCorpus, nil)
		if err != nil {
			t.Fatal(err)
		}
		k, at := f.k, f.a.transpose()
		got := make([]float64, k)
		for term := 0; term < at.rows; term++ {
			foldTerm(got, f, at, term)
			want := f.v[term*k : term*k+k]
			for j := range want {
				if math.Abs(got[j]-want[j]) > 1e-12 {
					t.Fatalf("dims %d, term %q: fold-in %v\nwant V_k row %v", k, f.space.vocab[term], got, want)
				}
			}
		}
		// wᵀw = Σ_k⁻², i.e. (wΣ_k)ᵀ(wΣ_k) = I: w's columns are the left
		// singular vectors divided by the singular values, which are the
		// norms of AV_k's columns (a zero singular value has a zero column).
		sigma := make([]float64, k)
		zero := make([]bool, k)
		docs := make([]float64, f.a.rows*k)
		f.a.mulDense(docs, f.v, k, 1)
		for c := range sigma {
			for i := 0; i < f.a.rows; i++ {
				sigma[c] += docs[i*k+c] * docs[i*k+c]
			}
			sigma[c] = math.Sqrt(sigma[c])
			zero[c] = true
			for i := 0; i < f.a.rows; i++ {
				zero[c] = zero[c] && f.w[i*k+c] == 0
			}
		}
		for c1 := 0; c1 < k; c1++ {
			for c2 := 0; c2 < k; c2++ {
				var s float64
				for i := 0; i < f.a.rows; i++ {
					s += f.w[i*k+c1] * sigma[c1] * f.w[i*k+c2] * sigma[c2]
				}
				want := 0.0
				if c1 == c2 && !zero[c1] {
					want = 1
				}
				if math.Abs(s-want) > 1e-3 {
					t.Errorf("dims %d: (wΣ)ᵀ(wΣ)[%d,%d] = %v, want %v", k, c1, c2, s, want)
				}
			}
		}
	}
}

func TestFoldInRareWord(t *testing.T) {
	ctx := context.Background()
	f, err := New(Options{}).fit(ctx, peaceCorpus, nil)
	if err != nil {
		t.Fatal(err)
	}
	sp := f.space
	if _, ok := sp.index["peace"]; !ok || sp.Folded() == 0 {
		t.Fatalf("peace not folded in (%d folded words)", sp.Folded())
	}
	for _, term := range sp.vocab {
		if term == "peace" || term == "treaty" {
			t.Fatalf("%q in the vocabulary", term)
		}
	}
	q, err := sp.EmbedQueries(ctx, []string{"peace", "treaty", "peace treaty", "peace zebra"})
	if err != nil {
		t.Fatal(err)
	}
	// The word lands nearest the one document that has it.
	peaceDoc := len(peaceCorpus) - 1
	for qi := range q {
		best, bi := -2.0, -1
		for i, v := range f.docs {
			if c := cosine(q[qi], v); c > best {
				best, bi = c, i
			}
		}
		if bi != peaceDoc {
			t.Errorf("query %d: nearest document %d (cosine %.3f), want %d", qi, bi, best, peaceDoc)
		}
	}
	// Its vector is the fold-in of its TF-IDF column, up to the 8-bit
	// rounding: weight (1 + ln tf)·idf in the document, with the
	// document's own scale.
	k := f.k
	want := make([]float64, k)
	idf := math.Log(float64(1+len(peaceCorpus))/2) + 1
	foldIn(want, f.w, k, []int32{int32(peaceDoc)}, []float64{idf * f.inv[peaceDoc]})
	w32 := make([]float32, k)
	for j, x := range want {
		w32[j] = float32(x)
	}
	if c := cosine(q[0], w32); c < 0.9999 {
		t.Errorf("peace: cosine %v with its exact fold-in", c)
	}
	// Words absent from the corpus are still unknown.
	for _, bad := range []string{"zebra", "zebra giraffe", "the"} {
		if _, err := sp.EmbedQueries(ctx, []string{"peace", bad}); !errors.Is(err, embed.ErrUnknownText) {
			t.Errorf("EmbedQueries(%q): err = %v, want ErrUnknownText", bad, err)
		}
	}
	// Pairs are not folded in: a rare pair is known by its words only.
	if _, ok := sp.index["peace treaty"]; ok {
		t.Error(`"peace treaty" folded in`)
	}
}

// TestFoldInKeepsDocuments checks that folding words in leaves the
// documents' vectors as they were: bit for bit against the vectors of
// the format-1 code (amd64 only: other architectures may fuse
// multiply-adds), and, everywhere, the same as with the folded words
// stripped.
func TestFoldInKeepsDocuments(t *testing.T) {
	ctx := context.Background()
	vecs, sp, err := New(Options{}).EmbedDocuments(ctx, corpus)
	if err != nil {
		t.Fatal(err)
	}
	if sp.(*Space).Folded() == 0 {
		t.Fatal("nothing folded in")
	}
	if runtime.GOARCH == "amd64" {
		var b []byte
		for _, r := range vecs {
			for _, x := range r {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
			}
		}
		const before = "fb48488320964c50dafb4a986bf5fd17d4ecb2353d85d6eb68a5aa65fca4747f"
		if got := sha256.Sum256(b); hexString(got[:]) != before {
			t.Errorf("document vectors changed: sha256 %x, want %s", got, before)
		}
		// The vocabulary part of the Space is what the version 1 code
		// saved, byte for byte.
		old, err := os.ReadFile("testdata/corpus_v1.space")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sp.(*Space).marshal(1), old) {
			t.Error("vocabulary, idf or V_k differ from the version 1 code's")
		}
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, x := range b {
		out = append(out, digits[x>>4], digits[x&15])
	}
	return string(out)
}

func TestFoldInRoundTrip(t *testing.T) {
	ctx := context.Background()
	e := New(Options{Dims: 5})
	_, sp, err := e.EmbedDocuments(ctx, peaceCorpus)
	if err != nil {
		t.Fatal(err)
	}
	data, err := sp.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	sp2, err := e.LoadSpace(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sp, sp2) {
		t.Error("loaded space differs")
	}
	queries := []string{"peace", "treaty war", "hot oven"}
	q1, err1 := sp.EmbedQueries(ctx, queries)
	q2, err2 := sp2.EmbedQueries(ctx, queries)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(q1, q2) {
		t.Errorf("loaded space embeds differently (%v, %v)", err1, err2)
	}
	if again, _ := sp2.MarshalBinary(); !bytes.Equal(again, data) {
		t.Error("re-encoded space differs")
	}
	// Every cut of the data is rejected, as is a corrupted posting.
	for n := 0; n < len(data); n++ {
		if _, err := e.LoadSpace(data[:n]); err == nil {
			t.Fatalf("LoadSpace of the first %d of %d bytes succeeded", n, len(data))
		}
	}
	// A space in format version 1 still loads, without the folded words.
	v1, err := e.LoadSpace(sp.(*Space).marshal(1))
	if err != nil {
		t.Fatal(err)
	}
	if v1.(*Space).Folded() != 0 || v1.(*Space).Terms() != sp.(*Space).Terms() {
		t.Errorf("version 1: %d folded, %d terms", v1.(*Space).Folded(), v1.(*Space).Terms())
	}
	qa, err1 := sp.EmbedQueries(ctx, []string{"war", "hot oven"})
	qb, err2 := v1.EmbedQueries(ctx, []string{"war", "hot oven"})
	if err1 != nil || err2 != nil || !reflect.DeepEqual(qa, qb) {
		t.Errorf("version 1 embeds vocabulary queries differently (%v, %v)", err1, err2)
	}
	// Version 1 lacks the folded words: it places them by their
	// character n-grams (subwords), elsewhere than their folded rows;
	// a word that shares no n-gram with the corpus stays unknown.
	p1, err1 := v1.EmbedQueries(ctx, []string{"peace"})
	p2, err2 := sp.EmbedQueries(ctx, []string{"peace"})
	if err1 != nil || err2 != nil || reflect.DeepEqual(p1, p2) {
		t.Errorf("version 1, peace: %v, %v; want a subword vector other than the folded row", err1, err2)
	}
	if _, err := v1.EmbedQueries(ctx, []string{"жжжж"}); !errors.Is(err, embed.ErrUnknownText) {
		t.Errorf("version 1, a word of another script: err = %v", err)
	}
	old, err := os.ReadFile("testdata/corpus_v1.space")
	if err != nil {
		t.Fatal(err)
	}
	if sp, err := e.LoadSpace(old); err != nil || sp.(*Space).Folded() != 0 {
		t.Errorf("space saved by the version 1 code: %v", err)
	}
	bad := bytes.Clone(data)
	bad[4] = 3 // version
	if _, err := e.LoadSpace(bad); err == nil {
		t.Error("version 3 accepted")
	}
}

func TestFoldPostings(t *testing.T) {
	docTerms := [][]string{
		{"apple", "once", "once", "twice"},
		{"lonely"}, // no vocabulary term: inv 0
		{"pear", "twice"},
	}
	rare := map[string]int32{"once": 1, "twice": 2, "lonely": 1}
	got := foldPostings(docTerms, rare, []float64{0.5, 0, 0.25})
	want := &folding{
		words: []string{"once", "twice"},
		df:    []int32{1, 2},
		ptr:   []int32{0, 1, 3},
		doc:   []int32{0, 0, 2},
		tf:    []int32{2, 1, 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("foldPostings = %+v\nwant %+v", got, want)
	}
}
