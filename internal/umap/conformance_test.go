package umap_test

import (
	"testing"

	"github.com/bunkatopics/bunka-go/internal/umap"
	"github.com/bunkatopics/bunka-go/internal/umap/umaptest"
)

func TestCPULayoutConformance(t *testing.T) { umaptest.RunLayout(t, umap.CPULayout{}) }
