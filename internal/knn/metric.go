package knn

import (
	"fmt"
	"strings"
)

// Metric is a distance between rows. The zero value is Euclidean.
type Metric int

const (
	// Euclidean is the L2 distance.
	Euclidean Metric = iota
	// Cosine is 1 − cos(x, y).
	Cosine
)

// String returns the metric's name as ParseMetric accepts it.
func (m Metric) String() string {
	switch m {
	case Euclidean:
		return "euclidean"
	case Cosine:
		return "cosine"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// ParseMetric returns the metric named s ("euclidean" or "cosine", any case;
// "l2" is accepted for euclidean).
func ParseMetric(s string) (Metric, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "euclidean", "l2":
		return Euclidean, nil
	case "cosine":
		return Cosine, nil
	}
	return 0, fmt.Errorf("knn: unknown metric %q (want euclidean or cosine)", s)
}
