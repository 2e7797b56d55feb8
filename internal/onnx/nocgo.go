//go:build !cgo

package onnx

import (
	"context"

	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/wordpiece"
)

// Without cgo there is no ONNX Runtime: New always fails with
// ErrUnavailable, so that binaries built with CGO_ENABLED=0 still build and
// run with the builtin embedder.

const cgoEnabled = false

// Embedder is unusable in a build without cgo.
type Embedder struct{}

var _ embed.ProgressEmbedder = (*Embedder)(nil)

// New fails: this binary was built without cgo.
func New(Options) (*Embedder, error) { return nil, errNoCgo }

func (*Embedder) Name() string                          { return "onnx" }
func (*Embedder) Device() string                        { return "" }
func (*Embedder) Dim() int                              { return 0 }
func (*Embedder) Tokenizer() *wordpiece.Tokenizer       { return nil }
func (*Embedder) Close() error                          { return nil }
func (*Embedder) LoadSpace([]byte) (embed.Space, error) { return nil, errNoCgo }
func (*Embedder) Embed(context.Context, []string) ([][]float32, error) {
	return nil, errNoCgo
}
func (*Embedder) EmbedDocuments(context.Context, []string) ([][]float32, embed.Space, error) {
	return nil, nil, errNoCgo
}
func (*Embedder) EmbedDocumentsProgress(context.Context, []string, func(float64)) ([][]float32, embed.Space, error) {
	return nil, nil, errNoCgo
}
