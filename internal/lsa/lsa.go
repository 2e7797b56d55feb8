package lsa

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/parallel"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// ErrNoTerms is wrapped by the error EmbedDocuments returns when the
// documents leave no term in the vocabulary (no documents, only stopwords,
// or no term shared by MinDF documents): the caller's data cannot be
// embedded.
var ErrNoTerms = errors.New("no usable term in the documents")

// DefaultSVDSample is the most documents the truncated SVD is fitted on
// (Options.SVDSample): above it, a sample of that many (drawn with
// Options.Seed) gives V_k, and every document is projected on it (see
// sampleRows, sampledW). At 100,000 documents this cuts the SVD's work
// five-fold; at 1,000,000, its dense matrices shrink from gigabytes to tens
// of megabytes. The corpora up to 20,000 documents are fitted whole, as
// before.
const DefaultSVDSample = 20_000

// Defaults used for the zero values of Options.
const (
	DefaultDims        = 128
	DefaultMinDF       = 2
	DefaultMaxDF       = 0.9
	DefaultMaxFeatures = 50_000
	DefaultSeed        = 42
)

// Options tunes the embedder. The zero value of each field means its
// default.
type Options struct {
	// Dims is the number of dimensions of the vectors; 0 means 128. Fewer
	// come out when the vocabulary has at most Dims terms (vocabulary − 1,
	// at least 1) or there are fewer documents than Dims.
	Dims int
	// MinDF drops terms found in fewer documents; 0 means 2. With fewer
	// documents than MinDF, the number of documents is used.
	MinDF int
	// MaxDF drops terms found in more than this fraction of the documents
	// (but never those found in MinDF documents or fewer); 0, or a value
	// outside (0, 1], means 0.9; 1 keeps them all.
	MaxDF float64
	// MaxFeatures caps the vocabulary, keeping the terms found in the most
	// documents (ties to the smaller term in byte order); 0 means 50,000.
	MaxFeatures int
	// NoBigrams leaves out the pairs of adjacent words; by default they
	// are terms beside the words.
	NoBigrams bool
	// Seed seeds the SVD's random test matrix; 0 means 42.
	Seed int64
	// Language picks the stopwords: "english"/"en" (also ""), "french"/"fr",
	// or for any other value both lists.
	Language string
	// Workers bounds the goroutines used; 0 means runtime.GOMAXPROCS(0).
	// It does not change the result.
	Workers int
	// SVDSample is the most documents the SVD is fitted on; 0 means
	// DefaultSVDSample. Above it, a sample of that many documents (drawn
	// with Seed) gives V_k and every document is projected on it.
	SVDSample int
}

func (o Options) withDefaults() Options {
	if o.Dims <= 0 {
		o.Dims = DefaultDims
	}
	if o.MinDF <= 0 {
		o.MinDF = DefaultMinDF
	}
	if o.MaxDF <= 0 || o.MaxDF > 1 {
		o.MaxDF = DefaultMaxDF
	}
	if o.SVDSample <= 0 {
		o.SVDSample = DefaultSVDSample
	}
	if o.MaxFeatures <= 0 {
		o.MaxFeatures = DefaultMaxFeatures
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// Embedder is the builtin latent-semantic embedder. It is safe for
// concurrent use.
type Embedder struct {
	opt Options
}

var _ embed.ProgressEmbedder = (*Embedder)(nil)

// New returns an Embedder with opt's defaults filled in.
func New(opt Options) *Embedder {
	return &Embedder{opt: opt.withDefaults()}
}

// WithLanguage returns a copy of e that uses the stopwords of language (see
// Options.Language), for a job in another language than e's.
func (e *Embedder) WithLanguage(language string) *Embedder {
	opt := e.opt
	opt.Language = language
	return &Embedder{opt: opt}
}

// Name returns "builtin".
func (e *Embedder) Name() string { return "builtin" }

// EmbedDocuments embeds texts (see the package documentation) and returns
// the Space of their vectors. A text with no term of the vocabulary gets a
// zero vector (not unit length): the caller decides what to do with it. It
// returns an error wrapping ErrNoTerms when no vocabulary can be built.
func (e *Embedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, embed.Space, error) {
	return e.EmbedDocumentsProgress(ctx, texts, nil)
}

// EmbedDocumentsProgress is EmbedDocuments that calls progress (when not
// nil) at the end of each step of the fit with the share of the time spent
// so far (see fitShares).
func (e *Embedder) EmbedDocumentsProgress(ctx context.Context, texts []string, progress func(fraction float64)) ([][]float32, embed.Space, error) {
	f, err := e.fit(ctx, texts, progress)
	if err != nil {
		return nil, nil, err
	}
	return f.docs, f.space, nil
}

// fitShares are the fractions of a fit's time done at the end of its steps
// (tokenising; the vocabulary and the TF-IDF matrix; the SVD), as measured
// on the 10,000 Debian descriptions on 2 cores: 0.05, 0.21, 0.75 of 0.85 s.
var fitShares = struct{ tokens, tfidf, svd float64 }{0.06, 0.25, 0.88}

// fitted is what fit computes, kept together for the tests.
type fitted struct {
	docs  [][]float32
	space *Space
	a     *csr      // TF-IDF matrix
	inv   []float64 // per document: 1/‖TF-IDF row‖, 0 for an empty row
	k     int
	v, w  []float64 // V_k (terms × k) and U_kΣ_k⁻¹ (documents × k), signs set
}

func (e *Embedder) fit(ctx context.Context, texts []string, progress func(float64)) (*fitted, error) {
	opt := e.opt
	if len(texts) == 0 {
		return nil, fmt.Errorf("lsa: no documents: %w", ErrNoTerms)
	}
	report := func(f float64) {
		if progress != nil {
			progress(f)
		}
	}
	tk := &tokenizer{stop: stopwords(opt.Language), bigrams: !opt.NoBigrams}

	// Terms of every document, in parallel.
	docTerms := make([][]string, len(texts))
	parallel.For(len(texts), 64, opt.Workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			docTerms[i] = tk.terms(nil, texts[i])
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	report(fitShares.tokens)

	vocab, idf, rare, err := buildVocabulary(docTerms, opt)
	if err != nil {
		return nil, err
	}
	index := make(map[string]int32, len(vocab))
	for i, t := range vocab {
		index[t] = int32(i)
	}
	a, inv := tfidfMatrix(docTerms, index, idf, opt.Workers)
	fold := foldPostings(docTerms, rare, inv)
	docTerms, rare = nil, nil
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	report(fitShares.tfidf)

	k := min(opt.Dims, max(len(vocab)-1, 1), len(texts))
	// Above Options.SVDSample documents the SVD is fitted on a sample of them
	// (see sampleRows); every document is still projected.
	fitOn := a
	if a.rows > opt.SVDSample {
		fitOn = a.sampleRows(opt.SVDSample, opt.Seed)
	}
	v, sigma, w, err := truncatedSVD(ctx, fitOn, fitOn.transpose(), k, powerIters, opt.Seed, opt.Workers)
	if err != nil {
		return nil, err
	}
	k = len(v) / len(vocab)
	if fitOn != a {
		v, w = extendSample(a, v, sigma[:k], k, fitOn.rows, opt.Workers)
	}
	report(fitShares.svd)

	// Documents are A·V, exactly as queries are projected.
	docs := make([]float64, a.rows*k)
	a.mulDense(docs, v, k, opt.Workers)
	// Signs: the entry of largest magnitude of each component over the
	// documents is positive (as scikit-learn's svd_flip does with U).
	for c := 0; c < k; c++ {
		best, bi := 0.0, 0
		for i := 0; i < a.rows; i++ {
			if x := math.Abs(docs[i*k+c]); x > best {
				best, bi = x, i
			}
		}
		if docs[bi*k+c] < 0 {
			for i := 0; i < a.rows; i++ {
				docs[i*k+c] = -docs[i*k+c]
			}
			for t := range vocab {
				v[t*k+c] = -v[t*k+c]
			}
			for i := 0; i < a.rows; i++ {
				w[i*k+c] = -w[i*k+c]
			}
		}
	}
	out := make([][]float32, a.rows)
	flat := make([]float32, a.rows*k)
	for i := range out {
		row := flat[i*k : i*k+k : i*k+k]
		for c := range row {
			row[c] = float32(docs[i*k+c])
		}
		vecmath.Normalize(row)
		out[i] = row
	}
	sp := &Space{
		k:        k,
		bigrams:  !opt.NoBigrams,
		language: opt.Language,
		vocab:    vocab,
		idf:      idf,
		n:        a.rows,
	}
	sp.scale, sp.vq = quantizeRows(v, k)
	sp.setFolded(fold, w, inv)
	sp.init()
	report(1)
	return &fitted{docs: out, space: sp, a: a, inv: inv, k: k, v: v, w: w}, nil
}

// buildVocabulary keeps the terms found in at least MinDF and at most
// MaxDF·n documents, at most MaxFeatures of them by document frequency, and
// returns them in byte order with their smooth idf, ln((1+n)/(1+df)) + 1.
// It also returns the words (not the pairs) left out for being in fewer
// than MinDF documents or beyond MaxFeatures, with their document
// frequency: the words the Space folds in for queries (see foldPostings).
func buildVocabulary(docTerms [][]string, opt Options) ([]string, []float32, map[string]int32, error) {
	n := len(docTerms)
	ids := make(map[string]int32)
	var names []string
	var df, last []int32
	for d, terms := range docTerms {
		for _, t := range terms {
			id, ok := ids[t]
			if !ok {
				id = int32(len(names))
				ids[t] = id
				names = append(names, t)
				df = append(df, 0)
				last = append(last, -1)
			}
			if last[id] != int32(d) {
				last[id] = int32(d)
				df[id]++
			}
		}
	}
	minDF := min(opt.MinDF, n)
	maxDF := max(int(opt.MaxDF*float64(n)), minDF)
	var kept []int32
	rare := make(map[string]int32)
	for id, f := range df {
		switch {
		case int(f) >= minDF && int(f) <= maxDF:
			kept = append(kept, int32(id))
		case int(f) < minDF && isWord(names[id]):
			rare[names[id]] = f
		}
	}
	if len(kept) == 0 {
		return nil, nil, nil, fmt.Errorf("lsa: %d documents, %d distinct terms, none in %d to %d documents: %w",
			n, len(names), minDF, maxDF, ErrNoTerms)
	}
	if len(kept) > opt.MaxFeatures {
		slices.SortFunc(kept, func(x, y int32) int {
			if c := cmp.Compare(df[y], df[x]); c != 0 {
				return c
			}
			return cmp.Compare(names[x], names[y])
		})
		for _, id := range kept[opt.MaxFeatures:] {
			if isWord(names[id]) {
				rare[names[id]] = df[id]
			}
		}
		kept = kept[:opt.MaxFeatures]
	}
	slices.SortFunc(kept, func(x, y int32) int { return cmp.Compare(names[x], names[y]) })
	vocab := make([]string, len(kept))
	idf := make([]float32, len(kept))
	for i, id := range kept {
		vocab[i] = names[id]
		idf[i] = smoothIDF(n, int(df[id]))
	}
	return vocab, idf, rare, nil
}

// smoothIDF is scikit-learn's smooth idf, ln((1+n)/(1+df)) + 1.
func smoothIDF(n, df int) float32 {
	return float32(math.Log(float64(1+n)/float64(1+df)) + 1)
}

// tfidfRow appends to cols and vals the L2-normalised TF-IDF row of a
// document's terms: weight (1 + ln tf)·idf per known term, columns
// increasing. Unknown terms are skipped. It also returns the scale applied,
// 1/‖row‖, or 0 when no term is known.
func tfidfRow(cols []int32, vals []float32, terms []string, index map[string]int32, idf []float32) ([]int32, []float32, float64) {
	start := len(cols)
	for _, t := range terms {
		if id, ok := index[t]; ok {
			cols = append(cols, id)
		}
	}
	ids := cols[start:]
	slices.Sort(ids)
	out := ids[:0]
	var w []float64
	for i := 0; i < len(ids); {
		j := i
		for j < len(ids) && ids[j] == ids[i] {
			j++
		}
		out = append(out, ids[i])
		w = append(w, (1+math.Log(float64(j-i)))*float64(idf[ids[i]]))
		i = j
	}
	cols = cols[:start+len(out)]
	var s float64
	for _, x := range w {
		s += x * x
	}
	if s == 0 {
		return cols, vals, 0
	}
	inv := 1 / math.Sqrt(s)
	for _, x := range w {
		vals = append(vals, float32(x*inv))
	}
	return cols, vals, inv
}

// tfidfMatrix builds the documents' TF-IDF matrix, one row per document,
// and returns with it each row's scale 1/‖row‖ (0 for an empty row).
func tfidfMatrix(docTerms [][]string, index map[string]int32, idf []float32, workers int) (*csr, []float64) {
	n := len(docTerms)
	cols := make([][]int32, n)
	vals := make([][]float32, n)
	inv := make([]float64, n)
	parallel.For(n, 64, workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			cols[i], vals[i], inv[i] = tfidfRow(nil, nil, docTerms[i], index, idf)
		}
	})
	m := &csr{rows: n, cols: len(idf), ptr: make([]int, n+1)}
	for i := range cols {
		m.ptr[i+1] = m.ptr[i] + len(cols[i])
	}
	m.ind = make([]int32, 0, m.ptr[n])
	m.val = make([]float32, 0, m.ptr[n])
	for i := range cols {
		m.ind = append(m.ind, cols[i]...)
		m.val = append(m.val, vals[i]...)
	}
	return m, inv
}
