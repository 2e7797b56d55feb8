package lsa

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/embed"
)

var corpus = []string{
	// war
	"The war began when the army crossed the border; soldiers fought for weeks.",
	"Soldiers of the army died in the war, and the border towns burned.",
	"A long war: the army lost many soldiers and the generals signed a truce.",
	"Generals planned the attack; the war and its soldiers filled the news.",
	// cooking
	"Bake the bread in a hot oven after the dough has risen with yeast.",
	"Knead the dough, add yeast and flour, then bake the bread for an hour.",
	"Fresh bread needs flour, water, yeast and a very hot oven.",
	"The oven must be hot before you bake; the dough rests under a cloth.",
	// software
	"The compiler parses source code and reports syntax errors to the programmer.",
	"A programmer writes source code; the compiler turns it into machine code.",
	"Syntax errors stop the compiler before any machine code is written.",
	"Debugging source code is how a programmer finds errors the compiler missed.",
}

func cosine(a, b []float32) float64 {
	var s, na, nb float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return s / math.Sqrt(na*nb)
}

func TestEmbedDocuments(t *testing.T) {
	ctx := context.Background()
	e := New(Options{})
	if e.Name() != "builtin" {
		t.Errorf("Name = %q", e.Name())
	}
	vecs, sp, err := e.EmbedDocuments(ctx, corpus)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != len(corpus) {
		t.Fatalf("%d vectors for %d texts", len(vecs), len(corpus))
	}
	for i, v := range vecs {
		if len(v) != sp.Dim() {
			t.Fatalf("vector %d has %d dims, space %d", i, len(v), sp.Dim())
		}
		var s float64
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		if math.Abs(s-1) > 1e-5 {
			t.Errorf("vector %d has squared norm %v", i, s)
		}
	}
	// Every document is closer to the others of its subject than to any
	// document of another subject.
	for i := range vecs {
		worstSame, bestOther := 2.0, -2.0
		for j := range vecs {
			if i == j {
				continue
			}
			c := cosine(vecs[i], vecs[j])
			if i/4 == j/4 {
				worstSame = min(worstSame, c)
			} else {
				bestOther = max(bestOther, c)
			}
		}
		if worstSame <= bestOther {
			t.Errorf("document %d: least similar of its subject %.3f <= most similar of another %.3f", i, worstSame, bestOther)
		}
	}
	q, err := sp.EmbedQueries(ctx, []string{"war", "bread", "the compiler"})
	if err != nil {
		t.Fatal(err)
	}
	for qi, want := range []int{0, 1, 2} {
		best, bi := -2.0, -1
		for i, v := range vecs {
			if c := cosine(q[qi], v); c > best {
				best, bi = c, i
			}
		}
		if bi/4 != want {
			t.Errorf("query %d nearest document %d, want one of subject %d", qi, bi, want)
		}
	}
	// A query is projected as a document is: a document's own text as a
	// query lands on it (up to V_k's 8-bit rounding in the Space), when
	// the Space knows the vocabulary only (format version 1). With the
	// folded-in words, which the documents' vectors leave out, it is
	// still nearest to a document of its subject.
	vocabOnly, err := loadSpace(sp.(*Space).marshal(1))
	if err != nil {
		t.Fatal(err)
	}
	same, err := vocabOnly.EmbedQueries(ctx, corpus)
	if err != nil {
		t.Fatal(err)
	}
	for i := range same {
		if c := cosine(same[i], vecs[i]); c < 0.9999 {
			t.Errorf("document %d as a query: cosine %v with its vector", i, c)
		}
	}
	same, err = sp.EmbedQueries(ctx, corpus)
	if err != nil {
		t.Fatal(err)
	}
	for i := range same {
		best, bi := -2.0, -1
		for j, v := range vecs {
			if c := cosine(same[i], v); c > best {
				best, bi = c, j
			}
		}
		if bi/4 != i/4 {
			t.Errorf("document %d as a query with folded words: nearest document %d", i, bi)
		}
	}
	if _, err := sp.EmbedQueries(ctx, []string{"war", "zebra"}); !errors.Is(err, embed.ErrUnknownText) || !strings.Contains(err.Error(), "zebra") {
		t.Errorf("unknown query: err = %v", err)
	}
	if _, err := sp.EmbedQueries(ctx, []string{"the"}); !errors.Is(err, embed.ErrUnknownText) {
		t.Errorf("stopword query: err = %v", err)
	}
}

func TestDeterministic(t *testing.T) {
	ctx := context.Background()
	a, spa, err := New(Options{Workers: 1}).EmbedDocuments(ctx, peaceCorpus)
	if err != nil {
		t.Fatal(err)
	}
	b, spb, err := New(Options{Workers: 3}).EmbedDocuments(ctx, peaceCorpus)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("1 and 3 workers give different vectors")
	}
	da, _ := spa.MarshalBinary()
	db, _ := spb.MarshalBinary()
	if spa.(*Space).Folded() == 0 || !reflect.DeepEqual(da, db) {
		t.Error("1 and 3 workers give different spaces")
	}
}

func TestSpaceRoundTrip(t *testing.T) {
	ctx := context.Background()
	e := New(Options{Dims: 5})
	_, sp, err := e.EmbedDocuments(ctx, corpus)
	if err != nil {
		t.Fatal(err)
	}
	if sp.Dim() != 5 {
		t.Errorf("Dim = %d, want 5", sp.Dim())
	}
	data, err := sp.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	sp2, err := e.LoadSpace(data)
	if err != nil {
		t.Fatal(err)
	}
	queries := []string{"war", "peace soldiers", "hot oven", "source code"}
	q1, err1 := sp.EmbedQueries(ctx, queries[2:])
	q2, err2 := sp2.EmbedQueries(ctx, queries[2:])
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if !reflect.DeepEqual(q1, q2) || sp2.Dim() != sp.Dim() {
		t.Error("loaded space embeds differently")
	}
	if !reflect.DeepEqual(sp, sp2.(*Space)) {
		t.Error("loaded space differs")
	}
	for _, bad := range [][]byte{nil, []byte("BLSA"), data[:len(data)-1], append([]byte("XLSA"), data[4:]...)} {
		if _, err := e.LoadSpace(bad); err == nil {
			t.Errorf("LoadSpace(%d bytes) succeeded", len(bad))
		}
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		desc  string
		texts []string
	}{
		{"no documents", nil},
		{"empty texts", []string{"", "  "}},
		{"only stopwords", []string{"the and of", "it is what it is", "a b c 123"}},
		{"nothing shared", []string{"alpha beta", "gamma delta", "epsilon zeta"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if _, _, err := New(Options{}).EmbedDocuments(ctx, tc.texts); !errors.Is(err, ErrNoTerms) {
				t.Errorf("err = %v, want ErrNoTerms", err)
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := New(Options{}).EmbedDocuments(cctx, corpus); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

func TestSmallCorpora(t *testing.T) {
	ctx := context.Background()
	// One document: every term is kept, one dimension.
	v, sp, err := New(Options{}).EmbedDocuments(ctx, []string{"war and peace, war again"})
	if err != nil {
		t.Fatal(err)
	}
	if sp.Dim() != 1 || len(v) != 1 || math.Abs(float64(v[0][0])-1) > 1e-6 {
		t.Errorf("one document: dim %d, vectors %v", sp.Dim(), v)
	}
	// A document with no known term gets a zero vector.
	v, _, err = New(Options{}).EmbedDocuments(ctx, []string{"red apple", "green apple", "red car", "the"})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range v[3] {
		if x != 0 {
			t.Fatalf("stopword-only document: %v, want zeros", v[3])
		}
	}
}

func TestTokenizer(t *testing.T) {
	tk := &tokenizer{stop: stopwords("english"), bigrams: true}
	got := tk.terms(nil, "The Café's 2024 menu: new-york coffee, and 3 X-rays! Ünïcode")
	// A hyphen joins a pair, a dropped token ("s", "2024") or punctuation breaks it.
	want := []string{"café", "menu", "new", "york", "new york", "coffee", "york coffee", "rays", "ünïcode"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("terms = %q\nwant %q", got, want)
	}
	if got := New(Options{}).WithLanguage("french").opt.Language; got != "french" {
		t.Errorf("WithLanguage: %q", got)
	}
	fr := &tokenizer{stop: stopwords("french"), bigrams: false}
	if got := fr.terms(nil, "L'armée et la paix d'hiver"); !reflect.DeepEqual(got, []string{"armée", "paix", "hiver"}) {
		t.Errorf("french terms = %q", got)
	}
}

func TestBuildVocabulary(t *testing.T) {
	docs := [][]string{
		{"common", "apple", "pear", "pear"},
		{"common", "apple", "fig"},
		{"common", "pear", "kiwi"},
		{"common", "fig", "kiwi", "once"},
	}
	for _, tc := range []struct {
		desc string
		opt  Options
		want []string
		rare map[string]int32 // words folded in: below MinDF or beyond MaxFeatures
	}{
		// "common" is in 4 of 4 documents > 0.9·4; "once" in 1 < 2.
		{"defaults", Options{}, []string{"apple", "fig", "kiwi", "pear"}, map[string]int32{"once": 1}},
		{"max_df 1", Options{MaxDF: 1}, []string{"apple", "common", "fig", "kiwi", "pear"}, map[string]int32{"once": 1}},
		{"min_df 1", Options{MinDF: 1}, []string{"apple", "fig", "kiwi", "once", "pear"}, map[string]int32{}},
		// All four have df 2: ties go to the smaller terms.
		{"max_features 2", Options{MaxFeatures: 2}, []string{"apple", "fig"}, map[string]int32{"kiwi": 2, "once": 1, "pear": 2}},
		{"max_features 1 with max_df 1", Options{MaxFeatures: 1, MaxDF: 1}, []string{"common"},
			map[string]int32{"apple": 2, "fig": 2, "kiwi": 2, "once": 1, "pear": 2}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			got, idf, rare, err := buildVocabulary(docs, tc.opt.withDefaults())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("vocabulary %q, want %q", got, tc.want)
			}
			if !reflect.DeepEqual(rare, tc.rare) {
				t.Errorf("left-out words %v, want %v", rare, tc.rare)
			}
			for i, term := range got {
				df := 0
				for _, d := range docs {
					for _, x := range d {
						if x == term {
							df++
							break
						}
					}
				}
				want := math.Log(5/float64(1+df)) + 1
				if math.Abs(float64(idf[i])-want) > 1e-6 {
					t.Errorf("idf(%s) = %v, want %v", term, idf[i], want)
				}
			}
		})
	}
}

func TestTFIDFRow(t *testing.T) {
	index := map[string]int32{"a": 0, "b": 1, "c": 2}
	idf := []float32{1, 2, 1}
	cols, vals, _ := tfidfRow(nil, nil, []string{"b", "a", "zz", "a", "a"}, index, idf)
	// a: (1 + ln 3)·1, b: 1·2, then scaled to unit length.
	wa, wb := 1+math.Log(3), 2.0
	norm := math.Hypot(wa, wb)
	if !reflect.DeepEqual(cols, []int32{0, 1}) || math.Abs(float64(vals[0])-wa/norm) > 1e-6 || math.Abs(float64(vals[1])-wb/norm) > 1e-6 {
		t.Errorf("row %v %v, want [0 1] [%v %v]", cols, vals, wa/norm, wb/norm)
	}
}
