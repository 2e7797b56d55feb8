// Package engine builds the topic pipeline that the worker computes with,
// from the environment. It is the one place where the model settings are
// wired: the embedder (BUNKA_EMBEDDER, BUNKA_DEVICE, BUNKA_MODEL_DIR, ...)
// and the LLM namer (OPEN_AI_KEY, OPENAI_BASE_URL, BUNKA_LLM_MODEL, ...).
// bunkaworker and "bunka serve" import it; bunkaapi, which runs no model,
// does not.
package engine

import (
	"cmp"
	"fmt"
	"io"
	"log/slog"

	"github.com/bunkatopics/bunka-go/internal/embedchoice"
	"github.com/bunkatopics/bunka-go/internal/llm"
	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/worker"
)

// New returns the pipeline the worker computes with and a function that
// releases its model. The embedder is loaded once here, not per job: the
// ONNX MiniLM model when BUNKA_EMBEDDER asks for it (or, with "auto", when
// the model and the runtime are found), else the builtin latent-semantic
// embedder. Topics are named by the LLM when a job asks for clean topics.
// lookup reads the environment (os.LookupEnv in main).
func New(lookup func(string) (string, bool), log *slog.Logger) (worker.Modeler, func() error, error) {
	cfg, release, err := PipelineConfig(lookup, log)
	if err != nil {
		return nil, nil, err
	}
	return pipeline.New(cfg), release, nil
}

// PipelineConfig returns the pipeline configuration that New uses, for
// callers that adjust it (the command line sets its own seed).
func PipelineConfig(lookup func(string) (string, bool), log *slog.Logger) (pipeline.Config, func() error, error) {
	es, err := embedchoice.FromEnv(lookup)
	if err != nil {
		return pipeline.Config{}, nil, fmt.Errorf("engine: %w", err)
	}
	emb, _, err := embedchoice.Choose(es, log) // logs which embedder and why
	if err != nil {
		return pipeline.Config{}, nil, fmt.Errorf("engine: %w", err)
	}
	release := func() error { return nil }
	if c, ok := emb.(io.Closer); ok {
		release = c.Close
	}
	lo := llm.OptionsFromEnv(lookup)
	lo.Logger = log
	namer := llm.New(lo)
	if namer.Enabled() {
		log.Info("llm topic names on", "model", namer.Model(), "base_url", cmp.Or(lo.BaseURL, "https://api.openai.com/v1"))
	} else {
		log.Info("llm topic names off: no OPEN_AI_KEY or OPENAI_API_KEY; topics keep their term-based names")
	}
	return pipeline.Config{Embedder: emb, Device: embedchoice.DeviceOf(emb), Namer: namer, Logger: log}, release, nil
}
