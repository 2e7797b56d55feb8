package umap_test

import (
	"context"
	"fmt"
	"math"

	"github.com/bunkatopics/bunka-go/internal/umap"
	"github.com/bunkatopics/bunka-go/internal/umap/umaptest"
)

// Three blobs in 16 dimensions projected to the plane: each stays in one
// piece, apart from the others.
func ExampleProject() {
	data, labels := umaptest.Blobs(3, 40, 16, 1)
	xy, err := umap.Project(context.Background(), data, umap.Options{Seed: 42})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The blobs' centres in the plane, and each blob's widest spread.
	var centre [3][2]float64
	for i, p := range xy {
		centre[labels[i]][0] += float64(p[0]) / 40
		centre[labels[i]][1] += float64(p[1]) / 40
	}
	var spread [3]float64
	for i, p := range xy {
		c := centre[labels[i]]
		spread[labels[i]] = math.Max(spread[labels[i]], math.Hypot(float64(p[0])-c[0], float64(p[1])-c[1]))
	}
	apart := true
	for a := range 3 {
		for b := a + 1; b < 3; b++ {
			d := math.Hypot(centre[a][0]-centre[b][0], centre[a][1]-centre[b][1])
			apart = apart && d > spread[a]+spread[b]
		}
	}
	fmt.Println(len(xy), "points; blobs apart:", apart)
	// Output: 120 points; blobs apart: true
}
