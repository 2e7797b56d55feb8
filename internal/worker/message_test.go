package worker

import (
	"errors"
	"fmt"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/pipeline"
)

func TestClientMessage(t *testing.T) {
	for _, tc := range []struct {
		desc string
		err  error
		want string
	}{
		{"pipeline prefix and sentinel", fmt.Errorf("pipeline: 5 clusters asked for 3 documents: %w", pipeline.ErrInvalidInput),
			"5 clusters asked for 3 documents"},
		{"a chain through lsa", fmt.Errorf("pipeline: embedding with lsa: %w: %w", pipeline.ErrInvalidInput,
			errors.New("lsa: 3 documents, 2 distinct terms, none in 2 to 3 documents")),
			"embedding with lsa: 3 documents, 2 distinct terms, none in 2 to 3 documents"},
		{"bourdieu axis", fmt.Errorf("pipeline: %w: %w", pipeline.ErrInvalidInput,
			errors.New(`x axis: bourdieu: "war" and "peace" embed to the same vector: invalid Bourdieu query`)),
			`x axis: "war" and "peace" embed to the same vector`},
		{"nothing but the chain", fmt.Errorf("pipeline: %w", pipeline.ErrInvalidInput), "the request's data cannot be processed"},
	} {
		if got := clientMessage(tc.err); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.desc, got, tc.want)
		}
	}
}
