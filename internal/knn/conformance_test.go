package knn_test

import (
	"testing"

	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/knn/knntest"
)

func TestExactConformance(t *testing.T)     { knntest.Run(t, knn.ExactSearcher, 1) }
func TestNNDescentConformance(t *testing.T) { knntest.Run(t, knn.NNDescentSearcher, 0.95) }
func TestAutoConformance(t *testing.T)      { knntest.Run(t, knn.AutoSearcher, 1) }
