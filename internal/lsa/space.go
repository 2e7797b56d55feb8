package lsa

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/bunkatopics/bunka-go/internal/embed"
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
type Space struct {
	k        int
	bigrams  bool
	language string
	vocab    []string  // terms in byte order
	idf      []float32 // per term
	scale    []float32 // per term: V_k[t, j] ≈ scale[t]·vq[t·k+j]
	vq       []int8    // len(vocab) × k, row-major

	index map[string]int32
	tk    *tokenizer
}

var _ embed.Space = (*Space)(nil)

func (s *Space) init() {
	s.index = make(map[string]int32, len(s.vocab))
	for i, t := range s.vocab {
		s.index[t] = int32(i)
	}
	s.tk = &tokenizer{stop: stopwords(s.language), bigrams: s.bigrams}
}

// quantize sets the 8-bit rows of V_k from v (len(vocab) × k).
func (s *Space) quantize(v []float64) {
	nt := len(v) / s.k
	s.scale = make([]float32, nt)
	s.vq = make([]int8, len(v))
	for t := 0; t < nt; t++ {
		row := v[t*s.k : t*s.k+s.k]
		var m float64
		for _, x := range row {
			m = max(m, math.Abs(x))
		}
		if m == 0 {
			continue
		}
		sc := float32(m / 127)
		s.scale[t] = sc
		for j, x := range row {
			s.vq[t*s.k+j] = int8(math.Round(x / float64(sc)))
		}
	}
}

// Dim returns the length of every vector.
func (s *Space) Dim() int { return s.k }

// Terms returns the number of terms in the vocabulary.
func (s *Space) Terms() int { return len(s.vocab) }

// EmbedQueries projects each text as a document: its TF-IDF row with the
// corpus idf, times V_k, L2-normalised. A text none of whose terms is in
// the vocabulary gives an error wrapping embed.ErrUnknownText.
func (s *Space) EmbedQueries(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, text := range texts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cols, vals := tfidfRow(nil, nil, s.tk.terms(nil, text), s.index, s.idf)
		if len(cols) == 0 {
			return nil, fmt.Errorf("lsa: query %q: %w", text, embed.ErrUnknownText)
		}
		acc := make([]float64, s.k)
		for p, c := range cols {
			w := float64(vals[p]) * float64(s.scale[c])
			for j, x := range s.vq[int(c)*s.k : int(c)*s.k+s.k] {
				acc[j] += w * float64(x)
			}
		}
		row := make([]float32, s.k)
		for j, x := range acc {
			row[j] = float32(x)
		}
		if !embed.Normalize(row) {
			return nil, fmt.Errorf("lsa: query %q projects to zero: %w", text, embed.ErrUnknownText)
		}
		out[i] = row
	}
	return out, nil
}

// Binary format of a Space, all integers unsigned varints unless said:
//
//	"BLSA" version(1) k flags(bit 0: bigrams) len(language) language
//	terms: count, then per term (in byte order) the length of the prefix
//	shared with the previous term, the length of the rest, the rest
//	idf: count float32 little-endian
//	scales of V_k's rows: count float32 little-endian
//	V_k: count×k int8
const (
	magic   = "BLSA"
	version = 1
)

// MarshalBinary encodes the space for LoadSpace.
func (s *Space) MarshalBinary() ([]byte, error) {
	size := len(magic) + 64 + len(s.language) + 8*len(s.idf) + len(s.vq)
	for _, t := range s.vocab {
		size += len(t) + 2
	}
	b := make([]byte, 0, size)
	b = append(b, magic...)
	b = binary.AppendUvarint(b, version)
	b = binary.AppendUvarint(b, uint64(s.k))
	var flags uint64
	if s.bigrams {
		flags |= 1
	}
	b = binary.AppendUvarint(b, flags)
	b = binary.AppendUvarint(b, uint64(len(s.language)))
	b = append(b, s.language...)
	b = binary.AppendUvarint(b, uint64(len(s.vocab)))
	prev := ""
	for _, t := range s.vocab {
		p := 0
		for p < len(prev) && p < len(t) && prev[p] == t[p] {
			p++
		}
		b = binary.AppendUvarint(b, uint64(p))
		b = binary.AppendUvarint(b, uint64(len(t)-p))
		b = append(b, t[p:]...)
		prev = t
	}
	for _, x := range s.idf {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	for _, x := range s.scale {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	for _, x := range s.vq {
		b = append(b, byte(x))
	}
	return b, nil
}

var errCorrupt = errors.New("lsa: corrupt space data")

// LoadSpace decodes a Space saved with Space.MarshalBinary.
func (e *Embedder) LoadSpace(data []byte) (embed.Space, error) {
	return loadSpace(data)
}

func loadSpace(data []byte) (*Space, error) {
	if len(data) < len(magic) || string(data[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: not a builtin embedder space", errCorrupt)
	}
	r := reader{b: data[len(magic):]}
	if v := r.uvarint(); v != version {
		return nil, fmt.Errorf("%w: version %d, want %d", errCorrupt, v, version)
	}
	s := &Space{k: int(r.uvarint())}
	s.bigrams = r.uvarint()&1 != 0
	s.language = string(r.bytes(r.uvarint()))
	nt := r.uvarint()
	if r.err != nil || nt > uint64(len(r.b)) || s.k < 1 || uint64(s.k) > uint64(len(r.b)) {
		return nil, fmt.Errorf("%w: bad header", errCorrupt)
	}
	s.vocab = make([]string, nt)
	var prev []byte
	for i := range s.vocab {
		p := r.uvarint()
		rest := r.bytes(r.uvarint())
		if r.err != nil || p > uint64(len(prev)) {
			return nil, fmt.Errorf("%w: bad term %d", errCorrupt, i)
		}
		t := append(append([]byte(nil), prev[:p]...), rest...)
		s.vocab[i] = string(t)
		prev = t
	}
	if uint64(len(r.b)) != nt*(8+uint64(s.k)) {
		return nil, fmt.Errorf("%w: %d bytes left for %d terms × %d dims", errCorrupt, len(r.b), nt, s.k)
	}
	s.idf = make([]float32, nt)
	for i := range s.idf {
		s.idf[i] = math.Float32frombits(binary.LittleEndian.Uint32(r.b[4*i:]))
	}
	r.b = r.b[4*nt:]
	s.scale = make([]float32, nt)
	for i := range s.scale {
		s.scale[i] = math.Float32frombits(binary.LittleEndian.Uint32(r.b[4*i:]))
	}
	r.b = r.b[4*nt:]
	s.vq = make([]int8, int(nt)*s.k)
	for i := range s.vq {
		s.vq[i] = int8(r.b[i])
	}
	s.init()
	return s, nil
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
