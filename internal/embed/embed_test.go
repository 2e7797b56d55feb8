package embed

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
)

// fakeEmbedder embeds every text as (1, 0) and reports the given fractions
// when it is a progressEmbedder.
type fakeEmbedder struct{ err error }

type fakeSpace struct{}

func (fakeSpace) EmbedQueries(context.Context, []string) ([][]float32, error) { return nil, nil }
func (fakeSpace) Dim() int                                                    { return 2 }
func (fakeSpace) MarshalBinary() ([]byte, error)                              { return nil, nil }

func (fakeEmbedder) Name() string                    { return "fake" }
func (fakeEmbedder) LoadSpace([]byte) (Space, error) { return fakeSpace{}, nil }
func (e fakeEmbedder) EmbedDocuments(_ context.Context, texts []string) ([][]float32, Space, error) {
	if e.err != nil {
		return nil, nil, e.err
	}
	out := make([][]float32, len(texts))
	for i := range out {
		out[i] = []float32{1, 0}
	}
	return out, fakeSpace{}, nil
}

type progressEmbedder struct {
	fakeEmbedder
	reports []float64
}

var _ ProgressEmbedder = progressEmbedder{}

func (e progressEmbedder) EmbedDocumentsProgress(ctx context.Context, texts []string, progress func(float64)) ([][]float32, Space, error) {
	for _, f := range e.reports {
		progress(f)
	}
	return e.EmbedDocuments(ctx, texts)
}

func TestDocuments(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		desc string
		e    Embedder
		want []float64
		err  error
	}{
		{"plain embedder: 1 at the end", fakeEmbedder{}, []float64{1}, nil},
		{"plain embedder failing: nothing", fakeEmbedder{err: boom}, nil, boom},
		{"progress embedder", progressEmbedder{reports: []float64{0.25, 0.5, 1}}, []float64{0.25, 0.5, 1}, nil},
		{"clamped, never decreasing, 1 at the end", progressEmbedder{reports: []float64{-1, 0.5, 0.3, math.NaN(), 0.5, 0.7, 2}}, []float64{0.5, 0.7, 1}, nil},
		{"short of 1: 1 added", progressEmbedder{reports: []float64{0.2}}, []float64{0.2, 1}, nil},
		{"failing: no 1", progressEmbedder{fakeEmbedder: fakeEmbedder{err: boom}, reports: []float64{0.2}}, []float64{0.2}, boom},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			var got []float64
			v, _, err := Documents(context.Background(), tc.e, []string{"a", "b"}, func(f float64) { got = append(got, f) })
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if err == nil && len(v) != 2 {
				t.Errorf("%d vectors for 2 texts", len(v))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("progress %v, want %v", got, tc.want)
			}
		})
	}
	// A nil progress is allowed.
	if _, _, err := Documents(context.Background(), progressEmbedder{reports: []float64{0.5}}, []string{"a"}, nil); err != nil {
		t.Fatal(err)
	}
}
