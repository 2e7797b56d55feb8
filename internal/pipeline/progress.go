package pipeline

import (
	"sync"

	"github.com/bunkatopics/bunka-go/internal/device"
	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/lsa"
)

// Stage names reported to a ProgressFunc.
const (
	StageLanguage   = "language"
	StageEmbedding  = "embedding"
	StageProjection = "projection"
	StageTerms      = "terms"
	StageTopics     = "topics"
	StageBourdieu   = "bourdieu"
	StageDone       = "done"
)

// builtinWeights are the shares of a run's time that each stage takes, as
// measured on 10,000 Debian descriptions with the builtin embedder (see
// docs/benchmarks/pipeline.md).
var builtinWeights = map[string]float64{
	StageLanguage:   1,
	StageEmbedding:  40,
	StageProjection: 45,
	StageTerms:      8,
	StageTopics:     2,
	StageBourdieu:   4,
}

// modelWeights are the shares with a transformer embedder on the CPU (the
// onnx MiniLM): about 75 documents a second on 2 cores, 110 to 130 s for
// the 10,000 Debian descriptions (docs/benchmarks/onnx.md) against a few
// seconds for all the other stages, so embedding takes 90% of a topics
// run: nine times the other stages' weights (60).
var modelWeights = map[string]float64{
	StageLanguage:   1,
	StageEmbedding:  540,
	StageProjection: 45,
	StageTerms:      8,
	StageTopics:     2,
	StageBourdieu:   4,
}

// stageWeights returns the stage weights for embedder e (nil: the builtin
// one) computing on dev: modelWeights for any embedder but the builtin one,
// unless it runs on a GPU (device.CUDA), where MiniLM is expected, not
// measured, to embed thousands of documents a second, about as fast as the
// builtin embedder: then builtinWeights. Within the embedding stage the
// embedder's own reports move the progress (embed.ProgressEmbedder), so the
// weights only need to be roughly right.
func stageWeights(e embed.Embedder, dev device.Device) map[string]float64 {
	switch e.(type) {
	case nil, *lsa.Embedder:
		return builtinWeights
	}
	if dev == device.CUDA {
		return builtinWeights
	}
	return modelWeights
}

// progress turns stage starts and fractions within a stage into an overall
// percentage that never decreases, and reports it to f when it moved by at
// least half a percent or the stage changed.
type progress struct {
	mu     sync.Mutex
	f      ProgressFunc
	start  map[string]float64 // percent at which each planned stage starts
	width  map[string]float64
	stage  string
	last   float64
	called bool
}

// newProgress plans the given stages, in order, over 0..100, each taking
// the share of weights it has among them.
func newProgress(f ProgressFunc, weights map[string]float64, stages ...string) *progress {
	p := &progress{f: f, start: map[string]float64{}, width: map[string]float64{}}
	var total float64
	for _, s := range stages {
		total += weights[s]
	}
	var at float64
	for _, s := range stages {
		w := 100 * weights[s] / total
		p.start[s], p.width[s] = at, w
		at += w
	}
	return p
}

// begin reports the start of stage s.
func (p *progress) begin(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stage = s
	p.report(p.start[s], true)
}

// within reports that fraction (0..1) of the current stage is done.
func (p *progress) within(fraction float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fraction = min(max(fraction, 0), 1)
	p.report(p.start[p.stage]+fraction*p.width[p.stage], false)
}

// done reports 100%.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stage = StageDone
	p.report(100, true)
}

func (p *progress) report(pct float64, force bool) {
	if pct < p.last {
		pct = p.last
	}
	if p.called && !force && pct-p.last < 0.5 {
		return
	}
	p.last, p.called = pct, true
	if p.f != nil {
		p.f(p.stage, pct)
	}
}
