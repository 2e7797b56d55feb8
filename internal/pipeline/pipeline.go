// This file is the contract that the worker codes against (see doc.go); the
// stages live in their own packages (embed, lsa, umap, cluster, terms,
// topics, bourdieu).

package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/bunkatopics/bunka-go/internal/bourdieu"
	"github.com/bunkatopics/bunka-go/internal/cluster"
	"github.com/bunkatopics/bunka-go/internal/device"
	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/lang"
	"github.com/bunkatopics/bunka-go/internal/lsa"
	"github.com/bunkatopics/bunka-go/internal/terms"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
	"github.com/bunkatopics/bunka-go/internal/topics"
	"github.com/bunkatopics/bunka-go/internal/umap"
)

// ErrInvalidInput is wrapped by every error caused by the caller's data (no
// documents, n_clusters larger than the documents, an empty axis, ...), so
// that the service can tell bad input from internal failures.
var ErrInvalidInput = errors.New("invalid input")

// EmbedderMismatchError is Refresh's error for a state that another
// embedder made than the pipeline's: the axis words could not be placed
// among the documents. It is a deployment fault (workers configured with
// different embedders), not the caller's.
type EmbedderMismatchError struct {
	State    string // the embedder that made the state
	Pipeline string // this pipeline's embedder
}

func (e *EmbedderMismatchError) Error() string {
	return fmt.Sprintf("pipeline: refresh: state made by embedder %q, this pipeline has %q", e.State, e.Pipeline)
}

// ProgressFunc receives the name of the stage that starts and the overall
// percentage done (0..100, never decreasing).
type ProgressFunc func(stage string, percent float64)

// Namer renames topics, for example with an LLM when clean_topics is set.
// It returns the new names by topic id; topics it leaves out keep their
// term-based names. It must not fail a job: errors are logged and ignored.
type Namer interface {
	NameTopics(ctx context.Context, topics []topicmap.Topic, language string) (map[string]string, error)
}

// Input is one job's documents and parameters.
type Input struct {
	Texts      []string            // the documents; empty ones are dropped
	IDs        []string            // optional ids, parallel to Texts
	Embeddings [][]float32         // optional pre-computed embeddings, parallel to Texts
	Param      topicmap.TopicParam // topic parameters
	Bourdieu   *topicmap.BourdieuQuery

	// IncludeEmbeddings keeps each document's embedding in the response
	// (the original's JSON has them); by default they are left out (null)
	// and only the State holds them.
	IncludeEmbeddings bool
}

// State is what a Bourdieu refresh needs from a finished topics job besides
// its JSON result: the document embeddings and the embedding space to put
// query words in. The worker stores it beside the result.
type State struct {
	Embedder   string      // embed.Embedder.Name() that made the vectors
	Space      []byte      // embed.Space.MarshalBinary()
	Embeddings [][]float32 // row i for Docs[i] of the result

	// BourdieuLeftOut is why Topics left the Bourdieu map it was asked
	// for empty (an ErrInvalidInput naming, say, the axis word the
	// embedder cannot place); nil when it drew it or was not asked. It
	// tells the job's client; it is not encoded (MarshalBinary).
	BourdieuLeftOut error
}

// Config wires a Pipeline. The zero value of each field means its default.
type Config struct {
	Embedder embed.Embedder // nil: the builtin latent-semantic embedder
	Namer    Namer          // nil: term-based names only
	Logger   *slog.Logger   // nil: slog.Default()
	Seed     int64          // 0: 42, as the original's UMAP random_state

	// Devices says where each stage computes (engine sets it beside the
	// embedder and the backends below). The embedder's device sets the
	// progress stages' weights; all of them are named in the worker's job
	// log lines (Pipeline.Devices).
	Devices Devices
	// The numeric backends; nil: the CPU ones (knn.AutoSearcher,
	// umap.CPULayout, cluster.CPU). A GPU version is chosen here, in
	// engine, without touching the stages' callers.
	Searcher  knn.Searcher
	Layout    umap.Optimizer
	Clusterer cluster.Clusterer
}

// Pipeline runs topic-modelling jobs. It is safe for concurrent use.
type Pipeline struct {
	cfg Config
}

// Devices names where each stage of a job computes. The zero value of a
// field means the CPU.
type Devices struct {
	Embedding  device.Device // the embedder (embedchoice.DeviceOf)
	KNN        device.Device // the k-NN search of the projection
	Layout     device.Device // the UMAP layout
	Clustering device.Device // the k-means of the topics
}

// LogValue groups the devices for a log line: embedding=cpu knn=cuda ...
func (d Devices) LogValue() slog.Value {
	name := func(v device.Device) string {
		if v == "" {
			return string(device.CPU)
		}
		return string(v)
	}
	return slog.GroupValue(
		slog.String("embedding", name(d.Embedding)),
		slog.String("knn", name(d.KNN)),
		slog.String("layout", name(d.Layout)),
		slog.String("clustering", name(d.Clustering)),
	)
}

// Devices returns where each stage computes, as the Config says.
func (p *Pipeline) Devices() Devices { return p.cfg.Devices }

// New returns a Pipeline with cfg's defaults filled in.
func New(cfg Config) *Pipeline {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Seed == 0 {
		cfg.Seed = 42
	}
	return &Pipeline{cfg: cfg}
}

// Topics computes the topic map of in and its Bourdieu map when
// in.Bourdieu is set. The Bourdieu map is never nil: without a query it is
// EmptyBourdieu of the zero query, and a query that cannot be drawn, say an
// axis word that the embedder cannot place, gives EmptyBourdieu of that
// query, logged, instead of failing the job. The returned documents carry no embeddings unless
// in.IncludeEmbeddings; those are in the State, for Refresh.
func (p *Pipeline) Topics(ctx context.Context, in Input, progress ProgressFunc) (*topicmap.TopicsResponse, *State, error) {
	stages := []string{StageLanguage, StageEmbedding, StageProjection, StageTerms, StageTopics}
	if in.Bourdieu != nil {
		stages = append(stages, StageBourdieu)
	}
	pr := newProgress(progress, stageWeights(p.cfg.Embedder, p.cfg.Devices.Embedding), stages...)
	// The query is not checked up front: a topics job whose axis words the
	// embedder cannot place keeps its topic map (see below).
	query := in.Bourdieu
	in.Bourdieu = nil
	r, err := p.start(ctx, in, pr)
	if err != nil {
		return nil, nil, err
	}

	pr.begin(StageProjection)
	t0 := time.Now()
	xy, err := umap.Project(ctx, r.emb, umap.Options{
		Neighbors: 15,
		MinDist:   0.1,
		Spread:    1,
		Metric:    knn.Euclidean,
		Seed:      p.cfg.Seed,
		Progress:  pr.within,
		Searcher:  p.cfg.Searcher,
		Layout:    p.cfg.Layout,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("pipeline: projection: %w", err)
	}
	for i := range r.docs {
		x, y := float64(xy[i][0]), float64(xy[i][1])
		r.docs[i].X, r.docs[i].Y = &x, &y
	}
	p.cfg.Logger.DebugContext(ctx, "projection done", "docs", len(r.docs), "seconds", time.Since(t0).Seconds())

	if err := p.extractTerms(ctx, r, pr); err != nil {
		return nil, nil, err
	}

	pr.begin(StageTopics)
	t0 = time.Now()
	opt := topics.FromParam(r.param)
	opt.Seed = p.cfg.Seed
	opt.Clusterer = p.cfg.Clusterer
	if opt.MinCountTerms > 1 && len(r.docs) <= 500 {
		p.cfg.Logger.InfoContext(ctx, "too few documents for min_count_terms, using 1", "docs", len(r.docs), "min_count_terms", opt.MinCountTerms)
		opt.MinCountTerms = 1
	}
	tps, err := topics.Fit(ctx, r.docs, r.terms, opt)
	if err != nil {
		return nil, nil, fmt.Errorf("pipeline: topics: %w", err)
	}
	if tps == nil {
		tps = []topicmap.Topic{}
	}
	p.name(ctx, tps, r)
	p.cfg.Logger.DebugContext(ctx, "topics done", "topics", len(tps), "seconds", time.Since(t0).Seconds())

	// bourdieu_response is never null (the original frontend's Bourdieu
	// view fails on null): without a query it is the empty map of the
	// empty query.
	resp := &topicmap.TopicsResponse{Docs: r.docs, Topics: tps, Terms: r.terms, BourdieuResponse: EmptyBourdieu(topicmap.BourdieuQuery{})}
	var leftOut error
	if query != nil {
		pr.begin(StageBourdieu)
		t0 = time.Now()
		br, err := p.topicsBourdieu(ctx, r, *query)
		switch {
		case errors.Is(err, ErrInvalidInput):
			// The topic map is the job's main product and took the
			// longest: a query it cannot answer (say, an axis word that
			// the embedder cannot place, or too few documents outside
			// the radius) leaves the Bourdieu map empty rather than
			// failing the job: the query with no documents and no topics,
			// never null (the original frontend's Bourdieu view fails on
			// null). The refresh endpoint answers such a query with a 422.
			p.cfg.Logger.WarnContext(ctx, "bourdieu map left out, topic map kept", "err", err)
			resp.BourdieuResponse = EmptyBourdieu(*query)
			leftOut = err
		case err != nil:
			return nil, nil, err
		default:
			resp.BourdieuResponse = br
			p.cfg.Logger.DebugContext(ctx, "bourdieu done", "docs", len(br.Docs), "topics", len(br.Topics), "seconds", time.Since(t0).Seconds())
		}
	}
	st, err := r.state()
	if err != nil {
		return nil, nil, err
	}
	st.BourdieuLeftOut = leftOut
	if in.IncludeEmbeddings {
		for i := range resp.Docs {
			resp.Docs[i].Embedding = r.emb[i]
		}
	}
	pr.done()
	return resp, st, nil
}

// EmptyBourdieu is the Bourdieu map of a query that could not be drawn,
// or of a topics job that asked for none (the zero query): the query, no
// documents, no topics. Every list is empty rather than nil, so that its
// JSON holds [] and never null.
func EmptyBourdieu(q topicmap.BourdieuQuery) *topicmap.BourdieuResponse {
	return &topicmap.BourdieuResponse{
		Docs:   []topicmap.Document{},
		Topics: []topicmap.Topic{},
		Query: topicmap.BourdieuQuery{
			XLeftWords:   cloneWords(q.XLeftWords),
			XRightWords:  cloneWords(q.XRightWords),
			YTopWords:    cloneWords(q.YTopWords),
			YBottomWords: cloneWords(q.YBottomWords),
			RadiusSize:   q.RadiusSize,
		},
	}
}

// cloneWords copies an axis word list; nil gives an empty list.
func cloneWords(w []string) []string {
	return append([]string{}, w...)
}

// topicsBourdieu computes the Bourdieu map of a topics job.
func (p *Pipeline) topicsBourdieu(ctx context.Context, r *run, q topicmap.BourdieuQuery) (*topicmap.BourdieuResponse, error) {
	space, err := r.querySpace(ctx)
	if err != nil {
		return nil, err
	}
	return p.bourdieuMap(ctx, r.docs, r.emb, r.terms, space, q, r.param, r.language)
}

// Bourdieu computes only the Bourdieu map of in (in.Bourdieu must be set),
// as the original's deprecated bourdieu_api_task. The map needs the
// embeddings and the terms only: the 2-D projection and the topic map of
// the full run would be overwritten, so they are not computed.
func (p *Pipeline) Bourdieu(ctx context.Context, in Input, progress ProgressFunc) (*topicmap.BourdieuResponse, error) {
	if in.Bourdieu == nil {
		return nil, fmt.Errorf("pipeline: no Bourdieu query: %w", ErrInvalidInput)
	}
	pr := newProgress(progress, stageWeights(p.cfg.Embedder, p.cfg.Devices.Embedding), StageLanguage, StageEmbedding, StageTerms, StageBourdieu)
	r, err := p.start(ctx, in, pr)
	if err != nil {
		return nil, err
	}
	if err := p.extractTerms(ctx, r, pr); err != nil {
		return nil, err
	}
	pr.begin(StageBourdieu)
	space, err := r.querySpace(ctx)
	if err != nil {
		return nil, err
	}
	br, err := p.bourdieuMap(ctx, r.docs, r.emb, r.terms, space, *in.Bourdieu, r.param, r.language)
	if err != nil {
		return nil, err
	}
	pr.done()
	return br, nil
}

// stateSpace returns the embedding space of a finished job's state, in
// which new queries are embedded beside its documents.
func (p *Pipeline) stateSpace(ctx context.Context, prev *topicmap.TopicsResponse, st *State, language string) (embed.Space, error) {
	e := p.embedder(language)
	var space embed.Space
	var err error
	switch {
	case st.Embedder != e.Name():
		return nil, &EmbedderMismatchError{State: st.Embedder, Pipeline: e.Name()}
	case len(st.Space) > 0:
		space, err = e.LoadSpace(st.Space)
		if err != nil {
			return nil, fmt.Errorf("pipeline: loading the %s space: %w", e.Name(), err)
		}
	default:
		// The job's embeddings were pre-computed: build the space now.
		texts := make([]string, len(prev.Docs))
		for i, d := range prev.Docs {
			texts[i] = d.Content
		}
		_, space, err = e.EmbedDocuments(ctx, texts)
		if err != nil {
			return nil, fmt.Errorf("pipeline: %w", err)
		}
	}
	if d := len(st.Embeddings[0]); space.Dim() != d {
		return nil, fmt.Errorf("pipeline: embeddings of %d dimensions, the %s space has %d: %w", d, e.Name(), space.Dim(), ErrInvalidInput)
	}
	return space, nil
}

// Refresh recomputes the Bourdieu map of a finished topics job for a new
// query, from its result and state, without embedding the documents again.
func (p *Pipeline) Refresh(ctx context.Context, prev *topicmap.TopicsResponse, st *State, q topicmap.BourdieuQuery, param topicmap.TopicParam) (*topicmap.BourdieuResponse, error) {
	if prev == nil || st == nil {
		return nil, fmt.Errorf("pipeline: refresh: no previous result or state: %w", ErrInvalidInput)
	}
	if len(st.Embeddings) != len(prev.Docs) {
		return nil, fmt.Errorf("pipeline: refresh: state has %d embeddings for %d documents: %w", len(st.Embeddings), len(prev.Docs), ErrInvalidInput)
	}
	if len(prev.Docs) == 0 {
		return nil, fmt.Errorf("pipeline: refresh: no documents: %w", ErrInvalidInput)
	}
	param, err := checkParam(param)
	if err != nil {
		return nil, err
	}
	language := normLanguage(param.Language)
	if language == "" {
		language = "english"
	}
	space, err := p.stateSpace(ctx, prev, st, language)
	if err != nil {
		return nil, err
	}
	return p.bourdieuMap(ctx, prev.Docs, st.Embeddings, prev.Terms, space, q, param, language)
}

// run is one job in progress.
type run struct {
	*job
	language string
	embedder embed.Embedder
	pr       *progress
	emb      [][]float32
	space    embed.Space // nil until needed when the embeddings were given
	terms    []topicmap.Term
}

// start validates the input, settles the language and embeds the documents.
func (p *Pipeline) start(ctx context.Context, in Input, pr *progress) (*run, error) {
	pr.begin(StageLanguage)
	t0 := time.Now()
	j, err := prepare(in, p.cfg.Seed)
	if err != nil {
		return nil, err
	}
	if j.dropped > 0 || j.duplicates > 0 {
		p.cfg.Logger.InfoContext(ctx, "documents left out", "empty", j.dropped, "duplicate_ids", j.duplicates, "kept", len(j.docs))
	}
	r := &run{job: j, pr: pr}
	r.language = normLanguage(j.param.Language)
	if r.language == "" {
		r.language = lang.Detect(languageSample(j.texts, p.cfg.Seed))
		p.cfg.Logger.InfoContext(ctx, "language detected", "language", r.language, "seconds", time.Since(t0).Seconds())
	}
	r.param.Language = r.language
	r.embedder = p.embedder(r.language)

	pr.begin(StageEmbedding)
	t0 = time.Now()
	if j.embeddings != nil {
		r.emb = j.embeddings
		p.cfg.Logger.InfoContext(ctx, "using pre-computed embeddings", "docs", len(r.emb), "dim", len(r.emb[0]))
	} else {
		emb, space, err := embed.Documents(ctx, r.embedder, j.texts, pr.within)
		if errors.Is(err, lsa.ErrNoTerms) {
			return nil, fmt.Errorf("pipeline: embedding with %s: %w: %w", r.embedder.Name(), ErrInvalidInput, err)
		}
		if err != nil {
			return nil, fmt.Errorf("pipeline: embedding with %s: %w", r.embedder.Name(), err)
		}
		if len(emb) != len(j.texts) {
			return nil, fmt.Errorf("pipeline: embedder %s returned %d vectors for %d texts", r.embedder.Name(), len(emb), len(j.texts))
		}
		r.emb, r.space = emb, space
	}
	p.cfg.Logger.DebugContext(ctx, "embedding done", "embedder", r.embedder.Name(), "seconds", time.Since(t0).Seconds())
	if in.Bourdieu != nil {
		// Fail now, not after the projection, on axis words the space
		// cannot place.
		if err := r.checkQuery(ctx, *in.Bourdieu); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// checkQuery reports the errors that q's axes would give in the Bourdieu map.
func (r *run) checkQuery(ctx context.Context, q topicmap.BourdieuQuery) error {
	space, err := r.querySpace(ctx)
	if err != nil {
		return err
	}
	if _, err := bourdieu.Continuum(ctx, space, q.XLeftWords, q.XRightWords); err != nil {
		return bourdieuError(fmt.Errorf("x axis: %w", err))
	}
	if _, err := bourdieu.Continuum(ctx, space, q.YTopWords, q.YBottomWords); err != nil {
		return bourdieuError(fmt.Errorf("y axis: %w", err))
	}
	return nil
}

// bourdieuError marks the errors of a Bourdieu map that the request caused.
func bourdieuError(err error) error {
	switch {
	case errors.Is(err, bourdieu.ErrInvalidQuery), errors.Is(err, bourdieu.ErrTooFewDocuments), errors.Is(err, embed.ErrUnknownText):
		return fmt.Errorf("pipeline: %w: %w", ErrInvalidInput, err)
	case err != nil:
		return fmt.Errorf("pipeline: %w", err)
	}
	return nil
}

// extractTerms finds the noun phrases of the documents.
func (p *Pipeline) extractTerms(ctx context.Context, r *run, pr *progress) error {
	pr.begin(StageTerms)
	t0 := time.Now()
	res, err := terms.Extract(ctx, r.texts, terms.Options{
		Language:   r.language,
		SampleSize: 1000,
		Seed:       p.cfg.Seed,
		MaxNgram:   3,
	})
	if err != nil {
		return fmt.Errorf("pipeline: terms: %w", err)
	}
	r.terms = res.Terms
	if r.terms == nil {
		r.terms = []topicmap.Term{}
	}
	for i := range r.docs {
		if i < len(res.DocTerms) && res.DocTerms[i] != nil {
			r.docs[i].TermID = res.DocTerms[i]
		}
	}
	p.cfg.Logger.DebugContext(ctx, "terms done", "terms", len(r.terms), "seconds", time.Since(t0).Seconds())
	return nil
}

// querySpace returns the space to embed the Bourdieu axis words in. When
// the embeddings were given, the embedder builds its space from the texts,
// which must give vectors of the same dimension; its progress counts in the
// current stage.
func (r *run) querySpace(ctx context.Context) (embed.Space, error) {
	if r.space == nil {
		_, space, err := embed.Documents(ctx, r.embedder, r.texts, r.pr.within)
		if err != nil {
			return nil, fmt.Errorf("pipeline: building the %s space for the Bourdieu axes: %w", r.embedder.Name(), err)
		}
		if space.Dim() != len(r.emb[0]) {
			return nil, fmt.Errorf("pipeline: pre-computed embeddings of %d dimensions, the %s space has %d: cannot place the axis words: %w",
				len(r.emb[0]), r.embedder.Name(), space.Dim(), ErrInvalidInput)
		}
		r.space = space
	}
	return r.space, nil
}

// state is what Refresh needs of this run. Without a space (pre-computed
// embeddings and no Bourdieu map), Refresh builds one from the texts.
func (r *run) state() (*State, error) {
	st := &State{Embedder: r.embedder.Name(), Embeddings: r.emb}
	if r.space != nil {
		b, err := r.space.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("pipeline: saving the %s space: %w", r.embedder.Name(), err)
		}
		st.Space = b
	}
	return st, nil
}

// bourdieuMap computes a Bourdieu map and names its topics.
func (p *Pipeline) bourdieuMap(ctx context.Context, docs []topicmap.Document, emb [][]float32, trms []topicmap.Term, space embed.Space, q topicmap.BourdieuQuery, param topicmap.TopicParam, language string) (*topicmap.BourdieuResponse, error) {
	opt := bourdieu.TopicOptions(param)
	opt.Seed = p.cfg.Seed
	opt.Clusterer = p.cfg.Clusterer
	br, err := bourdieu.Map(ctx, docs, emb, trms, space, q, opt)
	if err != nil {
		return nil, bourdieuError(err)
	}
	if param.CleanTopics {
		p.applyNames(ctx, br.Topics, language)
	}
	return br, nil
}

// name renames the topics with the Namer when the job asks for clean topics.
func (p *Pipeline) name(ctx context.Context, tps []topicmap.Topic, r *run) {
	if r.param.CleanTopics {
		p.applyNames(ctx, tps, r.language)
	}
}

func (p *Pipeline) applyNames(ctx context.Context, tps []topicmap.Topic, language string) {
	if p.cfg.Namer == nil || len(tps) == 0 {
		return
	}
	names, err := p.cfg.Namer.NameTopics(ctx, tps, language)
	if err != nil {
		p.cfg.Logger.WarnContext(ctx, "naming topics failed; keeping term-based names", "err", err)
	}
	for i := range tps {
		if n, ok := names[tps[i].TopicID]; ok && strings.TrimSpace(n) != "" {
			tps[i].Name = n
		}
	}
}

// embedder returns the configured embedder, or the builtin one for language.
func (p *Pipeline) embedder(language string) embed.Embedder {
	if p.cfg.Embedder != nil {
		return p.cfg.Embedder
	}
	return lsa.New(lsa.Options{Language: language, Seed: p.cfg.Seed})
}

// normLanguage returns the language name asked for, or "" to detect it.
func normLanguage(s string) string {
	s = lang.Normalize(s)
	if s == "auto" {
		return ""
	}
	return s
}

// languageSample returns up to 500 of the texts, drawn with seed, in their
// order, for language detection.
func languageSample(texts []string, seed int64) []string {
	const n = 500
	if len(texts) <= n {
		return texts
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x1a))
	idx := rng.Perm(len(texts))[:n]
	slices.Sort(idx)
	out := make([]string, n)
	for i, k := range idx {
		out[i] = texts[k]
	}
	return out
}
