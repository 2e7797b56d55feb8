package bourdieu

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
	"github.com/bunkatopics/bunka-go/internal/topics"
)

// ErrInvalidQuery is wrapped by the errors of a query that cannot define an
// axis: an empty word list, or ends that embed to the same vector. Words the
// space does not know give errors wrapping embed.ErrUnknownText.
var ErrInvalidQuery = errors.New("invalid Bourdieu query")

// ErrTooFewDocuments is wrapped by Map's error when there are fewer
// documents than clusters.
var ErrTooFewDocuments = errors.New("fewer documents than clusters")

// Continuum IDs of the two axes, as in the original.
const (
	XAxisID = "cont1"
	YAxisID = "cont2"
)

// TopicOptions returns the topic options that the original's BourdieuAPI
// uses for a request's topic parameters: at least 20 documents per listed
// topic, terms counted at least once.
func TopicOptions(p topicmap.TopicParam) topics.Options {
	o := topics.FromParam(p)
	o.MinDocsPerCluster = 20
	o.MinCountTerms = 1
	return o
}

// Continuum returns the mean embedding of left minus the mean embedding of
// right, the words embedded in space.
func Continuum(ctx context.Context, space embed.Space, left, right []string) ([]float64, error) {
	l, err := meanEmbedding(ctx, space, left)
	if err != nil {
		return nil, err
	}
	r, err := meanEmbedding(ctx, space, right)
	if err != nil {
		return nil, err
	}
	zero := true
	for i := range l {
		l[i] -= r[i]
		if l[i] != 0 {
			zero = false
		}
	}
	if zero {
		return nil, fmt.Errorf("bourdieu: %q and %q embed to the same vector: %w", left, right, ErrInvalidQuery)
	}
	return l, nil
}

func meanEmbedding(ctx context.Context, space embed.Space, words []string) ([]float64, error) {
	if len(words) == 0 {
		return nil, fmt.Errorf("bourdieu: empty word list: %w", ErrInvalidQuery)
	}
	vecs, err := space.EmbedQueries(ctx, words)
	if err != nil {
		return nil, fmt.Errorf("bourdieu: embedding %q: %w", words, err)
	}
	mean := make([]float64, space.Dim())
	for _, v := range vecs {
		for i, x := range v {
			mean[i] += float64(x)
		}
	}
	for i := range mean {
		mean[i] /= float64(len(vecs))
	}
	return mean, nil
}

// Cosine returns the cosine similarity of each row of emb with v (0 for a
// zero row), as scikit-learn's cosine_similarity.
func Cosine(emb [][]float32, v []float64) []float64 {
	var nv float64
	for _, x := range v {
		nv += x * x
	}
	nv = math.Sqrt(nv)
	out := make([]float64, len(emb))
	for i, row := range emb {
		var dot, nr float64
		for j, x := range row {
			f := float64(x)
			dot += f * v[j]
			nr += f * f
		}
		if nr == 0 || nv == 0 {
			continue
		}
		out[i] = dot / (math.Sqrt(nr) * nv)
	}
	return out
}

// Coordinates returns each document's position on the two axes of q: the
// cosine similarity of its embedding with the x and y continuum vectors.
func Coordinates(ctx context.Context, space embed.Space, emb [][]float32, q topicmap.BourdieuQuery) (x, y []float64, err error) {
	cx, err := Continuum(ctx, space, q.XLeftWords, q.XRightWords)
	if err != nil {
		return nil, nil, fmt.Errorf("x axis: %w", err)
	}
	cy, err := Continuum(ctx, space, q.YTopWords, q.YBottomWords)
	if err != nil {
		return nil, nil, fmt.Errorf("y axis: %w", err)
	}
	for i, row := range emb {
		if len(row) != len(cx) {
			return nil, nil, fmt.Errorf("bourdieu: document %d has %d dimensions, the space %d", i, len(row), len(cx))
		}
	}
	return Cosine(emb, cx), Cosine(emb, cy), nil
}

// Outside reports, for each document, whether it lies at least
// max(x) * radius from the centre, the documents that the map keeps.
func Outside(x, y []float64, radius float64) []bool {
	if len(x) == 0 {
		return nil
	}
	r := slices.Max(x) * radius
	out := make([]bool, len(x))
	for i := range x {
		out[i] = math.Sqrt(x[i]*x[i]+y[i]*y[i]) >= r
	}
	return out
}

// Keep reports which documents the map keeps and the radius size it used:
// the documents Outside radius, or, when they are fewer than need, the need
// documents farthest from the centre (more on a tie), the radius size then
// shrunk to the need-th farthest distance over max(x). The original keeps
// too few documents for its topics (and fails) when a few documents lie far
// out and the rest near the centre, as in a sparse space where most
// documents lack the axis words.
func Keep(x, y []float64, radius float64, need int) ([]bool, float64) {
	out := Outside(x, y, radius)
	kept := 0
	for _, k := range out {
		if k {
			kept++
		}
	}
	if kept >= need || need <= 0 || len(x) == 0 {
		return out, radius
	}
	need = min(need, len(x))
	dist := make([]float64, len(x))
	for i := range x {
		dist[i] = math.Sqrt(x[i]*x[i] + y[i]*y[i])
	}
	sorted := slices.Clone(dist)
	slices.SortFunc(sorted, func(a, b float64) int { return cmp.Compare(b, a) })
	cut := sorted[need-1]
	for i, d := range dist {
		out[i] = d >= cut
	}
	// Fewer documents than need lie outside only when max(x) > 0 (else
	// the radius max(x) * radius_size keeps them all).
	if mx := slices.Max(x); mx > 0 {
		radius = cut / mx
	}
	return out, radius
}

// Map computes the Bourdieu map of docs (emb[i] the embedding of docs[i],
// in space) for query q: coordinates, the radius filter (Keep, with as many
// documents at least as the topics need: n_clusters times opt's minimum per
// topic), and topics on the kept documents with opt (see TopicOptions). The
// response's query holds the radius size used. It leaves docs unchanged:
// the response holds copies, without embeddings.
func Map(ctx context.Context, docs []topicmap.Document, emb [][]float32, terms []topicmap.Term, space embed.Space, q topicmap.BourdieuQuery, opt topics.Options) (*topicmap.BourdieuResponse, error) {
	if len(emb) != len(docs) {
		panic("bourdieu: Map: docs and embeddings differ in length")
	}
	x, y, err := Coordinates(ctx, space, emb, q)
	if err != nil {
		return nil, err
	}
	xDim := topicmap.ContinuumDimension{ID: XAxisID, LeftWords: slices.Clone(q.XLeftWords), RightWords: slices.Clone(q.XRightWords)}
	yDim := topicmap.ContinuumDimension{ID: YAxisID, LeftWords: slices.Clone(q.YTopWords), RightWords: slices.Clone(q.YBottomWords)}
	k := opt.NClusters
	if k <= 0 {
		k = topics.DefaultOptions().NClusters
	}
	keep, radius := Keep(x, y, q.RadiusSize, k*max(1, opt.MinDocsPerCluster))
	var out []topicmap.Document
	for i, d := range docs {
		if !keep[i] {
			continue
		}
		d.Embedding = nil
		d.X, d.Y = &x[i], &y[i]
		d.BourdieuDimensions = []topicmap.BourdieuDimension{
			{Continuum: xDim, Distance: x[i]},
			{Continuum: yDim, Distance: y[i]},
		}
		d.TopicID, d.TopicRanking = nil, nil
		if d.TermID == nil {
			d.TermID = []string{}
		}
		out = append(out, d)
	}
	if len(out) < k {
		return nil, fmt.Errorf("bourdieu: %d documents, fewer than the %d clusters: %w", len(docs), k, ErrTooFewDocuments)
	}
	tps, err := topics.Fit(ctx, out, terms, opt)
	if err != nil {
		return nil, fmt.Errorf("bourdieu: %w", err)
	}
	if tps == nil {
		tps = []topicmap.Topic{}
	}
	query := cloneQuery(q)
	query.RadiusSize = radius
	return &topicmap.BourdieuResponse{Docs: out, Topics: tps, Query: query}, nil
}

func cloneQuery(q topicmap.BourdieuQuery) topicmap.BourdieuQuery {
	return topicmap.BourdieuQuery{
		XLeftWords:   slices.Clone(q.XLeftWords),
		XRightWords:  slices.Clone(q.XRightWords),
		YTopWords:    slices.Clone(q.YTopWords),
		YBottomWords: slices.Clone(q.YBottomWords),
		RadiusSize:   q.RadiusSize,
	}
}
