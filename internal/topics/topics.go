package topics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bunkatopics/bunka-go/internal/cluster"
	"github.com/bunkatopics/bunka-go/internal/hull"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// ErrTooFewDocuments is returned (wrapped) by Fit when there are fewer
// documents than clusters.
var ErrTooFewDocuments = errors.New("fewer documents than clusters")

// Options are the parameters of topic modelling and document ranking. A
// zero field means its default (DefaultOptions).
type Options struct {
	NClusters         int    // k of k-means; 10
	Ngrams            []int  // n-gram sizes of the terms that may name a topic; [1 2]
	NameLength        int    // terms in a name; 4
	TopTermsOverall   int    // most frequent terms considered; 2000
	MinCountTerms     int    // least count of a considered term; 1
	MinDocsPerCluster int    // smallest listed topic; 10
	TermsPerTopic     int    // specific terms kept per topic; 500
	RankingTerms      int    // first terms of a topic that rank its documents; 20
	MaxDocPerTopic    int    // ranked documents per topic; 20
	HullPoints        int    // points of a topic's outline; hull.DefaultN
	IDPrefix          string // topic ids are IDPrefix + "-" + label; "bt"
	Seed              int64  // k-means seed; 42

	// Clusterer runs the k-means; nil: cluster.CPU. A GPU one is chosen
	// in engine, through pipeline.Config.
	Clusterer cluster.Clusterer
}

// DefaultOptions returns the defaults of the original API's topics job.
func DefaultOptions() Options {
	return Options{
		NClusters:         10,
		Ngrams:            []int{1, 2},
		NameLength:        4,
		TopTermsOverall:   2000,
		MinCountTerms:     1,
		MinDocsPerCluster: 10,
		TermsPerTopic:     500,
		RankingTerms:      20,
		MaxDocPerTopic:    20,
		HullPoints:        hull.DefaultN,
		IDPrefix:          "bt",
		Seed:              42,
	}
}

// FromParam returns the options of an API request's topic parameters, the
// other fields at their defaults.
func FromParam(p topicmap.TopicParam) Options {
	o := DefaultOptions()
	o.NClusters = p.NClusters
	o.Ngrams = slices.Clone(p.Ngrams)
	o.NameLength = p.NameLength
	o.TopTermsOverall = p.TopTermsOverall
	o.MinCountTerms = p.MinCountTerms
	return o.withDefaults()
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.NClusters <= 0 {
		o.NClusters = d.NClusters
	}
	if len(o.Ngrams) == 0 {
		o.Ngrams = d.Ngrams
	}
	if o.NameLength <= 0 {
		o.NameLength = d.NameLength
	}
	if o.TopTermsOverall <= 0 {
		o.TopTermsOverall = d.TopTermsOverall
	}
	if o.MinCountTerms <= 0 {
		o.MinCountTerms = d.MinCountTerms
	}
	if o.MinDocsPerCluster <= 0 {
		o.MinDocsPerCluster = d.MinDocsPerCluster
	}
	if o.TermsPerTopic <= 0 {
		o.TermsPerTopic = d.TermsPerTopic
	}
	if o.RankingTerms <= 0 {
		o.RankingTerms = d.RankingTerms
	}
	if o.MaxDocPerTopic <= 0 {
		o.MaxDocPerTopic = d.MaxDocPerTopic
	}
	if o.HullPoints <= 0 {
		o.HullPoints = d.HullPoints
	}
	if o.IDPrefix == "" {
		o.IDPrefix = d.IDPrefix
	}
	if o.Seed == 0 {
		o.Seed = d.Seed
	}
	return o
}

// Fit clusters docs on their (x, y) with k-means (seeded, as scikit-learn's
// KMeans(n_init="auto", random_state=42)) and assembles the topics, as
// Bunka.get_topics. It sets TopicID and TopicRanking on docs, which must all
// have X and Y.
func Fit(ctx context.Context, docs []topicmap.Document, terms []topicmap.Term, opt Options) ([]topicmap.Topic, error) {
	opt = opt.withDefaults()
	if len(docs) < opt.NClusters {
		return nil, fmt.Errorf("topics: %d documents, %d clusters: %w", len(docs), opt.NClusters, ErrTooFewDocuments)
	}
	points := make([][]float64, len(docs))
	for i, d := range docs {
		if d.X == nil || d.Y == nil {
			return nil, fmt.Errorf("topics: document %d has no coordinates", i)
		}
		points[i] = []float64{*d.X, *d.Y}
	}
	km := opt.Clusterer
	if km == nil {
		km = cluster.CPU
	}
	res, err := km.Cluster(ctx, points, opt.NClusters, cluster.Options{Seed: opt.Seed})
	if err != nil {
		return nil, fmt.Errorf("topics: %w", err)
	}
	return Assemble(docs, terms, res.Labels, opt), nil
}

// docView is what the term tables need of a document.
type docView struct {
	topic string
	terms []string
}

// Assemble names, measures and outlines the topics of docs clustered as
// labels (labels[i] for docs[i]) and ranks the documents in them. It sets
// TopicID and TopicRanking on docs, which must all have X and Y.
func Assemble(docs []topicmap.Document, terms []topicmap.Term, labels []int, opt Options) []topicmap.Topic {
	opt = opt.withDefaults()
	if len(labels) != len(docs) {
		panic("topics: Assemble: labels and docs differ in length")
	}
	views := make([]docView, len(docs))
	for i := range docs {
		id := opt.IDPrefix + "-" + strconv.Itoa(labels[i])
		docs[i].TopicID = &id
		views[i] = docView{topic: id, terms: docs[i].TermID}
	}

	tb := buildTable(views, selectTerms(terms, opt))
	top := TopSpecific(SpecificityScores(tb.counts), opt.TermsPerTopic)

	type stats struct {
		size   int
		sx, sy float64
		xs, ys []float64
	}
	byTopic := map[string]*stats{}
	for _, d := range docs {
		s := byTopic[*d.TopicID]
		if s == nil {
			s = &stats{}
			byTopic[*d.TopicID] = s
		}
		s.size++
		s.sx += *d.X
		s.sy += *d.Y
		s.xs = append(s.xs, *d.X)
		s.ys = append(s.ys, *d.Y)
	}

	// Every topic of MinDocsPerCluster documents or more is listed, in
	// the order of its id as a string; its terms are its positive cells
	// of the table, or, with none, its most frequent terms (one topic
	// alone, or terms spread evenly), or none at all.
	rowOf := make(map[string]int, len(tb.topics))
	for row, id := range tb.topics {
		rowOf[id] = row
	}
	ids := make([]string, 0, len(byTopic))
	for id := range byTopic {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	radius := outlineRadius(docs)
	var out []topicmap.Topic
	for _, id := range ids {
		s := byTopic[id]
		if s.size < opt.MinDocsPerCluster {
			continue
		}
		termIDs := []string{}
		if row, ok := rowOf[id]; ok {
			cols := top[row]
			if len(cols) == 0 {
				cols = mostFrequent(tb.counts[row], opt.TermsPerTopic)
			}
			for _, col := range cols {
				termIDs = append(termIDs, tb.terms[col])
			}
		}
		name := Name(termIDs, opt.NameLength)
		if name == "" {
			name = id
		}
		size := s.size
		// The mean as pandas computes it: the sum, then one division.
		xc, yc := s.sx/float64(size), s.sy/float64(size)
		t := topicmap.Topic{
			TopicID:   id,
			Name:      name,
			TermID:    termIDs,
			XCentroid: &xc,
			YCentroid: &yc,
			Size:      &size,
		}
		if hx, hy, ok := hull.Outline(s.xs, s.ys, opt.HullPoints, radius); ok {
			t.ConvexHull = &topicmap.ConvexHull{XCoordinates: hx, YCoordinates: hy}
		}
		out = append(out, t)
	}
	// The documents of the topics left out belong to none.
	listed := make(map[string]bool, len(out))
	for _, t := range out {
		listed[t.TopicID] = true
	}
	for i := range docs {
		if !listed[*docs[i].TopicID] {
			docs[i].TopicID = nil
		}
	}
	Rank(docs, out, opt.RankingTerms, opt.MaxDocPerTopic)
	return out
}

// mostFrequent returns the indices of the positive cells of row, highest
// count first, ties in column order, at most topN of them.
func mostFrequent(row []float64, topN int) []int {
	var idx []int
	for j, c := range row {
		if c > 0 {
			idx = append(idx, j)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(row[b], row[a]) })
	if len(idx) > topN {
		idx = idx[:topN]
	}
	return idx
}

// outlineRadius is the radius of the outline around a topic of fewer than
// three distinct points: 1% of the map's larger side (0.01 for a map of one
// point).
func outlineRadius(docs []topicmap.Document) float64 {
	minX, maxX := math.Inf(1), math.Inf(-1)
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, d := range docs {
		minX, maxX = min(minX, *d.X), max(maxX, *d.X)
		minY, maxY = min(minY, *d.Y), max(maxY, *d.Y)
	}
	if side := max(maxX-minX, maxY-minY); side > 0 && !math.IsInf(side, 0) {
		return side / 100
	}
	return 0.01
}

// Name is a topic's name from its terms, best first: the first n of the
// first 100 terms that survive CleanTerms, joined with " | ".
func Name(terms []string, n int) string {
	if len(terms) > 100 {
		terms = terms[:100]
	}
	clean := CleanTerms(terms)
	if len(clean) > n {
		clean = clean[:n]
	}
	return strings.Join(clean, " | ")
}

// selectTerms returns the ids of the terms that may describe a topic: count
// at least MinCountTerms, among the TopTermsOverall most frequent, of one of
// the Ngrams sizes (filtered in that order).
func selectTerms(terms []topicmap.Term, opt Options) map[string]bool {
	var kept []topicmap.Term
	for _, t := range terms {
		if t.CountTerms >= opt.MinCountTerms {
			kept = append(kept, t)
		}
	}
	slices.SortStableFunc(kept, func(a, b topicmap.Term) int { return cmp.Compare(b.CountTerms, a.CountTerms) })
	if len(kept) > opt.TopTermsOverall {
		kept = kept[:opt.TopTermsOverall]
	}
	keep := make(map[string]bool, len(kept))
	for _, t := range kept {
		if slices.Contains(opt.Ngrams, t.Ngrams) {
			keep[t.TermID] = true
		}
	}
	return keep
}

// Rank ranks the documents of each topic by how many of the topic's first
// rankingTerms terms they contain, as the original's DocumentRanker: rank 1
// is the best, ties go by doc_id in string order, documents with none of the
// terms are not ranked, at most maxDoc per topic. It sets every document's
// TopicRanking (nil when unranked) and each topic's TopDocID, TopDocContent
// and TopTermID (the ranking terms), empty rather than nil when there are
// none: the original frontend lists top_doc_content when a topic is
// clicked, and fails on null.
func Rank(docs []topicmap.Document, topics []topicmap.Topic, rankingTerms, maxDoc int) {
	type scored struct {
		doc   int
		count int
	}
	termSets := make(map[string]map[string]bool, len(topics))
	for i := range topics {
		tt := topics[i].TermID
		if len(tt) > rankingTerms {
			tt = tt[:rankingTerms]
		}
		topics[i].TopTermID = append([]string{}, tt...)
		set := make(map[string]bool, len(tt))
		for _, t := range tt {
			set[t] = true
		}
		termSets[topics[i].TopicID] = set
	}
	byTopic := map[string][]scored{}
	for i := range docs {
		docs[i].TopicRanking = nil
		if docs[i].TopicID == nil {
			continue
		}
		set, ok := termSets[*docs[i].TopicID]
		if !ok {
			continue
		}
		n := 0
		for _, t := range docs[i].TermID {
			if set[t] {
				n++
			}
		}
		if n > 0 {
			byTopic[*docs[i].TopicID] = append(byTopic[*docs[i].TopicID], scored{i, n})
		}
	}
	for ti := range topics {
		id := topics[ti].TopicID
		list := byTopic[id]
		slices.SortFunc(list, func(a, b scored) int {
			if c := cmp.Compare(b.count, a.count); c != 0 {
				return c
			}
			return cmp.Compare(docs[a.doc].DocID, docs[b.doc].DocID)
		})
		if len(list) > maxDoc {
			list = list[:maxDoc]
		}
		topics[ti].TopDocID, topics[ti].TopDocContent = []string{}, []string{}
		for r, s := range list {
			rank := r + 1
			docs[s.doc].TopicRanking = &topicmap.TopicRanking{TopicID: id, Rank: &rank}
			topics[ti].TopDocID = append(topics[ti].TopDocID, docs[s.doc].DocID)
			topics[ti].TopDocContent = append(topics[ti].TopDocContent, docs[s.doc].Content)
		}
	}
}
