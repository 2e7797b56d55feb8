// Package embedchoice picks the worker's embedder at start-up from its
// settings (BUNKA_EMBEDDER, BUNKA_DEVICE, ...): the ONNX MiniLM model when it
// is asked for or, with "auto", when its files and runtime are found; else
// the builtin latent-semantic embedder.
package embedchoice

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/bunkatopics/bunka-go/internal/device"
	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/onnx"
)

// Embedder kinds accepted by Settings.Embedder.
const (
	Auto    = "auto"    // onnx when the model and runtime are found, else builtin
	ONNX    = "onnx"    // onnx or a start-up error
	Builtin = "builtin" // the latent-semantic embedder (package lsa)
)

// Settings choose the embedder. The zero value of each field means its
// default; each names the environment variable that sets it.
type Settings struct {
	Embedder    string        // BUNKA_EMBEDDER: auto, onnx or builtin; "": auto
	Device      device.Device // BUNKA_DEVICE: auto, cpu or cuda; "": auto
	ModelDir    string        // BUNKA_MODEL_DIR; "": models/all-MiniLM-L6-v2
	LibraryPath string        // ONNXRUNTIME_LIB; "": third_party/onnxruntime/lib/libonnxruntime.so, then system paths
	Threads     int           // BUNKA_ONNX_THREADS: intra-op threads; 0: all cores
	BatchSize   int           // BUNKA_ONNX_BATCH: texts per model run; 0: 32
}

// FromEnv reads Settings from the environment through lookup (os.LookupEnv
// when nil).
func FromEnv(lookup func(string) (string, bool)) (Settings, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	get := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	s := Settings{
		Embedder:    strings.ToLower(get("BUNKA_EMBEDDER")),
		Device:      device.Device(strings.ToLower(get("BUNKA_DEVICE"))),
		ModelDir:    get("BUNKA_MODEL_DIR"),
		LibraryPath: get("ONNXRUNTIME_LIB"),
	}
	var errs []error
	for _, f := range []struct {
		key string
		dst *int
	}{{"BUNKA_ONNX_THREADS", &s.Threads}, {"BUNKA_ONNX_BATCH", &s.BatchSize}} {
		if v := get(f.key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				errs = append(errs, fmt.Errorf("%s=%q: want a whole number", f.key, v))
			}
			*f.dst = n
		}
	}
	switch s.Embedder {
	case "", Auto, ONNX, Builtin:
	default:
		errs = append(errs, fmt.Errorf("BUNKA_EMBEDDER=%q: want auto, onnx or builtin", s.Embedder))
	}
	if !s.Device.Valid() {
		errs = append(errs, fmt.Errorf("BUNKA_DEVICE=%q: want auto, cpu or cuda", s.Device))
	}
	return s, errors.Join(errs...)
}

func (s Settings) onnxOptions(logger *slog.Logger) onnx.Options {
	return onnx.Options{
		ModelDir: s.ModelDir, LibraryPath: s.LibraryPath, Device: s.Device,
		Threads: s.Threads, BatchSize: s.BatchSize, Logger: logger,
	}
}

// Choose loads the embedder s asks for and says why, once per process.
//
// A nil Embedder (with a nil error) means the builtin one: leave
// pipeline.Config.Embedder nil, and the pipeline makes a latent-semantic
// embedder per job, with the stopwords of the job's language. A non-nil one
// is an *onnx.Embedder, to keep for the life of the process and Close
// (io.Closer) at shutdown.
//
// Errors: BUNKA_EMBEDDER=onnx whose model or runtime cannot be loaded, or
// BUNKA_DEVICE=cuda with an ONNX model that cannot run on the GPU. The
// builtin embedder, chosen or fallen back to, runs on the CPU whatever
// BUNKA_DEVICE says (it has no GPU version); the GPU that BUNKA_DEVICE=cuda
// asks for is then the numeric stages' (k-NN, layout, k-means), and engine
// fails at start-up when there is none: asking for the GPU is never
// silently ignored.
func Choose(s Settings, logger *slog.Logger) (embed.Embedder, string, error) {
	if logger == nil {
		logger = slog.Default()
	}
	kind := s.Embedder
	if kind == "" {
		kind = Auto
	}
	var (
		e      embed.Embedder
		reason string
		err    error
	)
	switch kind {
	case Builtin:
		reason = "BUNKA_EMBEDDER=builtin"
	case ONNX:
		var oe *onnx.Embedder
		if oe, err = onnx.New(s.onnxOptions(logger)); err == nil {
			e, reason = oe, "BUNKA_EMBEDDER=onnx, on "+string(oe.Device())
		}
	case Auto:
		if ok, why := onnx.Available(s.onnxOptions(logger)); !ok {
			reason = "BUNKA_EMBEDDER=auto and " + why
			break
		}
		oe, lerr := onnx.New(s.onnxOptions(logger))
		switch {
		case lerr == nil:
			e, reason = oe, "BUNKA_EMBEDDER=auto found the model and runtime, on "+string(oe.Device())
		case s.Device == device.CUDA:
			err = lerr
		default:
			reason = "BUNKA_EMBEDDER=auto but the onnx embedder failed to load: " + lerr.Error()
		}
	default:
		err = fmt.Errorf("BUNKA_EMBEDDER=%q: want auto, onnx or builtin", kind)
	}
	if err != nil {
		return nil, "", fmt.Errorf("embedchoice: %w", err)
	}
	name := "builtin"
	if e != nil {
		name = e.Name()
	} else if s.Device == device.CUDA {
		reason += "; it runs on the CPU (the builtin embedder has no GPU version)"
	}
	logger.Info("embedder chosen", "embedder", name, "why", reason)
	return e, reason, nil
}

// DeviceOf returns where e computes: the device its model runs on for the
// ONNX embedder, the CPU for the builtin one (and any other).
func DeviceOf(e embed.Embedder) device.Device {
	if oe, ok := e.(*onnx.Embedder); ok {
		return oe.Device()
	}
	return device.CPU
}
