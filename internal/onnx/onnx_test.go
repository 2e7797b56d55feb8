//go:build cgo

package onnx

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/device"
	"github.com/bunkatopics/bunka-go/internal/embed"
)

const fixtureDir = "testdata/tinybert"

var quiet = slog.New(slog.DiscardHandler)

// testLibrary returns the ONNX Runtime library for the tests:
// $ONNXRUNTIME_LIB, else the one make ort installs. Tests skip without it, except under CI.
func testLibrary(tb testing.TB) string {
	tb.Helper()
	lib := os.Getenv("ONNXRUNTIME_LIB")
	if lib == "" {
		lib = filepath.Join("..", "..", "third_party", "onnxruntime", "lib", "libonnxruntime.so")
	}
	if _, err := os.Stat(lib); err != nil {
		if os.Getenv("CI") != "" {
			// CI installs the runtime (make test runs make ort): a
			// missing library there is a broken install, not a skip.
			tb.Fatalf("ONNX Runtime not found at %s under CI: %v", lib, err)
		}
		tb.Skipf("ONNX Runtime not found at %s: run make ort or set ONNXRUNTIME_LIB", lib)
	}
	return lib
}

func newTiny(tb testing.TB, opts Options) *Embedder {
	tb.Helper()
	opts.LibraryPath = testLibrary(tb)
	if opts.ModelDir == "" {
		opts.ModelDir = fixtureDir
	}
	if opts.Device == "" {
		opts.Device = device.CPU
	}
	if opts.Threads == 0 {
		opts.Threads = 1
	}
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	e, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := e.Close(); err != nil {
			tb.Error(err)
		}
	})
	return e
}

type fixture struct {
	Dim   int `json:"dim"`
	Cases []struct {
		Text      string    `json:"text"`
		IDs       []int64   `json:"ids"`
		Embedding []float32 `json:"embedding"`
	} `json:"cases"`
	Truncated struct {
		Text  string `json:"text"`
		Cases []struct {
			MaxTokens int       `json:"max_tokens"`
			Embedding []float32 `json:"embedding"`
		} `json:"cases"`
	} `json:"truncated"`
}

func readFixture(t *testing.T) fixture {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

const tol = 2e-5

func closeVec(a, b []float32) (int, bool) {
	if len(a) != len(b) {
		return -1, false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol {
			return i, false
		}
	}
	return 0, true
}

func checkVecs(t *testing.T, f fixture, texts []string, got [][]float32) {
	t.Helper()
	want := make(map[string][]float32)
	for _, c := range f.Cases {
		want[c.Text] = c.Embedding
	}
	for i, text := range texts {
		if k, ok := closeVec(got[i], want[text]); !ok {
			t.Errorf("vector of %q differs at %d: got %v, want %v", text, k, got[i], want[text])
		}
	}
}

func TestEmbedMatchesNumpy(t *testing.T) {
	f := readFixture(t)
	e := newTiny(t, Options{})
	if e.Name() != "onnx:tinybert" || e.Dim() != f.Dim || e.Device() != device.CPU {
		t.Errorf("Name, Dim, Device = %q, %d, %q", e.Name(), e.Dim(), e.Device())
	}
	var texts []string
	for _, c := range f.Cases {
		texts = append(texts, c.Text)
		if got := e.Tokenizer().Encode(c.Text, 256); !slices.Equal(got, c.IDs) {
			t.Errorf("ids of %q = %v, want %v", c.Text, got, c.IDs)
		}
	}
	got, sp, err := e.EmbedDocuments(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, f, texts, got)
	for i, v := range got {
		var s float64
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		if math.Abs(s-1) > 1e-5 {
			t.Errorf("|v(%q)|² = %v", texts[i], s)
		}
	}
	if sp.Dim() != f.Dim {
		t.Errorf("space Dim = %d", sp.Dim())
	}
}

// TestBatching: the same vectors whatever the batch size and input order,
// padding included.
func TestBatching(t *testing.T) {
	f := readFixture(t)
	var texts []string
	for _, c := range f.Cases {
		texts = append(texts, c.Text)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, bs := range []int{1, 3, 7, 64} {
		e := newTiny(t, Options{BatchSize: bs, Threads: 2})
		shuffled := slices.Clone(texts)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		got, err := e.Embed(context.Background(), shuffled)
		if err != nil {
			t.Fatal(err)
		}
		checkVecs(t, f, shuffled, got)
	}
}

func TestTruncation(t *testing.T) {
	f := readFixture(t)
	for _, c := range f.Truncated.Cases {
		e := newTiny(t, Options{MaxTokens: c.MaxTokens})
		got, err := e.Embed(context.Background(), []string{f.Truncated.Text})
		if err != nil {
			t.Fatal(err)
		}
		if k, ok := closeVec(got[0], c.Embedding); !ok {
			t.Errorf("MaxTokens %d: differs at %d", c.MaxTokens, k)
		}
	}
}

func TestConcurrent(t *testing.T) {
	f := readFixture(t)
	e := newTiny(t, Options{BatchSize: 4})
	var texts []string
	for _, c := range f.Cases {
		texts = append(texts, c.Text)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			got, err := e.Embed(context.Background(), texts)
			if err != nil {
				t.Error(err)
				return
			}
			checkVecs(t, f, texts, got)
		})
	}
	wg.Wait()
}

func TestSpace(t *testing.T) {
	e := newTiny(t, Options{})
	_, sp, err := e.EmbedDocuments(context.Background(), []string{"war and peace"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := sp.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	sp2, err := e.LoadSpace(data)
	if err != nil {
		t.Fatal(err)
	}
	q, err := sp2.EmbedQueries(context.Background(), []string{"war", "peace"})
	if err != nil || len(q) != 2 || len(q[0]) != e.Dim() {
		t.Fatalf("EmbedQueries = %d vectors, %v", len(q), err)
	}
	for _, bad := range []string{"", "ωωω"} {
		if _, err := sp2.EmbedQueries(context.Background(), []string{"war", bad}); !errors.Is(err, embed.ErrUnknownText) {
			t.Errorf("EmbedQueries(%q) error = %v, want ErrUnknownText", bad, err)
		}
	}
	if _, err := e.LoadSpace([]byte(`{"embedder":"builtin","dim":32}`)); err == nil {
		t.Error("LoadSpace accepted another embedder's space")
	}
	if _, err := e.LoadSpace([]byte(`garbage`)); err == nil {
		t.Error("LoadSpace accepted garbage")
	}
}

func TestCanceled(t *testing.T) {
	e := newTiny(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Embed(ctx, []string{"hello"}); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

// TestDevice: this runtime is the CPU build, so cuda is a start-up error
// and auto falls back to the CPU.
func TestDevice(t *testing.T) {
	lib := testLibrary(t)
	_, err := New(Options{ModelDir: fixtureDir, LibraryPath: lib, Device: device.CUDA, Threads: 1})
	if err == nil {
		t.Skip("CUDA works here; nothing to check")
	}
	t.Logf("cuda: %v", err)
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("cuda error %v does not wrap ErrUnavailable", err)
	}
	e := newTiny(t, Options{Device: device.Auto})
	if e.Device() != device.CPU {
		t.Errorf("auto device = %q, want cpu", e.Device())
	}
	if _, err := New(Options{ModelDir: fixtureDir, LibraryPath: lib, Device: "tpu"}); err == nil {
		t.Error("unknown device accepted")
	}
}

func TestUnavailable(t *testing.T) {
	dir := t.TempDir()
	if ok, why := Available(Options{ModelDir: dir, LibraryPath: "/nonexistent/libonnxruntime.so"}); ok || why == "" {
		t.Errorf("Available = %v, %q", ok, why)
	}
	if _, err := New(Options{ModelDir: dir}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("New without model: %v", err)
	}
	if ok, _ := Available(Options{ModelDir: fixtureDir, LibraryPath: "/nonexistent/libonnxruntime.so"}); ok {
		t.Error("Available without the runtime")
	}
	if _, err := New(Options{ModelDir: fixtureDir, LibraryPath: "/nonexistent/libonnxruntime.so"}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("New without runtime: %v", err)
	}
}

// TestMiniLM runs the real model when make model has been run.
func TestMiniLM(t *testing.T) {
	dir := filepath.Join("..", "..", DefaultModelDir)
	if _, _, err := files(dir); err != nil {
		t.Skipf("real model not present: %v", err)
	}
	e := newTiny(t, Options{ModelDir: dir, Threads: 2})
	if e.Name() != "onnx:all-MiniLM-L6-v2" || e.Dim() != 384 {
		t.Fatalf("Name, Dim = %q, %d", e.Name(), e.Dim())
	}
	v, err := e.Embed(context.Background(), []string{"A man is eating food.", "A man is eating a piece of bread.", "The stock market fell sharply today."})
	if err != nil {
		t.Fatal(err)
	}
	dot := func(a, b []float32) (s float32) {
		for i := range a {
			s += a[i] * b[i]
		}
		return s
	}
	if near, far := dot(v[0], v[1]), dot(v[0], v[2]); near <= far || near < 0.5 {
		t.Errorf("cos(food, bread) = %v, cos(food, stocks) = %v", near, far)
	}
}

// TestPooledOutput: an export whose only output is sentence_embedding
// (pooled and normalised in the graph) gives the same vectors.
func TestPooledOutput(t *testing.T) {
	f := readFixture(t)
	e := newTiny(t, Options{ModelDir: fixtureDir + "-pooled", BatchSize: 5})
	if e.output != "sentence_embedding" || !e.pooled {
		t.Fatalf("output %q, pooled %v", e.output, e.pooled)
	}
	var texts []string
	for _, c := range f.Cases {
		texts = append(texts, c.Text)
	}
	got, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, f, texts, got)
}

// TestEmbedDocumentsProgress: one report per batch, rising to 1, counted in
// padded tokens, and the same vectors as without progress.
func TestEmbedDocumentsProgress(t *testing.T) {
	e := newTiny(t, Options{BatchSize: 4})
	var texts []string
	for i := range 10 {
		texts = append(texts, strings.Repeat("the cat sat on the mat ", i+1))
	}
	var got []float64
	vecs, sp, err := e.EmbedDocumentsProgress(context.Background(), texts, func(f float64) { got = append(got, f) })
	if err != nil {
		t.Fatal(err)
	}
	if sp == nil || len(vecs) != len(texts) {
		t.Fatalf("%d vectors, space %v", len(vecs), sp)
	}
	// Three batches (4, 4, 2 texts); the last two, of longer texts, cost
	// more per text than the first.
	if len(got) != 3 || !slices.IsSorted(got) || got[2] != 1 {
		t.Fatalf("progress %v: want 3 rising reports ending at 1", got)
	}
	if got[0] >= 0.4 {
		t.Errorf("progress %v: the first batch of the 4 shortest of 10 texts is %.2f of the tokens, want < 0.4", got, got[0])
	}
	plain, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range plain {
		if !slices.Equal(plain[i], vecs[i]) {
			t.Errorf("vector %d differs with progress", i)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got = nil
	if _, _, err := e.EmbedDocumentsProgress(ctx, texts, func(f float64) { got = append(got, f) }); !errors.Is(err, context.Canceled) || len(got) != 0 {
		t.Errorf("canceled: err %v, progress %v", err, got)
	}
}
