package onnx

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"

	"github.com/bunkatopics/bunka-go/internal/device"
)

// RuntimeVersion is the ONNX Runtime version whose C API onnxruntime_go
// v1.27.0 is built for (ORT_API_VERSION 24); make ort installs it.
const RuntimeVersion = "1.24.1"

// DefaultModelDir is where make model puts all-MiniLM-L6-v2.
const DefaultModelDir = "models/all-MiniLM-L6-v2"

// DefaultLibraryPaths are tried in order when Options.LibraryPath and
// $ONNXRUNTIME_LIB are empty.
var DefaultLibraryPaths = []string{
	"third_party/onnxruntime/lib/libonnxruntime.so", // make ort
	"/opt/onnxruntime/lib/libonnxruntime.so",        // Dockerfile.worker
	"/usr/local/lib/libonnxruntime.so",
	"/usr/lib/libonnxruntime.so",
}

// ErrUnavailable is wrapped by New's errors when the model or the runtime
// cannot be found or loaded, or when the device asked for cannot be used.
var ErrUnavailable = errors.New("onnx embedder unavailable")

// Options configure New. The zero value of each field means its default.
type Options struct {
	ModelDir    string        // model.onnx and tokenizer.json (or vocab.txt); "": DefaultModelDir
	LibraryPath string        // libonnxruntime.so; "": $ONNXRUNTIME_LIB, else the first of DefaultLibraryPaths that exists
	Device      device.Device // device.Auto (CUDA when it works, else the CPU), CPU or CUDA (or a start-up error); "": auto
	Threads     int           // intra-op threads; 0: runtime.GOMAXPROCS(0), the cores this process may use (cgroup-aware)
	BatchSize   int           // texts per model run; 0: 32
	MaxTokens   int           // tokens per text, [CLS] and [SEP] included; 0: 256
	Logger      *slog.Logger  // nil: slog.Default()
}

func (o Options) withDefaults() Options {
	if o.ModelDir == "" {
		o.ModelDir = DefaultModelDir
	}
	if o.LibraryPath == "" {
		o.LibraryPath = LibraryPath()
	}
	if o.Device == "" {
		o.Device = device.Auto
	}
	if o.Threads <= 0 {
		o.Threads = runtime.GOMAXPROCS(0)
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 32
	}
	if o.MaxTokens <= 0 {
		o.MaxTokens = 256
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// LibraryPath returns $ONNXRUNTIME_LIB, else the first of
// DefaultLibraryPaths that exists, else the first of them.
func LibraryPath() string {
	if p := os.Getenv("ONNXRUNTIME_LIB"); p != "" {
		return p
	}
	for _, p := range DefaultLibraryPaths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return DefaultLibraryPaths[0]
}

// files returns the model and tokenizer paths of dir, or why not.
func files(dir string) (model, tokenizer string, err error) {
	model = filepath.Join(dir, "model.onnx")
	if _, err := os.Stat(model); err != nil {
		return "", "", fmt.Errorf("no model.onnx in %s (run make model)", dir)
	}
	for _, name := range []string{"tokenizer.json", "vocab.txt"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return model, p, nil
		}
	}
	return "", "", fmt.Errorf("no tokenizer.json or vocab.txt in %s (run make model)", dir)
}

// Available reports whether New can be expected to work with opts: the
// model files and the runtime library exist. It loads nothing.
func Available(opts Options) (ok bool, why string) {
	if !cgoEnabled {
		return false, errNoCgo.Error()
	}
	opts = opts.withDefaults()
	if _, _, err := files(opts.ModelDir); err != nil {
		return false, err.Error()
	}
	if _, err := os.Stat(opts.LibraryPath); err != nil {
		return false, fmt.Sprintf("no ONNX Runtime library at %s (run make ort or set ONNXRUNTIME_LIB)", opts.LibraryPath)
	}
	return true, fmt.Sprintf("model in %s, runtime %s", opts.ModelDir, opts.LibraryPath)
}

// errNoCgo is New's error in a binary built with CGO_ENABLED=0.
var errNoCgo = fmt.Errorf("%w: built without cgo (CGO_ENABLED=0), which ONNX Runtime needs", ErrUnavailable)
