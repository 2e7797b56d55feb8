//go:build unix && cgo

package onnx

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/device"
)

// Benchmark models: the committed fixture, a MiniLM-sized BERT with random
// weights (gen_tiny_bert.py --bert-size --out models/bert-size-random, not
// committed) and the real model (make model). Absent ones are skipped.
var benchModels = []struct{ name, dir string }{
	{"tiny", fixtureDir},
	{"bertsize", filepath.Join("..", "..", "models", "bert-size-random")},
	{"minilm", filepath.Join("..", "..", DefaultModelDir)},
}

// benchTexts returns n sentences of the given number of words drawn from
// words that the fixture's vocabulary has whole, so that each word is one
// token with every model: a sentence is words+2 tokens.
func benchTexts(n, words int) []string {
	vocab := strings.Fields(`the cat dog runs to old school with happy music in big city every day
		of year people love this film and book one two three war peace men women topic map model data
		text word time world new good bad small quick slow play walk`)
	rng := rand.New(rand.NewPCG(7, uint64(words)))
	texts := make([]string, n)
	for i := range texts {
		w := make([]string, words)
		for j := range w {
			w[j] = vocab[rng.IntN(len(vocab))]
		}
		texts[i] = strings.Join(w, " ")
	}
	return texts
}

// BenchmarkEmbed measures sentences per second over a ladder of sentence
// lengths, on the CPU with all cores (Threads 0) and batches of 32.
func BenchmarkEmbed(b *testing.B) {
	for _, m := range benchModels {
		for _, words := range []int{8, 30, 126, 254} {
			b.Run(fmt.Sprintf("%s/tokens=%d", m.name, words+2), func(b *testing.B) {
				if _, err := os.Stat(filepath.Join(m.dir, "model.onnx")); err != nil {
					b.Skipf("%s not present", m.dir)
				}
				benchEmbed(b, m.dir, benchTexts(64, words))
			})
		}
	}
}

// BenchmarkEmbedMixed embeds sentences of 8 to 254 words, in batches
// sorted by length (as New does) or in input order, to show what sorting
// saves in padding.
func BenchmarkEmbedMixed(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	var texts []string
	for range 128 {
		n := 8 + rng.IntN(247)
		texts = append(texts, benchTexts(1, n)...)
	}
	for _, m := range benchModels[:2] {
		for _, sorted := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/sorted=%v", m.name, sorted), func(b *testing.B) {
				if _, err := os.Stat(filepath.Join(m.dir, "model.onnx")); err != nil {
					b.Skipf("%s not present", m.dir)
				}
				benchEmbed(b, m.dir, texts, func(e *Embedder) { e.unsorted = !sorted })
			})
		}
	}
}

func benchEmbed(b *testing.B, dir string, texts []string, set ...func(*Embedder)) {
	// BUNKA_BENCH_DEVICE=cuda measures the GPU (with the GPU build of ONNX
	// Runtime); the default is the CPU.
	on := device.Device(os.Getenv("BUNKA_BENCH_DEVICE"))
	if on == "" {
		on = device.CPU
	}
	e, err := New(Options{ModelDir: dir, LibraryPath: testLibrary(b), Device: on, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	for _, f := range set {
		f(e)
	}
	ctx := context.Background()
	cpu0 := cpuSeconds()
	for b.Loop() {
		if _, err := e.Embed(ctx, texts); err != nil {
			b.Fatal(err)
		}
	}
	n := float64(len(texts) * b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "sentences/s")
	// Per CPU-second of this process: steadier than the wall clock on a
	// shared machine.
	b.ReportMetric(n/(cpuSeconds()-cpu0), "sentences/cpu-s")
}

// cpuSeconds is the user and system CPU time of the process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
