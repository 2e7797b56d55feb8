package embed_test

import (
	"context"
	"fmt"
	"math"

	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/lsa"
)

// Embedding a job's documents with the builtin embedder, then an axis word
// in the same space, as the Bourdieu map does.
func ExampleDocuments() {
	docs := []string{
		"the army fought the war", "soldiers won the war", "a long war and a battle",
		"the treaty brought peace", "peace between the nations", "a lasting peace agreement",
	}
	var e embed.Embedder = lsa.New(lsa.Options{})
	vecs, space, err := embed.Documents(context.Background(), e, docs, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	q, err := space.EmbedQueries(context.Background(), []string{"war"})
	if err != nil {
		fmt.Println(err)
		return
	}
	cos := func(a, b []float32) float64 {
		var s float64
		for i := range a {
			s += float64(a[i]) * float64(b[i])
		}
		return s
	}
	var norm float64
	for _, x := range vecs[0] {
		norm += float64(x) * float64(x)
	}
	fmt.Println(len(vecs), "vectors; of the space's dimension:", len(vecs[0]) == space.Dim(), "; unit length:", math.Abs(norm-1) < 1e-5)
	fmt.Println("war is nearer a war document than a peace one:", cos(q[0], vecs[0]) > cos(q[0], vecs[3]))
	// Output:
	// 6 vectors; of the space's dimension: true ; unit length: true
	// war is nearer a war document than a peace one: true
}
