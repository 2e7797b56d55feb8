//go:build cgo

package onnx

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/bunkatopics/bunka-go/internal/device"
	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
	"github.com/bunkatopics/bunka-go/internal/wordpiece"
)

// The ONNX Runtime environment is one per process: made by the first New,
// released by the last Close.
var env struct {
	mu   sync.Mutex
	refs int
	lib  string
}

func acquireEnv(lib string) error {
	env.mu.Lock()
	defer env.mu.Unlock()
	if env.refs > 0 {
		if lib != env.lib {
			return fmt.Errorf("%w: ONNX Runtime already loaded from %s, not %s", ErrUnavailable, env.lib, lib)
		}
		env.refs++
		return nil
	}
	if _, err := os.Stat(lib); err != nil {
		return fmt.Errorf("%w: no ONNX Runtime library at %s (run make ort or set ONNXRUNTIME_LIB)", ErrUnavailable, lib)
	}
	ort.SetSharedLibraryPath(lib)
	if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
		return fmt.Errorf("%w: load ONNX Runtime %s (onnxruntime_go needs version %s or later; make ort installs it): %v", ErrUnavailable, lib, RuntimeVersion, err)
	}
	env.refs, env.lib = 1, lib
	return nil
}

func releaseEnv() error {
	env.mu.Lock()
	defer env.mu.Unlock()
	if env.refs--; env.refs > 0 {
		return nil
	}
	return ort.DestroyEnvironment()
}

// Embedder embeds texts with one ONNX model. Load it once per process: it
// is safe for concurrent use (model runs take turns, each using Threads
// cores).
type Embedder struct {
	opts   Options
	name   string
	device device.Device
	tok    *wordpiece.Tokenizer

	inputs []string // the model's inputs, in the order tensors are passed
	output string   // the output read
	pooled bool     // output is [batch, dim] already pooled

	unsorted bool // benchmarks only: batches in input order

	mu      sync.Mutex // serialises runs and guards session
	session *ort.DynamicAdvancedSession
	dim     int
}

var _ embed.ProgressEmbedder = (*Embedder)(nil)

// New loads the model in opts.ModelDir. Errors caused by missing files, the
// runtime or the device wrap ErrUnavailable.
func New(opts Options) (*Embedder, error) {
	opts = opts.withDefaults()
	switch opts.Device {
	case device.Auto, device.CPU, device.CUDA:
	default:
		return nil, fmt.Errorf("onnx: unknown device %q (want auto, cpu or cuda)", opts.Device)
	}
	modelPath, tokPath, err := files(opts.ModelDir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	tok, err := wordpiece.Load(tokPath)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	if err := acquireEnv(opts.LibraryPath); err != nil {
		return nil, err
	}
	e := &Embedder{opts: opts, tok: tok, name: "onnx:" + filepath.Base(filepath.Clean(opts.ModelDir))}
	if err := e.open(modelPath); err != nil {
		releaseEnv()
		return nil, err
	}
	opts.Logger.Info("onnx embedder loaded", "model", e.name, "device", e.device, "dim", e.dim,
		"threads", opts.Threads, "runtime", ort.GetVersion(), "output", e.output)
	return e, nil
}

// open picks the model's inputs and output, makes the session on the
// device asked for and runs it once to learn the vector size.
func (e *Embedder) open(modelPath string) error {
	ins, outs, err := ort.GetInputOutputInfo(modelPath)
	if err != nil {
		return fmt.Errorf("onnx: read %s: %w", modelPath, err)
	}
	for _, in := range ins {
		switch in.Name {
		case "input_ids", "attention_mask", "token_type_ids":
			e.inputs = append(e.inputs, in.Name)
		default:
			return fmt.Errorf("onnx: %s has an input %q that a BERT model has not", modelPath, in.Name)
		}
	}
	if !slices.Contains(e.inputs, "input_ids") {
		return fmt.Errorf("onnx: %s has no input_ids input", modelPath)
	}
	names := make([]string, len(outs))
	for i, o := range outs {
		names[i] = o.Name
	}
	switch {
	case slices.Contains(names, "last_hidden_state"):
		e.output = "last_hidden_state"
	case slices.Contains(names, "token_embeddings"):
		e.output = "token_embeddings"
	case slices.Contains(names, "sentence_embedding"):
		e.output, e.pooled = "sentence_embedding", true
	case len(outs) == 1 && len(outs[0].Dimensions) == 3:
		e.output = outs[0].Name
	default:
		return fmt.Errorf("onnx: %s has no last_hidden_state or sentence_embedding output (outputs %v)", modelPath, names)
	}

	switch e.opts.Device {
	case device.CPU:
		err = e.newSession(modelPath, false)
	case device.CUDA:
		err = e.newSession(modelPath, true)
	case device.Auto:
		if err = e.newSession(modelPath, true); err != nil {
			e.opts.Logger.Info("onnx: CUDA unavailable, using the CPU", "why", err)
			err = e.newSession(modelPath, false)
		}
	}
	return err
}

// newSession makes the session and checks it by embedding one text.
func (e *Embedder) newSession(modelPath string, cuda bool) (err error) {
	so, err := ort.NewSessionOptions()
	if err != nil {
		return fmt.Errorf("onnx: session options: %w", err)
	}
	defer so.Destroy()
	if err := so.SetIntraOpNumThreads(e.opts.Threads); err != nil {
		return fmt.Errorf("onnx: threads: %w", err)
	}
	if err := so.SetInterOpNumThreads(1); err != nil {
		return fmt.Errorf("onnx: threads: %w", err)
	}
	on := device.CPU
	if cuda {
		on = device.CUDA
		co, err := ort.NewCUDAProviderOptions()
		if err != nil {
			return fmt.Errorf("%w: CUDA asked for but not in this ONNX Runtime build (%s): %v", ErrUnavailable, e.opts.LibraryPath, err)
		}
		defer co.Destroy()
		if err := so.AppendExecutionProviderCUDA(co); err != nil {
			return fmt.Errorf("%w: CUDA asked for but unavailable (it needs the GPU build of ONNX Runtime, make ort ORT_FLAVOR=gpu, with CUDA 12 and cuDNN 9 on the host): %v", ErrUnavailable, err)
		}
	}
	s, err := ort.NewDynamicAdvancedSession(modelPath, e.inputs, []string{e.output}, so)
	if err != nil {
		return fmt.Errorf("%w: load %s on %s: %v", ErrUnavailable, modelPath, on, err)
	}
	e.session, e.device = s, on
	if _, err := e.Embed(context.Background(), []string{"hello world"}); err != nil {
		s.Destroy()
		e.session = nil
		return fmt.Errorf("%w: first run on %s: %v", ErrUnavailable, on, err)
	}
	return nil
}

// Name is "onnx:" and the model directory's name ("onnx:all-MiniLM-L6-v2").
func (e *Embedder) Name() string { return e.name }

// Device is where the model runs: device.CPU or device.CUDA.
func (e *Embedder) Device() device.Device { return e.device }

// Dim is the length of the vectors.
func (e *Embedder) Dim() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.dim
}

// Tokenizer is the model's tokenizer.
func (e *Embedder) Tokenizer() *wordpiece.Tokenizer { return e.tok }

// Close releases the model, and the runtime after the last embedder.
func (e *Embedder) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.session == nil {
		return nil
	}
	err := e.session.Destroy()
	e.session = nil
	return errors.Join(err, releaseEnv())
}

// EmbedDocuments embeds texts; the Space embeds queries with the same model.
func (e *Embedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, embed.Space, error) {
	return e.EmbedDocumentsProgress(ctx, texts, nil)
}

// EmbedDocumentsProgress is EmbedDocuments that calls progress (when not
// nil) after each batch with the fraction of the work done, counted in
// padded tokens: batches go from the shortest texts to the longest, so a
// count of texts would run ahead of the time spent.
func (e *Embedder) EmbedDocumentsProgress(ctx context.Context, texts []string, progress func(fraction float64)) ([][]float32, embed.Space, error) {
	v, err := e.embed(ctx, texts, progress)
	if err != nil {
		return nil, nil, err
	}
	return v, space{e}, nil
}

// Embed returns one unit vector per text, row i for texts[i].
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	return e.embed(ctx, texts, nil)
}

func (e *Embedder) embed(ctx context.Context, texts []string, progress func(float64)) ([][]float32, error) {
	ids := make([][]int64, len(texts))
	for i, t := range texts {
		ids[i] = e.tok.Encode(t, e.opts.MaxTokens)
	}
	return e.embedIDs(ctx, ids, progress)
}

// embedIDs runs the model on token ids in batches of similar lengths,
// calling progress (when not nil) after each batch.
func (e *Embedder) embedIDs(ctx context.Context, ids [][]int64, progress func(float64)) ([][]float32, error) {
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	if !e.unsorted {
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(ids[a]), len(ids[b])) })
	}
	// A batch's cost is its padded size, texts × longest text.
	var total, done float64
	if progress != nil {
		for lo := 0; lo < len(order); lo += e.opts.BatchSize {
			total += batchCost(ids, order[lo:min(lo+e.opts.BatchSize, len(order))])
		}
	}
	out := make([][]float32, len(ids))
	for lo := 0; lo < len(order); lo += e.opts.BatchSize {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("onnx: embed: %w", err)
		}
		batch := order[lo:min(lo+e.opts.BatchSize, len(order))]
		rows := make([][]int64, len(batch))
		for i, j := range batch {
			rows[i] = ids[j]
		}
		vecs, err := e.run(rows)
		if err != nil {
			return nil, err
		}
		for i, j := range batch {
			out[j] = vecs[i]
		}
		if progress != nil && total > 0 {
			done += batchCost(ids, batch)
			progress(done / total)
		}
	}
	return out, nil
}

// batchCost is the number of tokens the model sees for the texts of batch:
// each padded to the batch's longest.
func batchCost(ids [][]int64, batch []int) float64 {
	seq := 0
	for _, j := range batch {
		seq = max(seq, len(ids[j]))
	}
	return float64(len(batch) * seq)
}

// run embeds one batch: pads it, runs the model, pools and normalises.
func (e *Embedder) run(rows [][]int64) ([][]float32, error) {
	n, seq := len(rows), 0
	for _, r := range rows {
		seq = max(seq, len(r))
	}
	shape := ort.NewShape(int64(n), int64(seq))
	idData := make([]int64, n*seq)
	maskData := make([]int64, n*seq)
	for i, r := range rows {
		copy(idData[i*seq:], r)
		for k := len(r); k < seq; k++ {
			idData[i*seq+k] = e.tok.PadID()
		}
		for k := range r {
			maskData[i*seq+k] = 1
		}
	}
	inputs := make([]ort.Value, len(e.inputs))
	defer func() {
		for _, v := range inputs {
			if v != nil {
				v.Destroy()
			}
		}
	}()
	for i, name := range e.inputs {
		data := idData
		switch name {
		case "attention_mask":
			data = maskData
		case "token_type_ids":
			data = make([]int64, n*seq)
		}
		t, err := ort.NewTensor(shape, data)
		if err != nil {
			return nil, fmt.Errorf("onnx: input tensor: %w", err)
		}
		inputs[i] = t
	}
	outputs := []ort.Value{nil}
	e.mu.Lock()
	if e.session == nil {
		e.mu.Unlock()
		return nil, errors.New("onnx: embedder closed")
	}
	err := e.session.Run(inputs, outputs)
	e.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("onnx: run model: %w", err)
	}
	defer outputs[0].Destroy()
	t, ok := outputs[0].(*ort.Tensor[float32])
	if !ok {
		return nil, fmt.Errorf("onnx: output %s is not a float32 tensor", e.output)
	}
	vecs, err := pool(t.GetData(), t.GetShape(), maskData, n, seq, e.pooled)
	if err != nil {
		return nil, fmt.Errorf("onnx: output %s: %w", e.output, err)
	}
	e.mu.Lock()
	if e.dim == 0 {
		e.dim = len(vecs[0])
	}
	e.mu.Unlock()
	return vecs, nil
}

// pool turns the model's output into unit vectors: the mean of the
// token vectors where mask is 1, or the pooled rows as they are.
func pool(data []float32, shape ort.Shape, mask []int64, n, seq int, pooled bool) ([][]float32, error) {
	var dim int
	switch {
	case pooled && len(shape) == 2 && shape[0] == int64(n):
		dim = int(shape[1])
	case !pooled && len(shape) == 3 && shape[0] == int64(n) && shape[1] == int64(seq):
		dim = int(shape[2])
	default:
		return nil, fmt.Errorf("unexpected shape %v for %d texts of %d tokens", shape, n, seq)
	}
	if dim == 0 || int64(len(data)) != shape.FlattenedSize() {
		return nil, fmt.Errorf("unexpected shape %v", shape)
	}
	vecs := make([][]float32, n)
	for i := range vecs {
		v := make([]float32, dim)
		if pooled {
			copy(v, data[i*dim:(i+1)*dim])
		} else {
			acc := make([]float64, dim)
			var count float64
			for k := range seq {
				if mask[i*seq+k] == 0 {
					continue
				}
				count++
				row := data[(i*seq+k)*dim : (i*seq+k+1)*dim]
				for d, x := range row {
					acc[d] += float64(x)
				}
			}
			// sentence-transformers divides by max(count, 1e-9).
			count = max(count, 1e-9)
			for d := range v {
				v[d] = float32(acc[d] / count)
			}
		}
		vecmath.Normalize(v)
		vecs[i] = v
	}
	return vecs, nil
}

// space embeds queries with the embedder's model; it needs no state of
// its own beyond the model's name.
type space struct{ e *Embedder }

type spaceState struct {
	Embedder string `json:"embedder"`
	Dim      int    `json:"dim"`
}

// EmbedQueries embeds texts; a text with no known token (empty, or all
// [UNK]) is an error wrapping embed.ErrUnknownText.
func (s space) EmbedQueries(ctx context.Context, texts []string) ([][]float32, error) {
	unk, _ := s.e.tok.ID("[UNK]")
	for _, t := range texts {
		known := false
		for _, id := range s.e.tok.Encode(t, s.e.opts.MaxTokens) {
			if id != unk && !s.e.isSpecial(id) {
				known = true
				break
			}
		}
		if !known {
			return nil, fmt.Errorf("onnx: query %q: %w", t, embed.ErrUnknownText)
		}
	}
	return s.e.Embed(ctx, texts)
}

func (s space) Dim() int { return s.e.Dim() }

func (s space) MarshalBinary() ([]byte, error) {
	return json.Marshal(spaceState{Embedder: s.e.name, Dim: s.e.Dim()})
}

// isSpecial reports whether id is one of the tokens Encode puts around a text.
func (e *Embedder) isSpecial(id int64) bool {
	for _, s := range []string{"[CLS]", "[SEP]", "[PAD]"} {
		if v, ok := e.tok.ID(s); ok && v == id {
			return true
		}
	}
	return false
}

// LoadSpace restores a Space saved by this model's Space.MarshalBinary; a
// space of another embedder or model is an error.
func (e *Embedder) LoadSpace(data []byte) (embed.Space, error) {
	var st spaceState
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("onnx: load space: %w", err)
	}
	if st.Embedder != e.name || st.Dim != e.Dim() {
		return nil, fmt.Errorf("onnx: load space: saved by %s (dim %d), this is %s (dim %d)", st.Embedder, st.Dim, e.name, e.Dim())
	}
	return space{e}, nil
}
