package cluster_test

import (
	"context"
	"fmt"

	"github.com/bunkatopics/bunka-go/internal/cluster"
)

// Two groups of points on a line, split by k-means.
func ExampleKMeans() {
	points := [][]float64{{0, 0}, {0, 1}, {1, 0}, {10, 10}, {10, 11}, {11, 10}}
	res, err := cluster.KMeans(context.Background(), points, 2, cluster.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Labels[0] == res.Labels[1], res.Labels[0] == res.Labels[3])
	fmt.Printf("inertia %.2f\n", res.Inertia)
	// Output:
	// true false
	// inertia 2.67
}
