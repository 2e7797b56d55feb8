package embedchoice

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/device"
	"github.com/bunkatopics/bunka-go/internal/onnx"
)

var quiet = slog.New(slog.DiscardHandler)

// lib returns the ONNX Runtime library for the tests: $ONNXRUNTIME_LIB,
// else the one make ort installs. Tests skip without it, except under CI,
// which installs it (make test runs make ort), as in package onnx.
func lib(t *testing.T) string {
	t.Helper()
	if !cgoEnabled {
		t.Skip("built without cgo: no ONNX Runtime")
	}
	l := os.Getenv("ONNXRUNTIME_LIB")
	if l == "" {
		l = filepath.Join("..", "..", "third_party", "onnxruntime", "lib", "libonnxruntime.so")
	}
	if _, err := os.Stat(l); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("ONNX Runtime not found at %s under CI: %v", l, err)
		}
		t.Skipf("ONNX Runtime not found at %s: run make ort or set ONNXRUNTIME_LIB", l)
	}
	if ok, why := onnx.Available(onnx.Options{ModelDir: tiny, LibraryPath: l}); !ok {
		if os.Getenv("CI") != "" {
			t.Fatalf("onnx embedder unavailable under CI: %s", why)
		}
		t.Skip(why)
	}
	return l
}

const tiny = "../onnx/testdata/tinybert"

func TestChoose(t *testing.T) {
	l := lib(t)
	missing := t.TempDir()
	for _, tc := range []struct {
		desc    string
		s       Settings
		want    string // embedder name, "" for builtin
		wantErr bool
	}{
		{"builtin asked", Settings{Embedder: Builtin, ModelDir: tiny, LibraryPath: l}, "", false},
		{"auto with the model", Settings{ModelDir: tiny, LibraryPath: l, Device: "cpu", Threads: 1}, "onnx:tinybert", false},
		{"auto without the model", Settings{ModelDir: missing, LibraryPath: l}, "", false},
		{"auto without the runtime", Settings{ModelDir: tiny, LibraryPath: "/nonexistent.so"}, "", false},
		{"auto, cuda asked, no GPU", Settings{ModelDir: tiny, LibraryPath: l, Device: "cuda"}, "", true},
		{"auto, cuda asked, no model: builtin on the CPU", Settings{ModelDir: missing, LibraryPath: l, Device: "cuda"}, "", false},
		{"onnx asked", Settings{Embedder: ONNX, ModelDir: tiny, LibraryPath: l, Threads: 1}, "onnx:tinybert", false},
		{"onnx asked, no model", Settings{Embedder: ONNX, ModelDir: missing, LibraryPath: l}, "", true},
		{"onnx asked, cuda asked, no GPU", Settings{Embedder: ONNX, ModelDir: tiny, LibraryPath: l, Device: "cuda"}, "", true},
		{"unknown", Settings{Embedder: "bert"}, "", true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			e, why, err := Choose(tc.s, quiet)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if why == "" {
				t.Error("no reason given")
			}
			got := ""
			if e != nil {
				got = e.Name()
				if err := e.(io.Closer).Close(); err != nil {
					t.Error(err)
				}
			}
			if got != tc.want {
				t.Errorf("embedder = %q (%s), want %q", got, why, tc.want)
			}
		})
	}
}

// TestChooseBuiltinCUDA needs no runtime: the builtin embedder, asked for
// or fallen back to, runs on the CPU with any BUNKA_DEVICE, and says so
// when the GPU was asked for (the numeric stages take the GPU; engine
// fails at start-up without one).
func TestChooseBuiltinCUDA(t *testing.T) {
	for _, tc := range []struct {
		desc     string
		embedder string
		device   device.Device
		want     []string // in the reason
	}{
		{"builtin, cuda", Builtin, device.CUDA, []string{"BUNKA_EMBEDDER=builtin", "runs on the CPU"}},
		{"builtin, cpu", Builtin, device.CPU, []string{"BUNKA_EMBEDDER=builtin"}},
		{"builtin, auto", Builtin, device.Auto, []string{"BUNKA_EMBEDDER=builtin"}},
		{"builtin, unset", Builtin, "", []string{"BUNKA_EMBEDDER=builtin"}},
		{"auto without a model, cuda", Auto, device.CUDA, []string{"BUNKA_EMBEDDER=auto", "runs on the CPU"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			e, why, err := Choose(Settings{Embedder: tc.embedder, Device: tc.device, ModelDir: t.TempDir(), LibraryPath: "/nonexistent.so"}, quiet)
			if err != nil {
				t.Fatal(err)
			}
			if e != nil {
				t.Errorf("Choose = %v; want the builtin embedder (nil)", e)
			}
			for _, w := range tc.want {
				if !strings.Contains(why, w) {
					t.Errorf("reason %q does not say %q", why, w)
				}
			}
			if tc.device != device.CUDA && strings.Contains(why, "GPU") {
				t.Errorf("reason %q speaks of a GPU that was not asked for", why)
			}
		})
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{"BUNKA_EMBEDDER": "ONNX", "BUNKA_DEVICE": "cpu", "BUNKA_MODEL_DIR": "/m", "ONNXRUNTIME_LIB": "/l.so", "BUNKA_ONNX_THREADS": "2", "BUNKA_ONNX_BATCH": "16"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	s, err := FromEnv(lookup)
	if err != nil || s != (Settings{Embedder: "onnx", Device: "cpu", ModelDir: "/m", LibraryPath: "/l.so", Threads: 2, BatchSize: 16}) {
		t.Errorf("FromEnv = %+v, %v", s, err)
	}
	env = map[string]string{"BUNKA_EMBEDDER": "gpt", "BUNKA_DEVICE": "tpu", "BUNKA_ONNX_THREADS": "x"}
	_, err = FromEnv(lookup)
	for _, k := range []string{"BUNKA_EMBEDDER", "BUNKA_DEVICE", "BUNKA_ONNX_THREADS"} {
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("error %v does not name %s", err, k)
		}
	}
}
