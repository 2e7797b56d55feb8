package lsa

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// Space is the latent space of one job's documents: the vocabulary, its
// idf and the SVD's right singular vectors V_k, enough to project any text
// as the documents were. It is safe for concurrent use.
//
// To keep the encoded Space small (it is stored beside every job result),
// each term's row of V_k is kept as 8-bit integers times one float32 scale
// (the row's largest magnitude / 127): a relative error of at most 0.4% of
// the row's largest entry, which moves a query's unit vector by well under
// 1% (queries are weighted sums of rows). The documents' vectors are
// computed from the exact V_k.
//
// Queries may also use the words of the corpus left out of the vocabulary
// (in fewer than MinDF documents, or beyond MaxFeatures), folded in: a
// word's row is cᵀU_kΣ_k⁻¹, c being its TF-IDF column (its weight in each
// document, with the document's own scale), which for a vocabulary term
// is exactly its row of V_k (see foldIn). Their rows are not stored: a
// left-out word is mostly in one document, so the Space keeps, for the
// documents that have one, the row of U_kΣ_k⁻¹ times the document's
// TF-IDF scale, quantised like V_k's rows, and each word's postings
// (document, count); the word's row is rebuilt when the Space is made or
// loaded. The documents, their TF-IDF rows and their vectors are those of
// the vocabulary alone, as without folding.
type Space struct {
	k        int
	bigrams  bool
	language string
	vocab    []string  // terms in byte order
	idf      []float32 // per term
	scale    []float32 // per term: V_k[t, j] ≈ scale[t]·vq[t·k+j]
	vq       []int8    // len(vocab) × k, row-major

	// Folded-in words (format version 2).
	n      int       // documents in the corpus, for the words' idf
	folded []string  // words in byte order, none in vocab
	fdf    []int32   // per word: document frequency in the corpus
	fptr   []int32   // per word + 1: its postings are [fptr[i], fptr[i+1])
	fdoc   []int32   // posting: row of dq, increasing within a word
	ftf    []int32   // posting: count of the word in the document
	dscale []float32 // per document row: scale of its dq row
	dq     []int8    // rows of U_kΣ_k⁻¹ times the document's TF-IDF scale

	// Derived by init.
	index  map[string]int32 // vocab[i] → i, folded[i] → len(vocab)+i
	qidf   []float32        // idf of vocab then folded
	fscale []float32        // per folded word: scale of its fvq row
	fvq    []int8           // folded words' rows, len(folded) × k
	tk     *tokenizer

	sub subwords // for the words of queries that the corpus lacks
}

var _ embed.Space = (*Space)(nil)

func (s *Space) init() {
	nv := len(s.vocab)
	s.index = make(map[string]int32, nv+len(s.folded))
	for i, t := range s.vocab {
		s.index[t] = int32(i)
	}
	s.qidf = append(s.idf[:nv:nv], make([]float32, len(s.folded))...)
	s.fscale = make([]float32, len(s.folded))
	s.fvq = make([]int8, len(s.folded)*s.k)
	row := make([]float64, s.k)
	for i, t := range s.folded {
		s.index[t] = int32(nv + i)
		idf := smoothIDF(s.n, int(s.fdf[i]))
		s.qidf[nv+i] = idf
		clear(row)
		for p := s.fptr[i]; p < s.fptr[i+1]; p++ {
			d := int(s.fdoc[p])
			wt := (1 + math.Log(float64(s.ftf[p]))) * float64(idf) * float64(s.dscale[d])
			for j, x := range s.dq[d*s.k : d*s.k+s.k] {
				row[j] += wt * float64(x)
			}
		}
		s.fscale[i] = quantizeRow(s.fvq[i*s.k:i*s.k+s.k], row)
	}
	s.tk = &tokenizer{stop: stopwords(s.language), bigrams: s.bigrams}
}

// setFolded keeps the words of f for queries: their postings and, for the
// documents in them, the rows of w (U_kΣ_k⁻¹, documents × k) times the
// documents' TF-IDF scales inv, quantised.
func (s *Space) setFolded(f *folding, w, inv []float64) {
	k := s.k
	row := make(map[int32]int32) // document → its row in dq
	var docs []int32
	for _, d := range f.doc {
		if _, ok := row[d]; !ok {
			row[d] = 0
			docs = append(docs, d)
		}
	}
	slices.Sort(docs)
	rows := make([]float64, len(docs)*k)
	for i, d := range docs {
		row[d] = int32(i)
		for j, x := range w[int(d)*k : int(d)*k+k] {
			rows[i*k+j] = x * inv[d]
		}
	}
	s.dscale, s.dq = quantizeRows(rows, k)
	s.folded, s.fdf, s.fptr, s.ftf = f.words, f.df, f.ptr, f.tf
	s.fdoc = make([]int32, len(f.doc))
	for p, d := range f.doc {
		s.fdoc[p] = row[d]
	}
}

// quantizeRows returns the rows of v (rows × k) as 8-bit integers, each row
// times its scale (see quantizeRow).
func quantizeRows(v []float64, k int) ([]float32, []int8) {
	nt := len(v) / k
	scale := make([]float32, nt)
	q := make([]int8, len(v))
	for t := 0; t < nt; t++ {
		scale[t] = quantizeRow(q[t*k:t*k+k], v[t*k:t*k+k])
	}
	return scale, q
}

// quantizeRow sets dst to row as 8-bit integers and returns their scale,
// row's largest magnitude / 127 (0, and dst left zero, for a zero row).
func quantizeRow(dst []int8, row []float64) float32 {
	var m float64
	for _, x := range row {
		m = max(m, math.Abs(x))
	}
	if m == 0 {
		return 0
	}
	sc := float32(m / 127)
	for j, x := range row {
		dst[j] = int8(math.Round(x / float64(sc)))
	}
	return sc
}

// row returns the scale and the 8-bit row of query term c.
func (s *Space) row(c int32) (float32, []int8) {
	k := s.k
	if i := int(c); i < len(s.vocab) {
		return s.scale[i], s.vq[i*k : i*k+k]
	}
	i := int(c) - len(s.vocab)
	return s.fscale[i], s.fvq[i*k : i*k+k]
}

// Dim returns the length of every vector.
func (s *Space) Dim() int { return s.k }

// Terms returns the number of terms in the vocabulary.
func (s *Space) Terms() int { return len(s.vocab) }

// Folded returns the number of words folded in for queries beside the
// vocabulary.
func (s *Space) Folded() int { return len(s.folded) }

// EmbedQueries projects each text as a document: its TF-IDF row with the
// corpus idf, times V_k, L2-normalised, the folded-in words counting as
// terms of the vocabulary. A text none of whose terms is known gives an
// error wrapping embed.ErrUnknownText.
func (s *Space) EmbedQueries(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, text := range texts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		terms := s.tk.terms(nil, text)
		cols, vals, _ := tfidfRow(nil, nil, terms, s.index, s.qidf)
		acc := make([]float64, s.k)
		if len(cols) == 0 {
			// No word of the query is in the corpus: place its words
			// by their character n-grams (see subwords).
			n := 0
			for _, t := range terms {
				if !isWord(t) {
					continue
				}
				if row, ok := s.subwordRow(t, -1); ok {
					for j, x := range row {
						acc[j] += x
					}
					n++
				}
			}
			if n == 0 {
				return nil, fmt.Errorf("lsa: query %q: %w", text, embed.ErrUnknownText)
			}
		}
		for p, c := range cols {
			sc, q := s.row(c)
			w := float64(vals[p]) * float64(sc)
			for j, x := range q {
				acc[j] += w * float64(x)
			}
		}
		row := make([]float32, s.k)
		for j, x := range acc {
			row[j] = float32(x)
		}
		if !vecmath.Normalize(row) {
			return nil, fmt.Errorf("lsa: query %q projects to zero: %w", text, embed.ErrUnknownText)
		}
		out[i] = row
	}
	return out, nil
}

// Binary format of a Space, all integers unsigned varints unless said:
//
//	"BLSA" version(2) k flags(bit 0: bigrams) len(language) language
//	terms: count, then per term (in byte order) the length of the prefix
//	shared with the previous term, the length of the rest, the rest
//	idf: count float32 little-endian
//	scales of V_k's rows: count float32 little-endian
//	V_k: count×k int8
//
// then, from version 2 on, the folded-in words:
//
//	documents in the corpus, rows of document rows, count of words
//	words front-coded as the terms
//	per word: document frequency, number of postings, then per posting
//	the document row (the first as is, the next as the increase) and
//	the word's count in it
//	scales of the document rows: float32 little-endian
//	document rows: rows×k int8
//
// Version 1 (no folded words) is still read.
const (
	magic   = "BLSA"
	version = 2
)

// MarshalBinary encodes the space for LoadSpace.
func (s *Space) MarshalBinary() ([]byte, error) {
	return s.marshal(version), nil
}

// marshal encodes the space in format version v (1 leaves out the folded
// words).
func (s *Space) marshal(v int) []byte {
	size := len(magic) + 64 + len(s.language) + 8*len(s.idf) + len(s.vq)
	for _, t := range s.vocab {
		size += len(t) + 2
	}
	if v >= 2 {
		size += 3*len(s.folded) + 4*len(s.fdoc) + 4*len(s.dscale) + len(s.dq)
		for _, t := range s.folded {
			size += len(t)
		}
	}
	b := make([]byte, 0, size)
	b = append(b, magic...)
	b = binary.AppendUvarint(b, uint64(v))
	b = binary.AppendUvarint(b, uint64(s.k))
	var flags uint64
	if s.bigrams {
		flags |= 1
	}
	b = binary.AppendUvarint(b, flags)
	b = binary.AppendUvarint(b, uint64(len(s.language)))
	b = append(b, s.language...)
	b = appendTerms(b, s.vocab)
	for _, x := range s.idf {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	for _, x := range s.scale {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	for _, x := range s.vq {
		b = append(b, byte(x))
	}
	if v < 2 {
		return b
	}
	b = binary.AppendUvarint(b, uint64(s.n))
	b = binary.AppendUvarint(b, uint64(len(s.dscale)))
	b = appendTerms(b, s.folded)
	for i := range s.folded {
		b = binary.AppendUvarint(b, uint64(s.fdf[i]))
		b = binary.AppendUvarint(b, uint64(s.fptr[i+1]-s.fptr[i]))
		prev := int32(0)
		for p := s.fptr[i]; p < s.fptr[i+1]; p++ {
			b = binary.AppendUvarint(b, uint64(s.fdoc[p]-prev))
			b = binary.AppendUvarint(b, uint64(s.ftf[p]))
			prev = s.fdoc[p]
		}
	}
	for _, x := range s.dscale {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	for _, x := range s.dq {
		b = append(b, byte(x))
	}
	return b
}

// appendTerms appends the count of terms, then each term (in byte order)
// as the length of the prefix it shares with the previous one, the length
// of the rest and the rest.
func appendTerms(b []byte, terms []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(terms)))
	prev := ""
	for _, t := range terms {
		p := 0
		for p < len(prev) && p < len(t) && prev[p] == t[p] {
			p++
		}
		b = binary.AppendUvarint(b, uint64(p))
		b = binary.AppendUvarint(b, uint64(len(t)-p))
		b = append(b, t[p:]...)
		prev = t
	}
	return b
}

var errCorrupt = errors.New("lsa: corrupt space data")

// LoadSpace decodes a Space saved with Space.MarshalBinary, in this
// format version or version 1 (saved before words were folded in: it
// knows the vocabulary only).
func (e *Embedder) LoadSpace(data []byte) (embed.Space, error) {
	return loadSpace(data)
}

func loadSpace(data []byte) (*Space, error) {
	if len(data) < len(magic) || string(data[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: not a builtin embedder space", errCorrupt)
	}
	r := reader{b: data[len(magic):]}
	v := r.uvarint()
	if v != 1 && v != version {
		return nil, fmt.Errorf("%w: version %d, want 1 to %d", errCorrupt, v, version)
	}
	s := &Space{k: int(r.uvarint())}
	s.bigrams = r.uvarint()&1 != 0
	s.language = string(r.bytes(r.uvarint()))
	if r.err != nil || s.k < 1 || uint64(s.k) > uint64(len(r.b)) {
		return nil, fmt.Errorf("%w: bad header", errCorrupt)
	}
	s.vocab = r.terms()
	if r.err != nil {
		return nil, fmt.Errorf("%w: bad terms", errCorrupt)
	}
	nt := uint64(len(s.vocab))
	if need := nt * (8 + uint64(s.k)); uint64(len(r.b)) < need || v == 1 && uint64(len(r.b)) != need {
		return nil, fmt.Errorf("%w: %d bytes left for %d terms × %d dims", errCorrupt, len(r.b), nt, s.k)
	}
	s.idf = r.float32s(nt)
	s.scale = r.float32s(nt)
	s.vq = r.int8s(nt * uint64(s.k))
	if v >= 2 {
		if err := r.folded(s); err != nil {
			return nil, err
		}
	}
	s.init()
	return s, nil
}

// folded reads the folded-in words of format version 2 into s.
func (r *reader) folded(s *Space) error {
	n, nd := r.uvarint(), r.uvarint()
	s.folded = r.terms()
	if r.err != nil || n > math.MaxInt32 || nd > n {
		return fmt.Errorf("%w: bad folded words", errCorrupt)
	}
	s.n = int(n)
	nf := len(s.folded)
	s.fdf = make([]int32, nf)
	s.fptr = make([]int32, nf+1)
	s.fdoc, s.ftf = []int32{}, []int32{}
	for i := range s.folded {
		df, np := r.uvarint(), r.uvarint()
		if r.err != nil || np < 1 || np > df || df > n || np > uint64(len(r.b)) {
			return fmt.Errorf("%w: bad postings of folded word %d", errCorrupt, i)
		}
		s.fdf[i] = int32(df)
		doc := uint64(0)
		for p := uint64(0); p < np; p++ {
			delta, tf := r.uvarint(), r.uvarint()
			if p > 0 && delta == 0 {
				r.err = errCorrupt
			}
			doc += delta
			if r.err != nil || doc >= nd || tf < 1 || tf > math.MaxInt32 {
				return fmt.Errorf("%w: bad postings of folded word %d", errCorrupt, i)
			}
			s.fdoc = append(s.fdoc, int32(doc))
			s.ftf = append(s.ftf, int32(tf))
		}
		s.fptr[i+1] = int32(len(s.fdoc))
	}
	if uint64(len(r.b)) != nd*(4+uint64(s.k)) {
		return fmt.Errorf("%w: %d bytes left for %d document rows × %d dims", errCorrupt, len(r.b), nd, s.k)
	}
	s.dscale = r.float32s(nd)
	s.dq = r.int8s(nd * uint64(s.k))
	return nil
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(n uint64) []byte {
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errCorrupt
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

// terms reads what appendTerms wrote.
func (r *reader) terms() []string {
	nt := r.uvarint()
	if r.err != nil || nt > uint64(len(r.b)) {
		r.err = errCorrupt
		return nil
	}
	terms := make([]string, nt)
	var prev []byte
	for i := range terms {
		p := r.uvarint()
		rest := r.bytes(r.uvarint())
		if r.err != nil || p > uint64(len(prev)) {
			r.err = errCorrupt
			return nil
		}
		t := append(append([]byte(nil), prev[:p]...), rest...)
		terms[i] = string(t)
		prev = t
	}
	return terms
}

// float32s reads n little-endian float32s; the caller has checked that
// they are there.
func (r *reader) float32s(n uint64) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(r.b[4*i:]))
	}
	r.b = r.b[4*n:]
	return out
}

// int8s reads n int8s; the caller has checked that they are there.
func (r *reader) int8s(n uint64) []int8 {
	out := make([]int8, n)
	for i := range out {
		out[i] = int8(r.b[i])
	}
	r.b = r.b[n:]
	return out
}
