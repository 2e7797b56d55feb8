// Package embed is the seam between the topic pipeline and the models that
// turn texts into vectors. The builtin latent-semantic embedder (package lsa)
// and the ONNX MiniLM embedder (package onnx) both satisfy Embedder.
package embed

import (
	"context"
	"errors"
)

// ErrUnknownText is returned (wrapped) by Space.EmbedQueries when a query has
// no known word in the space, so its vector would be zero.
var ErrUnknownText = errors.New("text unknown to the embedder")

// Embedder turns the documents of one job into L2-normalised float32
// vectors, all of the same dimension.
type Embedder interface {
	// Name identifies the embedder in logs and in stored job state
	// ("builtin", "onnx:all-MiniLM-L6-v2").
	Name() string
	// EmbedDocuments embeds a job's documents, row i for texts[i], and
	// returns the Space those vectors live in, so that short queries (the
	// Bourdieu axis words) can be embedded alongside them later.
	EmbedDocuments(ctx context.Context, texts []string) ([][]float32, Space, error)
	// LoadSpace restores a Space saved with Space.MarshalBinary, so that a
	// Bourdieu refresh in another process embeds queries without embedding
	// the documents again.
	LoadSpace(data []byte) (Space, error)
}

// ProgressEmbedder is an Embedder that can say how far EmbedDocuments has
// got, for embedders slow enough that a job's progress would otherwise sit
// still for minutes (a transformer on the CPU). Callers check for it with a
// type assertion; Documents does that for them.
type ProgressEmbedder interface {
	Embedder
	// EmbedDocumentsProgress is EmbedDocuments that calls progress, when
	// it is not nil, with the fraction (0..1) of the work done, from the
	// calling goroutine, as often as it likes.
	EmbedDocumentsProgress(ctx context.Context, texts []string, progress func(fraction float64)) ([][]float32, Space, error)
}

// Documents embeds texts with e, reporting progress through progress (nil:
// none) with e's own reports when e is a ProgressEmbedder and 1 when it is
// done in any case. The fractions progress sees never decrease and stay in
// 0..1.
func Documents(ctx context.Context, e Embedder, texts []string, progress func(fraction float64)) ([][]float32, Space, error) {
	pe, ok := e.(ProgressEmbedder)
	if progress == nil || !ok {
		v, sp, err := e.EmbedDocuments(ctx, texts)
		if err == nil && progress != nil {
			progress(1)
		}
		return v, sp, err
	}
	last := 0.0
	v, sp, err := pe.EmbedDocumentsProgress(ctx, texts, func(f float64) {
		if f = min(max(f, 0), 1); f > last {
			last = f
			progress(f)
		}
	})
	if err == nil && last < 1 {
		progress(1)
	}
	return v, sp, err
}

// Space embeds short texts into the space of a job's document vectors.
type Space interface {
	// EmbedQueries returns one L2-normalised vector per text. A text with
	// nothing the space knows yields an error wrapping ErrUnknownText.
	EmbedQueries(ctx context.Context, texts []string) ([][]float32, error)
	// Dim is the length of every vector.
	Dim() int
	// MarshalBinary saves what LoadSpace needs.
	MarshalBinary() ([]byte, error)
}
