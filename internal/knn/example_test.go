package knn_test

import (
	"context"
	"fmt"

	"github.com/bunkatopics/bunka-go/internal/knn"
)

// The two nearest neighbours of each of five points on a line.
func ExampleSearcher() {
	data := [][]float32{{0}, {1}, {3}, {6}, {10}}
	g, err := knn.ExactSearcher.Search(context.Background(), data, 2, knn.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range g.N {
		idx, dist := g.Neighbors(i)
		fmt.Println(i, idx, dist)
	}
	// Output:
	// 0 [1 2] [1 3]
	// 1 [0 2] [1 2]
	// 2 [1 0] [2 3]
	// 3 [2 4] [3 4]
	// 4 [3 2] [4 7]
}
