// Package engine builds the topic pipeline that the worker computes with,
// from the environment. It is the one place where the model settings are
// wired: the device of every stage (BUNKA_DEVICE: the embedder's provider
// and the GPU or CPU backends of the k-NN search, the layout and k-means),
// the embedder (BUNKA_EMBEDDER, BUNKA_MODEL_DIR, ...) and the LLM namer
// (OPEN_AI_KEY, OPENAI_BASE_URL, BUNKA_LLM_MODEL, ...). bunkaworker and "bunka serve" import it; bunkaapi, which runs no model,
// does not.
package engine

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/bunkatopics/bunka-go/internal/embedchoice"
	"github.com/bunkatopics/bunka-go/internal/llm"
	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/worker"
)

// New returns the pipeline the worker computes with and a function that
// releases its model and its GPU. The embedder is loaded once here, not
// per job: the ONNX MiniLM model when BUNKA_EMBEDDER asks for it (or, with
// "auto", when the model and the runtime are found), else the builtin
// latent-semantic embedder. BUNKA_DEVICE chooses the device of every stage
// (see PipelineConfig). Topics are named by the LLM when a job asks for
// clean topics. lookup reads the environment (os.LookupEnv in main).
func New(lookup func(string) (string, bool), log *slog.Logger) (worker.Modeler, func() error, error) {
	cfg, release, err := PipelineConfig(lookup, log)
	if err != nil {
		return nil, nil, err
	}
	return pipeline.New(cfg), release, nil
}

// PipelineConfig returns the pipeline configuration that New uses, for
// callers that adjust it (the command line sets its own seed), and the
// function that releases its model and GPU.
//
// BUNKA_DEVICE (auto, cpu or cuda) chooses the device of every stage: the
// embedder's provider (embedchoice) and the numeric backends (OpenNumeric:
// k-NN search, UMAP layout and k-means on the GPU of internal/cuda, or on
// the CPU). With cuda, no usable GPU is a start-up error that says why;
// with auto, the GPU is tried. One log line per stage says which device it
// got and why; pipeline.Config.Devices keeps them for the jobs' log lines.
func PipelineConfig(lookup func(string) (string, bool), log *slog.Logger) (pipeline.Config, func() error, error) {
	return pipelineConfig(lookup, log, openCUDA)
}

func pipelineConfig(lookup func(string) (string, bool), log *slog.Logger, open func() (gpu, error)) (pipeline.Config, func() error, error) {
	if log == nil {
		log = slog.Default()
	}
	es, err := embedchoice.FromEnv(lookup)
	if err != nil {
		return pipeline.Config{}, nil, fmt.Errorf("engine: %w", err)
	}
	num, err := openNumeric(es.Device, log, open) // logs the numeric stages' devices
	if err != nil {
		return pipeline.Config{}, nil, err
	}
	emb, why, err := embedchoice.Choose(es, log) // logs which embedder and why
	if err != nil {
		return pipeline.Config{}, nil, errors.Join(fmt.Errorf("engine: %w", err), num.Close())
	}
	embDev := embedchoice.DeviceOf(emb)
	log.Info("device chosen", "stage", StageEmbedding, "device", string(embDev), "why", why)
	release := num.Close
	if c, ok := emb.(io.Closer); ok {
		release = func() error { return errors.Join(c.Close(), num.Close()) }
	}
	lo := llm.OptionsFromEnv(lookup)
	lo.Logger = log
	namer := llm.New(lo)
	if namer.Enabled() {
		log.Info("llm topic names on", "model", namer.Model(), "base_url", cmp.Or(lo.BaseURL, "https://api.openai.com/v1"))
	} else {
		log.Info("llm topic names off: no OPEN_AI_KEY or OPENAI_API_KEY; topics keep their term-based names")
	}
	return pipeline.Config{
		Embedder: emb, Namer: namer, Logger: log,
		Searcher: num.Searcher, Layout: num.Layout, Clusterer: num.Clusterer,
		Devices: pipeline.Devices{Embedding: embDev, KNN: num.Devices.KNN, Layout: num.Devices.Layout, Clustering: num.Devices.Clustering},
	}, release, nil
}
