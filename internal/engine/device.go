package engine

import (
	"fmt"
	"log/slog"

	"github.com/bunkatopics/bunka-go/internal/cluster"
	"github.com/bunkatopics/bunka-go/internal/cuda"
	"github.com/bunkatopics/bunka-go/internal/device"
	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/umap"
)

// Stage names of the device log lines, as pipeline.Devices names them.
const (
	StageEmbedding  = "embedding"
	StageKNN        = "knn"
	StageLayout     = "layout"
	StageClustering = "clustering"
)

// gpu is what the engine needs of a GPU: internal/cuda's *GPU, or a fake
// in the tests. The backends it has for the numeric stages are the
// optional interfaces below: a stage whose GPU version the build lacks
// stays on the CPU, and says so.
type gpu interface {
	Name() string
	Close() error
}

type (
	gpuSearcher  interface{ Searcher() knn.Searcher }
	gpuLayout    interface{ Layout() umap.Optimizer }
	gpuClusterer interface{ Clusterer() cluster.Clusterer }
)

// openCUDA opens internal/cuda's GPU: ErrNotBuilt in a binary built
// without -tags cuda.
func openCUDA() (gpu, error) {
	g, err := cuda.Open()
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Numeric are the backends of the numeric stages: the k-NN search, the
// UMAP layout and k-means.
type Numeric struct {
	// nil for a stage on the CPU: the pipeline's defaults
	// (knn.AutoSearcher, umap.CPULayout, cluster.CPU).
	Searcher  knn.Searcher
	Layout    umap.Optimizer
	Clusterer cluster.Clusterer

	// Devices of the k-NN search, the layout and the clustering (the
	// embedding's is left zero: engine sets it from the embedder).
	Devices pipeline.Devices

	gpu gpu
}

// Close releases the GPU, if the backends hold one. It may be called more
// than once.
func (n *Numeric) Close() error {
	if n.gpu == nil {
		return nil
	}
	g := n.gpu
	n.gpu = nil
	if err := g.Close(); err != nil {
		return fmt.Errorf("engine: release the GPU: %w", err)
	}
	return nil
}

// OpenNumeric returns the numeric backends on the device that dev asks
// for, and logs, for each numeric stage, the device chosen and why:
// device.CPU uses the CPU; device.CUDA the GPU, or fails saying why there
// is no usable one (a binary built without -tags cuda, no device, a
// driver error); device.Auto (and "") the GPU when one opens, else the
// CPU. On the GPU, a stage that has no GPU version in this build stays on
// the CPU. Close the result to release the GPU.
func OpenNumeric(dev device.Device, log *slog.Logger) (*Numeric, error) {
	return openNumeric(dev, log, openCUDA)
}

func openNumeric(dev device.Device, log *slog.Logger, open func() (gpu, error)) (*Numeric, error) {
	if log == nil {
		log = slog.Default()
	}
	var (
		g   gpu
		why string // of the GPU, or of the CPU for every stage
	)
	switch dev.OrAuto() {
	case device.CPU:
		why = "BUNKA_DEVICE=cpu"
	case device.CUDA:
		var err error
		if g, err = open(); err != nil {
			return nil, fmt.Errorf("engine: BUNKA_DEVICE=cuda but no usable GPU: %w", err)
		}
		why = "BUNKA_DEVICE=cuda: " + g.Name()
	case device.Auto:
		var err error
		if g, err = open(); err != nil {
			g, why = nil, "BUNKA_DEVICE=auto and no usable GPU: "+err.Error()
		} else {
			why = "BUNKA_DEVICE=auto found " + g.Name()
		}
	default:
		return nil, fmt.Errorf("engine: device %q: want auto, cpu or cuda", dev)
	}
	n := &Numeric{gpu: g}
	// choose logs and returns the device of one stage: the GPU when it has
	// a version of the stage.
	choose := func(stage string, onGPU bool) device.Device {
		d, w := device.CPU, why
		switch {
		case g != nil && onGPU:
			d = device.CUDA
		case g != nil:
			w = "no GPU version of this stage in this build, though " + why
		}
		log.Info("device chosen", "stage", stage, "device", string(d), "why", w)
		return d
	}
	s, ok := g.(gpuSearcher)
	if n.Devices.KNN = choose(StageKNN, ok); ok {
		n.Searcher = s.Searcher()
	}
	l, ok := g.(gpuLayout)
	if n.Devices.Layout = choose(StageLayout, ok); ok {
		n.Layout = l.Layout()
	}
	c, ok := g.(gpuClusterer)
	if n.Devices.Clustering = choose(StageClustering, ok); ok {
		n.Clusterer = c.Clusterer()
	}
	return n, nil
}

// Every numeric stage has its GPU version in internal/cuda: a change there
// that dropped one would otherwise only show as a stage left on the CPU.
var _ interface {
	gpu
	gpuSearcher
	gpuLayout
	gpuClusterer
} = (*cuda.GPU)(nil)
