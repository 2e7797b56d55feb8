package cluster_test

import (
	"testing"

	"github.com/bunkatopics/bunka-go/internal/cluster"
	"github.com/bunkatopics/bunka-go/internal/cluster/clustertest"
)

func TestCPUConformance(t *testing.T) { clustertest.Run(t, cluster.CPU) }
