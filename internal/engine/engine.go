// Package engine builds the topic pipeline that the worker computes with,
// from the service's configuration. It is the one place where the model
// settings are wired: the embedder (BUNKA_EMBEDDER, BUNKA_DEVICE, ...) and
// the LLM namer (OPEN_AI_KEY, ...). bunkaworker and "bunka serve" import
// it; bunkaapi, which runs no model, does not.
package engine

import (
	"log/slog"

	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/worker"
)

// New returns the pipeline the worker computes with. Today it is the
// builtin embedder and term-based topic names.
//
// Model settings go here: pipeline.Config.Embedder from the embedder
// settings, pipeline.Config.Namer from the LLM settings.
func New(cfg config.Config, log *slog.Logger) (worker.Modeler, error) {
	return pipeline.New(pipeline.Config{Logger: log}), nil
}
