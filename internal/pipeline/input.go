package pipeline

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"unicode/utf8"

	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// job is one request's documents after validation: ids unique, no empty
// text, embeddings (when given) one per document.
type job struct {
	docs       []topicmap.Document
	texts      []string
	embeddings [][]float32 // pre-computed, or nil
	param      topicmap.TopicParam
	dropped    int // empty texts left out
	duplicates int // repeated ids left out
}

// prepare validates in and builds its documents, as Bunka.fit does: ids are
// made strings and deduplicated (the first kept) before empty texts are
// dropped; without ids, each document gets a 20-character id in the form of
// the original's str(uuid.uuid4())[:20], drawn from seed so that runs repeat.
func prepare(in Input, seed int64) (*job, error) {
	if len(in.Texts) == 0 {
		return nil, fmt.Errorf("pipeline: no documents: %w", ErrInvalidInput)
	}
	if in.IDs != nil && len(in.IDs) != len(in.Texts) {
		return nil, fmt.Errorf("pipeline: %d ids for %d texts: %w", len(in.IDs), len(in.Texts), ErrInvalidInput)
	}
	if in.Embeddings != nil && len(in.Embeddings) != len(in.Texts) {
		return nil, fmt.Errorf("pipeline: %d embeddings for %d texts: %w", len(in.Embeddings), len(in.Texts), ErrInvalidInput)
	}
	param, err := checkParam(in.Param)
	if err != nil {
		return nil, err
	}
	for i, t := range in.Texts {
		if !utf8.ValidString(t) {
			return nil, fmt.Errorf("pipeline: text %d is not valid UTF-8: %w", i, ErrInvalidInput)
		}
	}
	ids := in.IDs
	if ids == nil {
		ids = generateIDs(len(in.Texts), seed)
	}
	for i, id := range ids {
		if !utf8.ValidString(id) {
			return nil, fmt.Errorf("pipeline: id %d is not valid UTF-8: %w", i, ErrInvalidInput)
		}
	}
	dim := -1
	j := &job{param: param}
	seen := make(map[string]bool, len(ids))
	for i, t := range in.Texts {
		if seen[ids[i]] {
			j.duplicates++
			continue
		}
		seen[ids[i]] = true
		if strings.TrimSpace(t) == "" {
			j.dropped++
			continue
		}
		if in.Embeddings != nil {
			e := in.Embeddings[i]
			if dim < 0 {
				dim = len(e)
			}
			if len(e) == 0 || len(e) != dim {
				return nil, fmt.Errorf("pipeline: embedding %d has %d dimensions, want %d: %w", i, len(e), dim, ErrInvalidInput)
			}
			for _, x := range e {
				if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
					return nil, fmt.Errorf("pipeline: embedding %d is not finite: %w", i, ErrInvalidInput)
				}
			}
			j.embeddings = append(j.embeddings, e)
		}
		j.texts = append(j.texts, t)
		j.docs = append(j.docs, topicmap.Document{
			DocID:              ids[i],
			Content:            t,
			TermID:             []string{},
			BourdieuDimensions: []topicmap.BourdieuDimension{},
		})
	}
	if len(j.docs) == 0 {
		return nil, fmt.Errorf("pipeline: all %d documents are empty: %w", len(in.Texts), ErrInvalidInput)
	}
	if len(j.docs) < param.NClusters {
		return nil, fmt.Errorf("pipeline: %d clusters asked for %d documents: %w", param.NClusters, len(j.docs), ErrInvalidInput)
	}
	return j, nil
}

// checkParam fills the zero fields of p with the API's defaults and rejects
// impossible values.
func checkParam(p topicmap.TopicParam) (topicmap.TopicParam, error) {
	d := topicmap.DefaultTopicParam()
	switch {
	case p.NClusters < 0:
		return p, fmt.Errorf("pipeline: n_clusters %d: %w", p.NClusters, ErrInvalidInput)
	case p.NameLength < 0:
		return p, fmt.Errorf("pipeline: name_length %d: %w", p.NameLength, ErrInvalidInput)
	case p.TopTermsOverall < 0:
		return p, fmt.Errorf("pipeline: top_terms_overall %d: %w", p.TopTermsOverall, ErrInvalidInput)
	case p.MinCountTerms < 0:
		return p, fmt.Errorf("pipeline: min_count_terms %d: %w", p.MinCountTerms, ErrInvalidInput)
	}
	for _, n := range p.Ngrams {
		if n < 1 {
			return p, fmt.Errorf("pipeline: ngrams %v: %w", p.Ngrams, ErrInvalidInput)
		}
	}
	if p.NClusters == 0 {
		p.NClusters = d.NClusters
	}
	if p.NameLength == 0 {
		p.NameLength = d.NameLength
	}
	if p.TopTermsOverall == 0 {
		p.TopTermsOverall = d.TopTermsOverall
	}
	if p.MinCountTerms == 0 {
		p.MinCountTerms = d.MinCountTerms
	}
	if len(p.Ngrams) == 0 {
		p.Ngrams = d.Ngrams
	}
	return p, nil
}

// generateIDs returns n ids shaped as str(uuid.uuid4())[:20]
// ("8-4-4-3" hexadecimal digits), random from seed.
func generateIDs(n int, seed int64) []string {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x1d5))
	ids := make([]string, n)
	seen := make(map[string]bool, n)
	const hex = "0123456789abcdef"
	for i := range ids {
		for {
			var b [16]byte
			for k := 0; k < 16; k += 8 {
				v := rng.Uint64()
				for m := 0; m < 8; m++ {
					b[k+m] = byte(v >> (8 * m))
				}
			}
			b[6] = b[6]&0x0f | 0x40 // version 4
			b[8] = b[8]&0x3f | 0x80 // variant 10
			var sb strings.Builder
			for k, x := range b[:10] {
				if k == 4 || k == 6 || k == 8 {
					sb.WriteByte('-')
				}
				sb.WriteByte(hex[x>>4])
				sb.WriteByte(hex[x&0xf])
			}
			id := sb.String()[:20]
			if !seen[id] {
				seen[id] = true
				ids[i] = id
				break
			}
		}
	}
	return ids
}
