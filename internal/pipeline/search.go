package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// SearchHit is a document of a search's answer: its index in the job's
// documents and the cosine similarity of its embedding to the query's.
type SearchHit struct {
	Index int     `json:"index"`
	Score float64 `json:"score"`
}

// Search embeds query with the embedder that made the finished job's
// state (in its space, as Refresh embeds axis words) and returns the k
// documents whose embeddings are nearest by cosine, best first (ties by
// index). A query the space cannot place is ErrInvalidInput.
func (p *Pipeline) Search(ctx context.Context, prev *topicmap.TopicsResponse, st *State, query, language string, k int) ([]SearchHit, error) {
	if prev == nil || st == nil || len(prev.Docs) == 0 || len(st.Embeddings) != len(prev.Docs) {
		return nil, fmt.Errorf("pipeline: search: no documents or embeddings: %w", ErrInvalidInput)
	}
	if strings.TrimSpace(query) == "" || k < 1 {
		return nil, fmt.Errorf("pipeline: search: an empty query or k < 1: %w", ErrInvalidInput)
	}
	language = normLanguage(language)
	if language == "" {
		language = "english"
	}
	space, err := p.stateSpace(ctx, prev, st, language)
	if err != nil {
		return nil, err
	}
	qv, err := space.EmbedQueries(ctx, []string{query})
	if errors.Is(err, embed.ErrUnknownText) {
		return nil, fmt.Errorf("pipeline: search: the query has no word the map's embedder knows: %w", ErrInvalidInput)
	}
	if err != nil {
		return nil, fmt.Errorf("pipeline: search: %w", err)
	}
	hits := make([]SearchHit, len(st.Embeddings))
	for i, e := range st.Embeddings {
		hits[i] = SearchHit{Index: i, Score: cosine(qv[0], e)}
	}
	sort.Slice(hits, func(a, b int) bool {
		if hits[a].Score != hits[b].Score {
			return hits[a].Score > hits[b].Score
		}
		return hits[a].Index < hits[b].Index
	})
	return hits[:min(k, len(hits))], nil
}

// cosine is the cosine similarity of a and b (0 when either is zero).
func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}
