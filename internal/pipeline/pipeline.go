// Package pipeline turns documents into a topic map and a Bourdieu map, as
// the Python library bunkatopics does (Bunka.fit, get_topics, BourdieuAPI).
//
// This file is the contract that the worker codes against; the stages live
// in their own packages (embed, umap, cluster, terms, topics, bourdieu).
package pipeline

import (
	"context"
	"errors"
	"log/slog"

	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// ErrInvalidInput is wrapped by every error caused by the caller's data (no
// documents, n_clusters larger than the documents, an empty axis, ...), so
// that the service can tell bad input from internal failures.
var ErrInvalidInput = errors.New("invalid input")

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
}

// State is what a Bourdieu refresh needs from a finished topics job besides
// its JSON result: the document embeddings and the embedding space to put
// query words in. The worker stores it beside the result.
type State struct {
	Embedder   string      // embed.Embedder.Name() that made the vectors
	Space      []byte      // embed.Space.MarshalBinary()
	Embeddings [][]float32 // row i for Docs[i] of the result
}

// Config wires a Pipeline. The zero value of each field means its default.
type Config struct {
	Embedder embed.Embedder // nil: the builtin latent-semantic embedder
	Namer    Namer          // nil: term-based names only
	Logger   *slog.Logger   // nil: slog.Default()
	Seed     int64          // 0: 42, as the original's UMAP random_state
}

// Pipeline runs topic-modelling jobs. It is safe for concurrent use.
type Pipeline struct {
	cfg Config
}

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

var errTODO = errors.New("pipeline: not implemented yet")

// Topics computes the topic map of in (and its Bourdieu map when
// in.Bourdieu is set). The returned documents carry no embeddings; those are
// in the State, for Refresh.
func (p *Pipeline) Topics(ctx context.Context, in Input, progress ProgressFunc) (*topicmap.TopicsResponse, *State, error) {
	return nil, nil, errTODO
}

// Bourdieu computes only the Bourdieu map of in (in.Bourdieu must be set),
// as the original's deprecated bourdieu_api_task.
func (p *Pipeline) Bourdieu(ctx context.Context, in Input, progress ProgressFunc) (*topicmap.BourdieuResponse, error) {
	return nil, errTODO
}

// Refresh recomputes the Bourdieu map of a finished topics job for a new
// query, from its result and state, without embedding the documents again.
func (p *Pipeline) Refresh(ctx context.Context, prev *topicmap.TopicsResponse, st *State, q topicmap.BourdieuQuery, param topicmap.TopicParam) (*topicmap.BourdieuResponse, error) {
	return nil, errTODO
}
