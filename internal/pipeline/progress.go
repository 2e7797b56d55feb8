package pipeline

import "sync"

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

// stageWeights are the shares of a run's time that each stage takes, as
// measured on 10,000 Debian descriptions with the builtin embedder (see
// docs/benchmarks/pipeline.md).
var stageWeights = map[string]float64{
	StageLanguage:   1,
	StageEmbedding:  40,
	StageProjection: 45,
	StageTerms:      8,
	StageTopics:     2,
	StageBourdieu:   4,
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

// newProgress plans the given stages, in order, over 0..100.
func newProgress(f ProgressFunc, stages ...string) *progress {
	p := &progress{f: f, start: map[string]float64{}, width: map[string]float64{}}
	var total float64
	for _, s := range stages {
		total += stageWeights[s]
	}
	var at float64
	for _, s := range stages {
		w := 100 * stageWeights[s] / total
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
