package pipeline

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bunkatopics/bunka-go/internal/topicmap"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
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
// the original's str(uuid.uuid4())[:20], derived from the texts and seed
// (generateIDs) so that runs repeat and datasets differ.
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
		ids = generateIDs(in.Texts, seed)
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
			if vecmath.NonFinite(e) >= 0 {
				return nil, fmt.Errorf("pipeline: embedding %d is not finite: %w", i, ErrInvalidInput)
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

// generateIDs returns one id per text shaped as str(uuid.uuid4())[:20]
// ("8-4-4-3" hexadecimal digits, version 4 and variant bits set), derived
// from the texts and the seed: SHA-256 of the seed and the whole list
// (each text with its length) gives the dataset's digest, and id i is cut
// from SHA-256 of the digest and i. The same data and seed give the same
// ids; another dataset, or another seed, gives others (the original draws
// them at random each time). Ids are unique within a dataset, repeated
// texts included.
func generateIDs(texts []string, seed int64) []string {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	h.Write(buf[:binary.PutVarint(buf[:], seed)])
	for _, t := range texts {
		h.Write(buf[:binary.PutUvarint(buf[:], uint64(len(t)))])
		h.Write([]byte(t))
	}
	digest := h.Sum(nil)
	ids := make([]string, len(texts))
	seen := make(map[string]bool, len(texts))
	const hex = "0123456789abcdef"
	for i := range ids {
		for try := uint64(0); ; try++ {
			h.Reset()
			h.Write(digest)
			h.Write(buf[:binary.PutUvarint(buf[:], uint64(i))])
			if try > 0 { // a collision of the 72 bits: draw again
				h.Write(buf[:binary.PutUvarint(buf[:], try)])
			}
			var b [sha256.Size]byte
			h.Sum(b[:0])
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
